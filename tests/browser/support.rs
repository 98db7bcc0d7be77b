//! WebDriver plumbing for the browser suite: finding Chromium and chromedriver, one
//! chromedriver per test on its own port, sessions with JavaScript off (journeys) or
//! on (audits), keyboard helpers, screenshots, and the accessibility audit of a page
//! (axe-core, page structure, focus rings, reflow at 320 px).

use std::future::Future;
use std::os::unix::process::CommandExt;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::wd::{Capabilities, TimeoutConfiguration};
use fantoccini::{Client, ClientBuilder, Locator};
use futures::FutureExt;
use serde_json::{Value, json};

pub fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Reports a missing tool: a skip on a developer's machine, a failure under CI.
pub fn missing(test: &str, what: &str) {
    assert!(!ci(), "CI=true but {what}");
    eprintln!("SKIPPED: {test}: {what}");
}

fn which(candidates: &[&str]) -> Option<PathBuf> {
    let paths: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    candidates.iter().find_map(|c| {
        let p = Path::new(c);
        if p.is_absolute() {
            return p.is_file().then(|| p.to_path_buf());
        }
        paths.iter().map(|d| d.join(c)).find(|f| f.is_file())
    })
}

/// Where the browser and its driver are.
pub struct Browser {
    chrome: PathBuf,
    driver: PathBuf,
}

impl Browser {
    /// Chromium and chromedriver (`CHROME_BIN` and `CHROMEDRIVER` override the
    /// search), or `None` after saying the test was skipped.
    pub fn find(test: &str) -> Option<Browser> {
        let chrome = match std::env::var("CHROME_BIN") {
            Ok(path) => which(&[path.as_str()]),
            Err(_) => which(&["chromium", "chromium-browser", "google-chrome"]),
        };
        let driver = match std::env::var("CHROMEDRIVER") {
            Ok(path) => which(&[path.as_str()]),
            Err(_) => which(&["chromedriver"]),
        };
        match (chrome, driver) {
            (Some(chrome), Some(driver)) => Some(Browser { chrome, driver }),
            _ => {
                missing(
                    test,
                    "Chromium or chromedriver is not installed \
                     (apt-get install chromium chromium-driver)",
                );
                None
            }
        }
    }
}

/// The axe-core script installed by `npm ci`, or `None` after saying the test was
/// skipped.
pub fn axe_source(test: &str) -> Option<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("node_modules/axe-core/axe.min.js");
    match std::fs::read_to_string(&path) {
        Ok(s) => Some(s),
        Err(_) => {
            missing(
                test,
                &format!(
                    "axe-core is not installed at {} (run `npm ci` once)",
                    path.display()
                ),
            );
            None
        }
    }
}

pub fn screenshot_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).expect("target/screenshots can be created");
    dir
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// A chromedriver of this test alone, in its own process group so that it and
/// every browser it started end together.
pub struct Driver {
    child: Child,
    url: String,
    chrome: PathBuf,
    logs: tempfile::TempDir,
}

impl Driver {
    pub async fn start(browser: &Browser) -> Driver {
        let logs = tempfile::tempdir().unwrap();
        let http = reqwest::Client::builder().no_proxy().build().unwrap();
        for _ in 0..3 {
            let port = free_port();
            let log = std::fs::File::create(logs.path().join("chromedriver.log")).unwrap();
            let mut child = Command::new(&browser.driver)
                .arg(format!("--port={port}"))
                .stdin(Stdio::null())
                .stdout(log.try_clone().unwrap())
                .stderr(log)
                .process_group(0)
                .spawn()
                .expect("chromedriver starts");
            let url = format!("http://127.0.0.1:{port}");
            let deadline = Instant::now() + Duration::from_secs(20);
            while Instant::now() < deadline {
                if child.try_wait().unwrap().is_some() {
                    break;
                }
                let ready = http.get(format!("{url}/status")).send().await;
                if let Ok(r) = ready
                    && let Ok(v) = r.json::<Value>().await
                    && v["value"]["ready"] == json!(true)
                {
                    return Driver {
                        child,
                        url,
                        chrome: browser.chrome.clone(),
                        logs,
                    };
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            kill_group(&mut child);
        }
        panic!(
            "chromedriver did not start: {}",
            std::fs::read_to_string(logs.path().join("chromedriver.log")).unwrap_or_default()
        );
    }

    /// A new browser with a fresh profile. `javascript: false` turns scripts off in
    /// the profile, as in Tor Browser's safest mode.
    pub async fn session(&self, javascript: bool) -> Session {
        let profile = tempfile::tempdir().unwrap();
        let mut options = json!({
            "binary": self.chrome,
            "args": [
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--no-first-run",
                "--no-default-browser-check",
                "--no-proxy-server",
                "--hide-scrollbars",
                "--force-device-scale-factor=1",
                "--window-size=1280,900",
                format!("--user-data-dir={}", profile.path().display()),
            ],
        });
        let downloads = profile.path().join("downloads");
        std::fs::create_dir_all(&downloads).unwrap();
        options["prefs"] = json!({
            "download.default_directory": downloads,
            "download.prompt_for_download": false,
        });
        if !javascript {
            options["prefs"]["profile.managed_default_content_settings.javascript"] = json!(2);
            options["prefs"]["webkit.webprefs.javascript_enabled"] = json!(false);
        }
        let mut caps = Capabilities::new();
        caps.insert("browserName".into(), json!("chrome"));
        caps.insert("goog:chromeOptions".into(), options);
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&self.url)
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "no browser session: {e}\n{}",
                    std::fs::read_to_string(self.logs.path().join("chromedriver.log"))
                        .unwrap_or_default()
                )
            });
        client
            .update_timeouts(TimeoutConfiguration::new(
                Some(Duration::from_secs(60)),
                Some(Duration::from_secs(30)),
                Some(Duration::ZERO),
            ))
            .await
            .unwrap();
        Session {
            c: client,
            javascript,
            downloads,
            _profile: profile,
        }
    }
}

fn kill_group(child: &mut Child) {
    let group = format!("-{}", child.id());
    let killed = Command::new("kill")
        .args(["-KILL", "--", &group])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !killed {
        let _ = child.kill();
    }
    let _ = child.wait();
}

impl Drop for Driver {
    fn drop(&mut self) {
        kill_group(&mut self.child);
    }
}

/// What has keyboard focus, as WebDriver reports it (no page script needed).
pub struct Focused {
    pub element: Element,
    pub tag: String,
    pub id: String,
    pub class: String,
    pub href: String,
    pub text: String,
}

impl Focused {
    fn describe(&self) -> String {
        format!(
            "<{} id={:?} class={:?} href={:?}> {:?}",
            self.tag,
            self.id,
            self.class,
            self.href,
            self.text.chars().take(40).collect::<String>()
        )
    }
}

pub struct Session {
    pub c: Client,
    pub javascript: bool,
    /// Where the browser saves downloads.
    pub downloads: PathBuf,
    _profile: tempfile::TempDir,
}

impl Session {
    pub async fn close(self) {
        let _ = self.c.close().await;
    }

    /// Runs the steps of a test; when one fails, the page it failed on is saved as
    /// `target/screenshots/FAILED-<name>.png` before the failure goes on.
    pub async fn guard(&self, name: &str, steps: impl Future<Output = ()>) {
        let failed = screenshot_dir().join(format!("FAILED-{name}.png"));
        let _ = std::fs::remove_file(&failed);
        if let Err(panic) = AssertUnwindSafe(steps).catch_unwind().await {
            if let Ok(png) = self.c.screenshot().await {
                let _ = std::fs::write(&failed, png);
                eprintln!("screenshot of the failing page: {}", failed.display());
            }
            if let Ok(url) = self.c.current_url().await {
                eprintln!("failing page: {url}");
            }
            std::panic::resume_unwind(panic);
        }
    }

    pub async fn goto(&self, url: &str) {
        self.c
            .goto(url)
            .await
            .unwrap_or_else(|e| panic!("cannot open {url}: {e}"));
    }

    pub async fn find(&self, css: &str) -> Element {
        self.c
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css}: {e}"))
    }

    pub async fn exists(&self, css: &str) -> bool {
        !self.c.find_all(Locator::Css(css)).await.unwrap().is_empty()
    }

    pub async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await.unwrap().trim().to_owned()
    }

    pub async fn texts(&self, css: &str) -> Vec<String> {
        let mut out = Vec::new();
        for e in self.c.find_all(Locator::Css(css)).await.unwrap() {
            out.push(e.text().await.unwrap().trim().to_owned());
        }
        out
    }

    pub async fn attr(&self, css: &str, name: &str) -> Option<String> {
        self.find(css).await.attr(name).await.unwrap()
    }

    pub async fn value(&self, css: &str) -> String {
        self.find(css)
            .await
            .prop("value")
            .await
            .unwrap()
            .unwrap_or_default()
    }

    pub async fn click(&self, css: &str) {
        self.find(css)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("cannot click {css}: {e}"));
    }

    pub async fn fill(&self, css: &str, text: &str) {
        self.find(css).await.send_keys(text).await.unwrap();
    }

    pub async fn source(&self) -> String {
        self.c.source().await.unwrap()
    }

    /// Waits until `css` matches (pages load in the background after a key press).
    pub async fn wait_for(&self, css: &str) -> Element {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(e) = self.c.find(Locator::Css(css)).await {
                return e;
            }
            if Instant::now() > deadline {
                let url = self.c.current_url().await.map(|u| u.to_string());
                panic!("{css} did not appear on {url:?}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until the text of `css` contains `needle` (e.g. the next page of a form
    /// that has the same elements as the page before).
    pub async fn wait_contains(&self, css: &str, needle: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut seen = String::new();
        while Instant::now() < deadline {
            if let Ok(e) = self.c.find(Locator::Css(css)).await
                && let Ok(text) = e.text().await
            {
                if text.contains(needle) {
                    return;
                }
                seen = text;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("{css} never contained {needle:?}; last seen: {seen:?}");
    }

    /// Waits until the browser has saved a download called `name`; returns it.
    pub async fn downloaded(&self, name: &str) -> Vec<u8> {
        let path = self.downloads.join(name);
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(data) = std::fs::read(&path) {
                return data;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let there: Vec<_> = std::fs::read_dir(&self.downloads)
            .map(|d| d.flatten().map(|e| e.file_name()).collect())
            .unwrap_or_default();
        panic!("{name} was not downloaded; the download folder has {there:?}");
    }

    /// Waits until the page's heading is no longer `previous` (the next page has
    /// loaded); returns the new heading.
    pub async fn wait_new_h1(&self, previous: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(h) = self.c.find(Locator::Css("h1")).await
                && let Ok(text) = h.text().await
                && text.trim() != previous
            {
                return text.trim().to_owned();
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the page {previous:?} did not make way for the next one");
    }

    /// Waits until the page's heading is `expected`.
    pub async fn wait_h1(&self, expected: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut seen = String::new();
        while Instant::now() < deadline {
            if let Ok(h) = self.c.find(Locator::Css("h1")).await
                && let Ok(text) = h.text().await
            {
                if text.trim() == expected {
                    return;
                }
                seen = text;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let url = self.c.current_url().await.map(|u| u.to_string());
        panic!("expected the page {expected:?}, still on {seen:?} at {url:?}");
    }

    /// Proves that the profile runs no page scripts: a page whose script would
    /// rename it keeps its title, and `<noscript>` content is rendered.
    pub async fn assert_javascript_off(&self) {
        self.goto(
            "data:text/html,<title>scripts off</title>\
             <noscript><p id=noscript>no script</p></noscript>\
             <script>document.title='scripts ran'</script>",
        )
        .await;
        assert_eq!(self.c.title().await.unwrap(), "scripts off");
        assert!(
            self.find("#noscript").await.is_displayed().await.unwrap(),
            "<noscript> content is shown when scripts are off"
        );
    }

    pub async fn press(&self, key: Key) {
        let k: char = key.into();
        let keys = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value: k })
            .then(KeyAction::Up { value: k });
        self.c.perform_actions(keys).await.unwrap();
    }

    /// Types into whatever has focus.
    pub async fn type_text(&self, text: &str) {
        self.c
            .active_element()
            .await
            .unwrap()
            .send_keys(text)
            .await
            .unwrap();
    }

    /// The focused element once focus has landed on `id`, or after two seconds
    /// whatever has it: a browser runs `autofocus` when it next renders, which can
    /// come after the element is already in the page.
    pub async fn focus_settled(&self, id: &str) -> Focused {
        let deadline = Instant::now() + Duration::from_secs(2);
        loop {
            let focused = self.focused().await;
            if focused.id == id || Instant::now() > deadline {
                return focused;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn focused(&self) -> Focused {
        let element = self.c.active_element().await.unwrap();
        let attr = |name: &'static str| {
            let e = element.clone();
            async move { e.attr(name).await.ok().flatten().unwrap_or_default() }
        };
        let (id, class, href) = (attr("id").await, attr("class").await, attr("href").await);
        let tag = element.tag_name().await.unwrap_or_default().to_lowercase();
        let text = if tag == "body" {
            String::new()
        } else {
            element.text().await.unwrap_or_default().trim().to_owned()
        };
        Focused {
            element,
            tag,
            id,
            class,
            href,
            text,
        }
    }

    pub async fn tab(&self) -> Focused {
        self.press(Key::Tab).await;
        self.focused().await
    }

    /// Presses Tab until `wanted` has focus; fails when focus gets stuck (a trap)
    /// or the element is never reached.
    pub async fn tab_to(&self, what: &str, wanted: impl Fn(&Focused) -> bool) -> Focused {
        let mut path = Vec::new();
        let mut last = None;
        for _ in 0..80 {
            let f = self.tab().await;
            let id = f.element.element_id().to_string();
            if f.tag != "body" && last.as_ref() == Some(&id) {
                panic!(
                    "keyboard trap: Tab does not move focus from {}",
                    f.describe()
                );
            }
            if wanted(&f) {
                return f;
            }
            path.push(f.describe());
            last = Some(id);
        }
        panic!(
            "Tab never reached {what}; focus went through:\n{}",
            path.join("\n")
        );
    }

    /// Sets the viewport's width and height in CSS pixels.
    pub async fn viewport(&self, width: u32, height: u32) {
        self.c.set_window_size(width, height).await.unwrap();
        if self.javascript {
            let inner = self
                .c
                .execute("return window.innerWidth", vec![])
                .await
                .unwrap();
            assert_eq!(inner, json!(width), "the viewport follows the window size");
        }
    }

    /// The whole page at `width`, saved as PNG (needs JavaScript for the height).
    pub async fn screenshot(&self, name: &str, width: u32) {
        self.viewport(width, 900).await;
        // The window's height includes the (invisible) browser toolbar.
        let height = self
            .c
            .execute(
                "return Math.ceil(document.documentElement.getBoundingClientRect().height) \
                 + window.outerHeight - window.innerHeight",
                vec![],
            )
            .await
            .unwrap()
            .as_u64()
            .unwrap_or(900)
            .clamp(600, 12_000) as u32;
        self.c.set_window_size(width, height).await.unwrap();
        let png = self.c.screenshot().await.unwrap();
        std::fs::write(screenshot_dir().join(format!("{name}-{width}.png")), png).unwrap();
    }
}

/// Page structure: one h1, the language, a skip link first, labels, autocomplete.
const STRUCTURE_JS: &str = r#"
const snippet = e => e.outerHTML.slice(0, 160);
const focusable = Array.from(document.querySelectorAll(
    'a[href], button, input, select, textarea, [tabindex]'))
  .filter(e => e.tabIndex >= 0 && !e.disabled && e.type !== 'hidden');
const first = focusable[0];
const main = document.getElementById('main');
const fields = Array.from(document.querySelectorAll('input, select, textarea'))
  .filter(e => e.type !== 'hidden');
const noAutocomplete = ['hidden', 'radio', 'checkbox', 'submit', 'button', 'reset', 'file', 'image'];
const code = document.querySelector('input[name=code]');
return {
  lang: document.documentElement.getAttribute('lang'),
  h1: document.querySelectorAll('h1').length,
  skipLinkFirst: !!first && first.classList.contains('skip-link')
    && first.getAttribute('href') === '#main' && !!main,
  firstFocusable: first ? snippet(first) : null,
  mainHasFocusable: !!main && focusable.some(e => main.contains(e)),
  unlabelled: fields
    .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
      && !e.getAttribute('aria-labelledby'))
    .map(snippet),
  withoutAutocomplete: fields
    .filter(e => e.tagName === 'INPUT' && !noAutocomplete.includes(e.type))
    .filter(e => !e.hasAttribute('autocomplete'))
    .map(snippet),
  codeAutocomplete: code ? code.getAttribute('autocomplete') : 'no code field',
  focusOnBody: document.activeElement === document.body || !document.activeElement,
};
"#;

/// What the focused element looks like: is its focus indicator visible?
const FOCUS_JS: &str = r#"
const e = document.activeElement;
if (!e || e === document.body || e === document.documentElement) return null;
const s = getComputedStyle(e);
// 'auto' is the browser's own focus ring; otherwise a real outline or a shadow.
const outline = s.outlineStyle === 'auto' || (s.outlineStyle !== 'none'
  && parseFloat(s.outlineWidth) > 0 && s.outlineColor !== 'rgba(0, 0, 0, 0)');
const shadow = s.boxShadow && s.boxShadow !== 'none';
const main = document.getElementById('main');
if (!e.dataset.walk) e.dataset.walk = String(window.__walk = (window.__walk || 0) + 1);
return {
  key: e.dataset.walk,
  what: e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
    + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().replace(/\s+/g, '.') : '')
    + ' ' + JSON.stringify((e.innerText || e.value || '').trim().slice(0, 30)),
  visible: outline || shadow,
  style: s.outlineStyle + ' ' + s.outlineWidth + ' ' + s.outlineColor + ' / ' + s.boxShadow,
  inMain: !!main && main.contains(e) && e !== main,
  isMain: e === main,
  skipLink: e.classList.contains('skip-link'),
};
"#;

/// Nothing wider than the viewport (WCAG 1.4.10); names what sticks out if so.
const REFLOW_JS: &str = r#"
const d = document.documentElement;
const over = d.scrollWidth > d.clientWidth
  ? Array.from(document.querySelectorAll('body *'))
      .filter(e => e.getBoundingClientRect().right > d.clientWidth + 0.5)
      .slice(0, 6)
      .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
        + (typeof e.className === 'string' && e.className ? '.' + e.className.trim().replace(/\s+/g, '.') : '')
        + ' right=' + Math.round(e.getBoundingClientRect().right))
  : [];
return { scrollWidth: d.scrollWidth, clientWidth: d.clientWidth, over: over };
"#;

const AXE_RUN_JS: &str = r#"
const done = arguments[arguments.length - 1];
axe.run(document, {
  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  resultTypes: ['violations'],
}).then(r => done(JSON.stringify(r.violations.map(v => ({
  id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
  nodes: v.nodes.map(n => ({ target: n.target.join(' '), html: n.html, summary: n.failureSummary })),
}))))).catch(e => done(JSON.stringify({ error: String(e) })));
"#;

/// The accessibility audit of every page a test visits, in a session with
/// JavaScript on. Problems are collected and reported together at the end.
pub struct Audit {
    axe: String,
    lang: &'static str,
    seq: usize,
    pub pages: Vec<String>,
    problems: Vec<String>,
}

impl Audit {
    /// Starts an audit; the screenshots of an earlier run in this language go.
    pub fn new(axe: String, lang: &'static str) -> Audit {
        let prefix = format!("{lang}-");
        for entry in std::fs::read_dir(screenshot_dir())
            .into_iter()
            .flatten()
            .flatten()
        {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with(&prefix) && name.ends_with(".png") {
                let _ = std::fs::remove_file(entry.path());
            }
        }
        Audit {
            axe,
            lang,
            seq: 0,
            pages: Vec::new(),
            problems: Vec::new(),
        }
    }

    fn problem(&mut self, page: &str, text: String) {
        self.problems.push(format!("[{page}] {text}"));
    }

    /// Audits the page the session shows now: structure, axe-core, screenshots at
    /// 1280 and 360 px, reflow at 320 px, and the skip link as the first Tab stop.
    pub async fn page(&mut self, s: &Session, name: &str) {
        assert!(s.javascript, "the audit needs a session with JavaScript on");
        self.seq += 1;
        let label = format!("{}-{:02}-{name}", self.lang, self.seq);
        self.pages.push(label.clone());
        s.viewport(1280, 900).await;
        let structure = s.c.execute(STRUCTURE_JS, vec![]).await.unwrap();
        self.structure(&label, &structure);
        self.axe(s, &label).await;
        for width in [1280, 360] {
            s.screenshot(&label, width).await;
        }
        s.viewport(320, 800).await;
        let reflow = s.c.execute(REFLOW_JS, vec![]).await.unwrap();
        if reflow["scrollWidth"].as_u64() > reflow["clientWidth"].as_u64() {
            self.problem(
                &label,
                format!(
                    "needs horizontal scrolling at 320 px: scrollWidth {} > clientWidth {}; \
                     too wide: {}",
                    reflow["scrollWidth"], reflow["clientWidth"], reflow["over"]
                ),
            );
        }
        s.viewport(1280, 900).await;
        if structure["focusOnBody"] == json!(true) {
            self.skip_link(s, &label, structure["mainHasFocusable"] == json!(true))
                .await;
        }
    }

    /// Proves that the gate can fail: on a page with known faults, axe-core, the
    /// structure check and the reflow check each report them.
    pub async fn check_the_checks(&self, s: &Session) {
        s.goto(
            "data:text/html,<title>faulty</title><body><img src=x.png>\
             <input type=text><div style='width:900px'>wide</div>",
        )
        .await;
        s.c.execute(&self.axe, vec![])
            .await
            .expect("axe-core loads");
        let out = s.c.execute_async(AXE_RUN_JS, vec![]).await.unwrap();
        let found: Value = serde_json::from_str(out.as_str().unwrap()).unwrap();
        let ids: Vec<&str> = found
            .as_array()
            .expect("a list of violations")
            .iter()
            .filter_map(|v| v["id"].as_str())
            .collect();
        for rule in ["image-alt", "label", "html-has-lang"] {
            assert!(ids.contains(&rule), "axe-core reports {rule}: {ids:?}");
        }
        let structure = s.c.execute(STRUCTURE_JS, vec![]).await.unwrap();
        assert_eq!(structure["h1"], json!(0));
        assert_eq!(structure["skipLinkFirst"], json!(false));
        assert_eq!(structure["unlabelled"].as_array().map(Vec::len), Some(1));
        assert_eq!(
            structure["withoutAutocomplete"].as_array().map(Vec::len),
            Some(1)
        );
        s.viewport(320, 800).await;
        let reflow = s.c.execute(REFLOW_JS, vec![]).await.unwrap();
        assert!(reflow["scrollWidth"].as_u64() > reflow["clientWidth"].as_u64());
        s.viewport(1280, 900).await;
    }

    fn structure(&mut self, label: &str, v: &Value) {
        if v["lang"] != json!(self.lang) {
            self.problem(
                label,
                format!("html lang is {}, not {}", v["lang"], self.lang),
            );
        }
        if v["h1"] != json!(1) {
            self.problem(label, format!("{} h1 elements instead of one", v["h1"]));
        }
        if v["skipLinkFirst"] != json!(true) {
            self.problem(
                label,
                format!(
                    "the first focusable element is not a skip link to #main: {}",
                    v["firstFocusable"]
                ),
            );
        }
        for (key, what) in [
            ("unlabelled", "a form field without a label"),
            ("withoutAutocomplete", "an input without autocomplete"),
        ] {
            for e in v[key].as_array().into_iter().flatten() {
                self.problem(label, format!("{what}: {e}"));
            }
        }
        if !matches!(
            v["codeAutocomplete"].as_str(),
            Some("off" | "no code field")
        ) {
            self.problem(
                label,
                format!(
                    "the pickup code field has autocomplete={}",
                    v["codeAutocomplete"]
                ),
            );
        }
    }

    async fn axe(&mut self, s: &Session, label: &str) {
        s.c.execute(&self.axe, vec![])
            .await
            .expect("axe-core loads");
        let out =
            s.c.execute_async(AXE_RUN_JS, vec![])
                .await
                .expect("axe-core runs");
        let parsed: Value = serde_json::from_str(out.as_str().unwrap_or("null")).unwrap();
        if let Some(e) = parsed.get("error") {
            self.problem(label, format!("axe-core failed: {e}"));
            return;
        }
        for v in parsed.as_array().into_iter().flatten() {
            let mut text = format!(
                "axe {} ({}): {} — {}",
                v["id"].as_str().unwrap_or("?"),
                v["impact"].as_str().unwrap_or("?"),
                v["help"].as_str().unwrap_or("?"),
                v["helpUrl"].as_str().unwrap_or("")
            );
            for n in v["nodes"].as_array().into_iter().flatten() {
                text.push_str(&format!(
                    "\n      at {}: {}\n      {}",
                    n["target"].as_str().unwrap_or("?"),
                    n["html"].as_str().unwrap_or("?"),
                    n["summary"]
                        .as_str()
                        .unwrap_or("")
                        .replace('\n', "\n      ")
                ));
            }
            self.problem(label, text);
        }
    }

    /// Tab from the top lands on a visible skip link; Enter on it moves on into
    /// the main content.
    async fn skip_link(&mut self, s: &Session, label: &str, main_has_focusable: bool) {
        s.press(Key::Tab).await;
        let first = s.c.execute(FOCUS_JS, vec![]).await.unwrap();
        if first["skipLink"] != json!(true) {
            self.problem(
                label,
                format!("the first Tab stop is not the skip link: {}", first["what"]),
            );
            return;
        }
        if first["visible"] != json!(true) {
            self.problem(
                label,
                format!(
                    "the focused skip link has no visible focus: {}",
                    first["style"]
                ),
            );
        }
        s.press(Key::Enter).await;
        let after = s.c.execute(FOCUS_JS, vec![]).await.unwrap();
        if after["isMain"] == json!(true) || !main_has_focusable {
            if main_has_focusable {
                s.press(Key::Tab).await;
                let next = s.c.execute(FOCUS_JS, vec![]).await.unwrap();
                if next["inMain"] != json!(true) {
                    self.problem(
                        label,
                        format!(
                            "after the skip link, Tab goes to {} outside the main content",
                            next["what"]
                        ),
                    );
                }
            }
        } else {
            self.problem(
                label,
                format!(
                    "the skip link does not move focus to #main: {}",
                    after["what"]
                ),
            );
        }
    }

    /// Tabs through the whole page from the skip link: every stop shows a visible
    /// focus indicator, and focus always moves on (no trap) until it leaves the page
    /// or comes round again.
    pub async fn focus_walk(&mut self, s: &Session, name: &str) {
        let label = format!("{}-focus-{name}", self.lang);
        s.c.execute(
            "window.scrollTo(0, 0); document.querySelector('.skip-link').focus()",
            vec![],
        )
        .await
        .unwrap();
        let mut seen = vec![s.c.execute(FOCUS_JS, vec![]).await.unwrap()["key"].clone()];
        for _ in 0..150 {
            s.press(Key::Tab).await;
            let f = s.c.execute(FOCUS_JS, vec![]).await.unwrap();
            if f.is_null() {
                break;
            }
            let what = f["what"].as_str().unwrap_or("?").to_owned();
            if seen.last() == Some(&f["key"]) {
                self.problem(&label, format!("keyboard trap at {what}"));
                return;
            }
            if seen.contains(&f["key"]) {
                break;
            }
            if f["visible"] != json!(true) {
                self.problem(
                    &label,
                    format!("no visible focus on {what}: {}", f["style"]),
                );
            }
            seen.push(f["key"].clone());
        }
        if seen.len() < 3 {
            self.problem(&label, format!("only {} Tab stops", seen.len()));
        }
        self.pages
            .push(format!("{label} ({} Tab stops)", seen.len()));
    }

    /// Fails with every problem found, or says what was audited.
    pub fn finish(self) {
        assert!(
            self.problems.is_empty(),
            "{} accessibility problem(s):\n{}",
            self.problems.len(),
            self.problems.join("\n")
        );
        eprintln!(
            "audited {} pages and states without violations: {}",
            self.pages.len(),
            self.pages.join(", ")
        );
    }
}
