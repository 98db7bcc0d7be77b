//! Rules about the source that keep whole classes of bugs out (checklist #20 in
//! docs/security-tests.md): nothing rendered bypasses maud's escaping, and no unsafe
//! code. And two that keep it easy to find one's way: no import cycle between the
//! top-level modules or between the modules of one directory, and no file over 450
//! lines without a stated reason.
//! Cheap to check on every build, so they are tests rather than review notes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out
}

fn source_files() -> Vec<(PathBuf, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let files: Vec<_> = rust_files(&src)
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p, text)
        })
        .collect();
    assert!(files.len() > 30, "the source tree was found");
    files
}

#[test]
fn no_source_file_renders_html_without_escaping() {
    // PreEscaped (and maud's `Render` impls that return raw markup) would let text
    // reach a page unescaped; reporter input must always go through `(…)`.
    for (path, text) in source_files() {
        for forbidden in ["PreEscaped", "maud::Markup::from", "fn render_to("] {
            assert!(
                !text.contains(forbidden),
                "{} uses {forbidden}",
                path.display()
            );
        }
    }
}

#[test]
fn both_crate_roots_forbid_unsafe_code() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for file in ["lib.rs", "main.rs"] {
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        assert!(
            text.lines().any(|l| l.trim() == "#![forbid(unsafe_code)]"),
            "src/{file} must forbid unsafe code"
        );
    }
    for (path, text) in source_files() {
        assert!(
            !text.contains("allow(unsafe_code)"),
            "{} allows unsafe code",
            path.display()
        );
    }
}

// ---- file length ------------------------------------------------------------

/// A file longer than this says why in its opening comment ("This file is long …").
const LONG_FILE_LINES: usize = 450;

#[test]
fn a_long_source_file_says_why_it_is_long() {
    for (path, text) in source_files() {
        let lines = text.lines().count();
        let opening: Vec<&str> = text
            .lines()
            .take_while(|l| l.starts_with("//!") || l.trim().is_empty())
            .collect();
        let says_why = opening.iter().any(|l| l.contains("This file is long"));
        assert!(
            lines <= LONG_FILE_LINES || says_why,
            "{} has {lines} lines: split it, or say in its opening comment why it is long \
             (\"This file is long because …\")",
            path.display()
        );
    }
}

// ---- import cycles ----------------------------------------------------------

/// The module a file defines: `src/web/thread.rs` is `web::thread`, `src/web/mod.rs`
/// is `web`, `src/lib.rs` the crate root; `None` for the binary's `main.rs`.
fn module_of(src: &Path, file: &Path) -> Option<Vec<String>> {
    let rel = file.strip_prefix(src).unwrap();
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().unwrap();
    match last.as_str() {
        "main.rs" if parts.is_empty() => None,
        "lib.rs" if parts.is_empty() => Some(parts),
        "mod.rs" => Some(parts),
        _ => {
            parts.push(last.trim_end_matches(".rs").to_owned());
            Some(parts)
        }
    }
}

/// The code of a file without comments and without its unit tests (a `#[cfg(test)]`
/// module may use anything; it is not part of the layering).
fn code_of(text: &str) -> String {
    let mut out = String::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        if line.trim() == "#[cfg(test)]"
            && lines
                .peek()
                .is_some_and(|next| next.trim_start().starts_with("mod "))
        {
            break;
        }
        out.push_str(line.split("//").next().unwrap_or(""));
        out.push('\n');
    }
    out
}

/// Splits a `use` tree into its tokens: identifiers, `::`, braces, commas, `*`.
fn tokens(tree: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = tree.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ':' if chars.peek() == Some(&':') => {
                chars.next();
                out.push("::".to_owned());
            }
            '{' | '}' | ',' | '*' => out.push(c.to_string()),
            c if c.is_alphanumeric() || c == '_' => {
                let mut ident = c.to_string();
                while let Some(&n) = chars.peek() {
                    if n.is_alphanumeric() || n == '_' {
                        ident.push(n);
                        chars.next();
                    } else {
                        break;
                    }
                }
                out.push(ident);
            }
            _ => {}
        }
    }
    out
}

/// Expands a `use` tree (`a::{b, c::{self, d}}`) into its full paths.
fn expand(tokens: &[String], at: &mut usize, prefix: &[String], out: &mut Vec<Vec<String>>) {
    let mut path = prefix.to_vec();
    while *at < tokens.len() {
        let token = tokens[*at].as_str();
        *at += 1;
        match token {
            "::" => {}
            "{" => {
                loop {
                    expand(tokens, at, &path, out);
                    match tokens.get(*at).map(String::as_str) {
                        Some(",") => *at += 1,
                        Some("}") => {
                            *at += 1;
                            break;
                        }
                        _ => break,
                    }
                }
                return;
            }
            "," | "}" => {
                *at -= 1;
                break;
            }
            "*" => break,
            "as" => {
                *at += 1; // the alias
                break;
            }
            "self" if !path.is_empty() => {}
            ident => path.push(ident.to_owned()),
        }
    }
    out.push(path);
}

/// Every path a file's code names that starts at `crate`, `super` or `self`: its
/// `use` trees expanded, and paths written out in the code.
fn named_paths(code: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(start) = rest.find("use ") {
        let before = rest[..start].chars().last();
        let after = &rest[start + 4..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            rest = after;
            continue;
        }
        let Some(end) = after.find(';') else { break };
        let toks = tokens(&after[..end]);
        let mut at = 0;
        expand(&toks, &mut at, &[], &mut out);
        rest = &after[end..];
    }
    let is_path_char = |c: char| c.is_alphanumeric() || c == '_' || c == ':';
    for (i, _) in code.match_indices("::") {
        let start = code[..i]
            .char_indices()
            .rev()
            .find(|(_, c)| !is_path_char(*c))
            .map_or(0, |(p, c)| p + c.len_utf8());
        if code[start..i].contains("::") {
            continue; // the path was taken at its first `::`
        }
        let tail = &code[start..];
        let end = tail.find(|c| !is_path_char(c)).unwrap_or(tail.len());
        out.push(
            tail[..end]
                .split("::")
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
        );
    }
    out.retain(|p| {
        matches!(
            p.first().map(String::as_str),
            Some("crate" | "super" | "self")
        )
    });
    out
}

/// The module a path points into, from the file's module `here`: the longest
/// prefix of the resolved path that is a module of the crate.
fn target(
    here: &[String],
    path: &[String],
    modules: &BTreeSet<Vec<String>>,
) -> Option<Vec<String>> {
    let mut resolved: Vec<String> = here.to_vec();
    let mut segments = path.iter().peekable();
    match segments.peek().map(|s| s.as_str()) {
        Some("crate") => {
            resolved.clear();
            segments.next();
        }
        Some("self") => {
            segments.next();
        }
        _ => {}
    }
    while segments.peek().map(|s| s.as_str()) == Some("super") {
        resolved.pop()?;
        segments.next();
    }
    resolved.extend(segments.cloned());
    (0..=resolved.len())
        .rev()
        .map(|n| resolved[..n].to_vec())
        .find(|m| modules.contains(m))
}

/// Edges between modules: (from, to) for every path a file names, self-references
/// left out.
fn module_edges(files: &[(Vec<String>, String)]) -> BTreeSet<(Vec<String>, Vec<String>)> {
    let modules: BTreeSet<Vec<String>> = files.iter().map(|(m, _)| m.clone()).collect();
    let mut edges = BTreeSet::new();
    for (here, text) in files {
        for path in named_paths(&code_of(text)) {
            if let Some(to) = target(here, &path, &modules)
                && &to != here
            {
                edges.insert((here.clone(), to));
            }
        }
    }
    edges
}

/// Cycles among the children of each module, the crate root included: a file
/// counts as the child of `parent` it lies in, and an edge counts when it goes from
/// one child to another (a module and its own parent use each other by design: the
/// parent declares and re-exports, the children share what it defines).
fn sibling_cycles(files: &[(Vec<String>, String)]) -> Vec<String> {
    let edges = module_edges(files);
    let parents: BTreeSet<Vec<String>> = files
        .iter()
        .filter(|(m, _)| !m.is_empty())
        .map(|(m, _)| m[..m.len() - 1].to_vec())
        .collect();
    let mut cycles = Vec::new();
    for parent in parents {
        let depth = parent.len();
        let child = |m: &Vec<String>| {
            (m.len() > depth && m[..depth] == parent[..]).then(|| m[depth].clone())
        };
        let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (from, to) in &edges {
            if let (Some(a), Some(b)) = (child(from), child(to))
                && a != b
            {
                graph.entry(a).or_default().insert(b);
            }
        }
        if let Some(cycle) = find_cycle(&graph) {
            let name = if parent.is_empty() {
                "crate".to_owned()
            } else {
                parent.join("::")
            };
            cycles.push(format!("in {name}: {}", cycle.join(" -> ")));
        }
    }
    cycles
}

/// One cycle of a directed graph, as the nodes along it (the first repeated last).
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        done: &mut BTreeSet<String>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = stack.iter().position(|n| n == node) {
            let mut cycle = stack[at..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        stack.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, done, stack) {
                return Some(cycle);
            }
        }
        stack.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|start| visit(start, graph, &mut done, &mut Vec::new()))
}

fn crate_modules() -> Vec<(Vec<String>, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    source_files()
        .into_iter()
        .filter_map(|(path, text)| module_of(&src, &path).map(|m| (m, text)))
        .collect()
}

#[test]
fn no_import_cycle_between_top_level_modules_or_between_siblings() {
    let files = crate_modules();
    let edges = module_edges(&files);
    let web_thread = (
        vec!["web".to_owned(), "thread".to_owned()],
        vec!["web".to_owned(), "session".to_owned()],
    );
    assert!(edges.contains(&web_thread), "the module graph was read");
    let cycles = sibling_cycles(&files);
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

#[test]
fn the_cycle_check_finds_the_cycles_it_is_meant_to_find() {
    let file = |m: &str, text: &str| {
        let path = if m.is_empty() {
            Vec::new()
        } else {
            m.split("::").map(str::to_owned).collect()
        };
        (path, text.to_owned())
    };
    // storage -> case -> attachments -> storage, with a grouped import and a path
    // written out in a type, as it was before case/ held the envelope's contents.
    let top = [
        file("", "pub mod attachments; pub mod case; pub mod storage;"),
        file("storage", "use crate::case::{AuthorKind, Status};"),
        file(
            "case",
            "pub struct Envelope { files: Vec<crate::attachments::AttachmentInfo> }",
        ),
        file(
            "attachments",
            "use crate::storage::{Storage, StorageError};",
        ),
    ];
    let cycles = sibling_cycles(&top);
    assert_eq!(cycles.len(), 1, "{cycles:?}");
    assert!(cycles[0].starts_with("in crate: "), "{cycles:?}");
    // Two siblings through `super::`, as web/pickup.rs and web/thread.rs were.
    let siblings = [
        file("", "pub mod web;"),
        file("web", "mod pickup; mod thread; pub struct AppState;"),
        file(
            "web::pickup",
            "use super::thread::{ThreadForm, render_thread};\nuse super::AppState;",
        ),
        file("web::thread", "use super::pickup::session_ended;"),
    ];
    assert_eq!(
        sibling_cycles(&siblings),
        ["in web: pickup -> thread -> pickup"]
    );
    // A parent and its children, and a test module that uses its parent: no cycle.
    let fine = [
        file("", "pub mod web;"),
        file("web", "mod pickup; mod thread; use pickup::x;"),
        file(
            "web::pickup",
            "use super::thread::render; use crate::web::AppState;",
        ),
        file(
            "web::thread",
            "use super::AppState; // use super::pickup::x;\n#[cfg(test)]\nmod tests {\n    use super::super::pickup::x;\n}",
        ),
    ];
    assert!(sibling_cycles(&fine).is_empty());
}
