//! Files both ways: streamed, sealed, bounded, with identifying metadata removed.

mod common;

use std::io::{Read, Write};

use common::{Desk, Options, TestApp, form_token, identity_file, text, texts};
use meldpunt::crypto::{self, Identity};
use reqwest::multipart::{Form, Part};

/// Sends the report form with files given as (name, bytes), as a browser does
/// (multipart/form-data, each file as application/octet-stream).
async fn submit_with_files(
    app: &TestApp,
    prefix: &str,
    what: &str,
    files: Vec<(String, Vec<u8>)>,
) -> common::Resp {
    let parts = files
        .into_iter()
        .map(|(name, bytes)| common::file_part(name, bytes));
    app.submit_with_files(prefix, what, parts).await
}

fn links(page: &scraper::Html, css: &str) -> Vec<String> {
    let sel = scraper::Selector::parse(css).unwrap();
    page.select(&sel)
        .filter_map(|a| a.value().attr("href").map(str::to_owned))
        .collect()
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// A real 32×32 JPEG with an EXIF segment holding a GPS position and a comment.
fn jpeg_with_gps(canary: &str) -> Vec<u8> {
    let mut plain = Vec::new();
    let pixels: Vec<u8> = (0..32 * 32 * 3).map(|i| (i % 251) as u8).collect();
    jpeg_encoder::Encoder::new(&mut plain, 90)
        .encode(&pixels, 32, 32, jpeg_encoder::ColorType::Rgb)
        .unwrap();
    let mut image = img_parts::jpeg::Jpeg::from_bytes(plain.into()).unwrap();
    let mut exif = b"Exif\0\0MM\0*\0\0\0\x08GPSLatitude=52.0907N GPSLongitude=5.1214E ".to_vec();
    exif.extend_from_slice(canary.as_bytes());
    image.segments_mut().insert(
        1,
        img_parts::jpeg::JpegSegment::new_with_contents(0xE1, exif.into()),
    );
    let comment = format!("camera owner {canary}");
    image.segments_mut().insert(
        2,
        img_parts::jpeg::JpegSegment::new_with_contents(0xFE, comment.into_bytes().into()),
    );
    let mut out = Vec::new();
    image.encoder().write_to(&mut out).unwrap();
    out
}

const DOCUMENT_XML: &str = r#"<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>De tekst van het document blijft.</w:t></w:r></w:p></w:body></w:document>"#;

fn docx_with_author(canary: &str) -> Vec<u8> {
    common::zip_of(&[
        ("[Content_Types].xml", br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#),
        ("_rels/.rels", br#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>"#),
        ("word/document.xml", DOCUMENT_XML.as_bytes()),
        ("docProps/core.xml", format!(r#"<cp:coreProperties xmlns:cp="x" xmlns:dc="y"><dc:creator>Author {canary}</dc:creator><cp:lastModifiedBy>Editor {canary}</cp:lastModifiedBy></cp:coreProperties>"#).as_bytes()),
        ("docProps/app.xml", format!("<Properties><Company>Company {canary}</Company></Properties>").as_bytes()),
    ])
}

fn pdf_with_info(canary: &str) -> Vec<u8> {
    use lopdf::{Object, Stream, dictionary};
    let mut doc = lopdf::Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let content = Stream::new(
        dictionary! {},
        b"BT /F1 12 Tf 72 712 Td (Hallo) Tj ET".to_vec(),
    );
    let content_id = doc.add_object(content);
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1,
        }),
    );
    let xmp = format!("<x:xmpmeta><dc:creator>{canary}</dc:creator></x:xmpmeta>");
    let metadata_id = doc.add_object(Stream::new(
        dictionary! { "Type" => "Metadata", "Subtype" => "XML" },
        xmp.into_bytes(),
    ));
    let catalog_id = doc.add_object(
        dictionary! { "Type" => "Catalog", "Pages" => pages_id, "Metadata" => metadata_id },
    );
    let info_id = doc
        .add_object(dictionary! { "Author" => Object::string_literal(format!("Author {canary}")) });
    doc.trailer.set("Root", catalog_id);
    doc.trailer.set("Info", info_id);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

/// The decrypted copies of a case's files, by name, read as the reporter would.
async fn reporter_files(app: &TestApp, code: &str) -> Vec<(String, Vec<u8>, String)> {
    let cookie = app.sign_in("", code).await;
    let page = app.get("/thread", Some(&cookie)).await.html();
    let names = texts(&page, "li.file .file-name");
    let notes = texts(&page, "li.file .file-note");
    let hrefs = links(&page, "li.file a[download]");
    assert_eq!(names.len(), hrefs.len());
    let mut out = Vec::new();
    for ((name, href), note) in names.into_iter().zip(hrefs).zip(notes) {
        let (status, headers, bytes) = app.download(&href, &cookie).await;
        assert_eq!(status, 200);
        assert_eq!(headers["content-type"], "application/octet-stream");
        assert!(
            headers["content-disposition"]
                .to_str()
                .unwrap()
                .starts_with("attachment;")
        );
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert!(
            headers["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("sandbox")
        );
        out.push((name, bytes, note));
    }
    out
}

on_both_databases!(
    async fn files_keep_their_content_and_lose_gps_authors_and_pdf_info(backend) {
        let app = TestApp::spawn(backend).await;
        let canary = format!("canary{}", crypto::hex(&crypto::random_bytes::<8>()));
        let jpeg = jpeg_with_gps(&canary);
        let docx = docx_with_author(&canary);
        let pdf = pdf_with_info(&canary);
        let receipt = submit_with_files(
            &app,
            "",
            "Met bijlagen",
            vec![("foto.jpg".into(), jpeg), ("verslag.docx".into(), docx), ("brief.pdf".into(), pdf)],
        )
        .await;
        assert_eq!(receipt.status, 200, "{}", receipt.body);
        let page = receipt.html();
        let notes = texts(&page, "li.file .file-note");
        assert_eq!(notes.len(), 3);
        for n in &notes {
            assert!(n.starts_with("Weggehaald:"), "{n}");
        }
        assert!(notes[0].contains("EXIF") && notes[0].contains("opmerkingen"));
        assert!(notes[1].contains("auteur") && notes[1].contains("laatst bewerkt door") && notes[1].contains("organisatie"));
        assert!(notes[2].contains("PDF"));
        let code = text(&page, "#pickup-code");

        let files = reporter_files(&app, &code).await;
        for (name, bytes, _) in &files {
            assert!(!contains(bytes, canary.as_bytes()), "{name} still holds the canary");
        }
        // The image still decodes, with its pixels.
        let mut decoder = jpeg_decoder::Decoder::new(&files[0].1[..]);
        let pixels = decoder.decode().unwrap();
        assert_eq!(pixels.len(), 32 * 32 * 3);
        // The docx is still a zip with its document, unchanged.
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(files[1].1.clone())).unwrap();
        let mut document = String::new();
        zip.by_name("word/document.xml").unwrap().read_to_string(&mut document).unwrap();
        assert_eq!(document, DOCUMENT_XML);
        for i in 0..zip.len() {
            let mut part = Vec::new();
            zip.by_index(i).unwrap().read_to_end(&mut part).unwrap();
            assert!(!contains(&part, canary.as_bytes()));
        }
        // The PDF still loads with its page.
        let pdf = lopdf::Document::load_mem(&files[2].1).unwrap();
        assert_eq!(pdf.get_pages().len(), 1);
        assert!(pdf.trailer.get(b"Info").is_err());
    }
);

on_both_databases!(
    async fn names_are_shown_safely_and_content_comes_back_byte_identical(backend) {
        let app = TestApp::spawn_with(
            backend,
            Options { extra_args: vec!["--spool-dir".into(), "spool".into()], ..Default::default() },
        )
        .await;
        std::fs::create_dir_all(app.dir.path().join("spool")).unwrap();
        let canary = format!("filecanary{}", crypto::hex(&crypto::random_bytes::<8>()));
        let long = format!("{}.txt", "lang".repeat(75));
        let names = [
            format!("Overleg wijkteam – één cliënt {canary}.txt"),
            "../../x".to_owned(),
            long.clone(),
            "foto\u{202E}gpj.exe".to_owned(),
            "CON".to_owned(),
        ];
        let contents: Vec<Vec<u8>> = (0..5)
            .map(|i| {
                let mut c = format!("inhoud {i} {canary}\n").into_bytes();
                c.extend((0..70_000u32).map(|n| (n % 253) as u8));
                c
            })
            .collect();
        let receipt = submit_with_files(
            &app,
            "/en",
            "Names",
            names.iter().cloned().zip(contents.iter().cloned()).collect(),
        )
        .await;
        assert_eq!(receipt.status, 200, "{}", receipt.body);
        let shown = texts(&receipt.html(), "li.file .file-name");
        assert_eq!(shown[0], format!("Overleg wijkteam – één cliënt {canary}.txt"));
        assert_eq!(shown[1], "x");
        assert_eq!(shown[2].chars().count(), 120);
        assert_eq!(shown[3], "fotogpj.exe");
        assert_eq!(shown[4], "_CON", "a Windows device name is not offered as a file name");
        assert!(!receipt.body.contains('\u{202E}'));
        let code = text(&receipt.html(), "#pickup-code");
        let files = reporter_files(&app, &code).await;
        for (i, (_, bytes, note)) in files.iter().enumerate() {
            assert_eq!(bytes, &contents[i], "file {i} comes back byte-identical");
            assert!(note.starts_with("Niet gecontroleerd"), "the Dutch thread says it was not checked: {note}");
        }
        // Stored under random ids; neither names nor contents are in the database,
        // its WAL, the spool directory or the logs.
        let pool = app.db().await;
        let ids: Vec<String> = sqlx::query_scalar("select id from attachments").fetch_all(&pool).await.unwrap();
        pool.close().await;
        assert_eq!(ids.len(), 5);
        assert!(ids.iter().all(|id| id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit())));
        let mut scanned = vec![app.dir.path().join("stderr.log"), app.dir.path().join("stdout.log")];
        if let Some(db) = app.sqlite_path() {
            scanned.push(db.clone());
            scanned.push(db.with_extension("db-wal"));
        }
        for path in &scanned {
            assert!(!common::file_contains(path, canary.as_bytes()), "{}", path.display());
            assert!(!common::file_contains(path, b"wijkteam \xe2\x80\x93"), "{}", path.display());
        }
        assert_eq!(std::fs::read_dir(app.dir.path().join("spool")).unwrap().count(), 0, "no spool file is left");
    }
);

on_both_databases!(
    async fn a_zip_bomb_and_a_truncated_jpeg_are_stored_as_received_with_a_warning(backend) {
        let app = TestApp::spawn(backend).await;
        let zeros = vec![0u8; 20 * 1024 * 1024];
        let bomb = common::zip_of(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("docProps/core.xml", &zeros),
            ("word/document.xml", &zeros),
        ]);
        assert!(bomb.len() < 200_000, "the bomb is small: {}", bomb.len());
        let jpeg = jpeg_with_gps("x");
        let truncated = jpeg[..jpeg.len() / 3].to_vec();
        let receipt = submit_with_files(
            &app,
            "/en",
            "Hostile files",
            vec![("bomb.docx".into(), bomb.clone()), ("broken.jpg".into(), truncated.clone())],
        )
        .await;
        assert_eq!(receipt.status, 200, "{}", receipt.body);
        let notes = texts(&receipt.html(), "li.file .file-note");
        assert_eq!(notes.len(), 2);
        for n in &notes {
            assert!(n.contains("stored as it was"), "{n}");
        }
        let files = reporter_files(&app, &text(&receipt.html(), "#pickup-code")).await;
        assert_eq!(files[0].1, bomb);
        assert_eq!(files[1].1, truncated);
        assert!(!app.stderr().contains("panicked"));
    }
);

async fn nothing_stored(app: &TestApp) {
    assert_eq!(app.count("cases").await, 0);
    assert_eq!(app.count("messages").await, 0);
    assert_eq!(app.count("attachments").await, 0);
    assert_eq!(app.count("attachment_chunks").await, 0);
}

on_both_databases!(
    async fn too_many_files_too_large_a_file_or_message_and_a_cut_off_body_store_nothing(backend) {
        let app = TestApp::spawn_with(
            backend,
            Options {
                extra_args: ["--max-files", "3", "--max-file-mib", "1", "--max-message-mib", "2"]
                    .map(String::from)
                    .to_vec(),
                ..Default::default()
            },
        )
        .await;
        let small = || vec![7u8; 10_000];
        let four: Vec<(String, Vec<u8>)> = (0..4).map(|i| (format!("f{i}.bin"), small())).collect();
        let r = submit_with_files(&app, "", "Te veel", four).await;
        assert_eq!(r.status, 413);
        assert!(text(&r.html(), "main p").contains('3'));
        let r = submit_with_files(&app, "", "Te groot", vec![("big.bin".into(), vec![1u8; 1024 * 1024 + 1])]).await;
        assert_eq!(r.status, 413);
        let three: Vec<(String, Vec<u8>)> = (0..3).map(|i| (format!("m{i}.bin"), vec![2u8; 900 * 1024])).collect();
        let r = submit_with_files(&app, "/en", "Too much together", three).await;
        assert_eq!(r.status, 413);
        assert!(text(&r.html(), "main p").contains("2 MB"));
        nothing_stored(&app).await;

        // A body cut off in the middle of a file.
        let form = app.get("/report", None).await;
        let token = form_token(&form.html());
        let boundary = "XBOUNDARYX";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"form_token\"\r\n\r\n{token}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"role\"\r\n\r\nvolunteer\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"concern\"\r\n\r\nother\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"what\"\r\n\r\nafgebroken\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"half.bin\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .into_bytes();
        body.extend(vec![3u8; 500_000]);
        let addr = app.base.trim_start_matches("http://");
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        write!(
            stream,
            "POST /report HTTP/1.1\r\nHost: {addr}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\n\r\n",
            body.len() + 600_000
        )
        .unwrap();
        stream.write_all(&body).unwrap();
        stream.shutdown(std::net::Shutdown::Both).unwrap();
        drop(stream);
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        nothing_stored(&app).await;
        // The portal still works.
        assert_eq!(app.get("/", None).await.status, 200);
    }
);

on_both_databases!(
    async fn the_committee_sends_a_file_with_a_reply_and_the_reporter_downloads_it(backend) {
        let app = TestApp::spawn(backend).await;
        let anna = Identity::generate();
        app.add_member("Anna", &anna.to_public().to_string());
        let anna_file = identity_file(app.dir.path(), "anna.txt", &anna);
        let reporter_doc: Vec<u8> = b"reporter's file\n".iter().cycle().take(200_000).copied().collect();
        let receipt = submit_with_files(&app, "/en", "With a file", vec![("mine.txt".into(), reporter_doc.clone())]).await;
        let code = text(&receipt.html(), "#pickup-code");

        let desk = Desk::open(&app.base, &anna_file, "en").await;
        let inbox = desk.get("/").await.html();
        let link = links(&inbox, "tr.case-row a")[0].clone();
        let case = desk.get(&link).await.html();
        // The desk lists the reporter's file and decrypts it locally on download.
        let file_links = links(&case, "li.file a[download]");
        assert_eq!(file_links.len(), 1);
        let r = desk.client.get(desk.url(&file_links[0])).header("cookie", &desk.cookie).send().await.unwrap();
        assert_eq!(r.headers()["content-type"], "application/octet-stream");
        assert_eq!(r.bytes().await.unwrap().to_vec(), reporter_doc);

        // A reply with a file, sealed on the desk.
        let answer: Vec<u8> = (0..300_000u32).map(|i| (i % 241) as u8).collect();
        let csrf = common::attr(&case, "input[name=csrf]", "value").unwrap();
        let form = Form::new()
            .text("csrf", csrf)
            .text("text", "Here is our advice letter.")
            .part("files", Part::bytes(answer.clone()).file_name("advies commissie.bin"));
        let r = desk
            .client
            .post(desk.url(&format!("{link}/reply")))
            .header("cookie", &desk.cookie)
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap());

        let files = reporter_files(&app, &code).await;
        assert_eq!(files.len(), 2);
        assert_eq!(files[1].0, "advies commissie.bin");
        assert_eq!(files[1].1, answer);

        // The export holds every file as an .age file that the member's key opens.
        let case = desk.get(&link).await.html();
        assert_eq!(desk.post(&format!("{link}/export"), &case, &[]).await.status, 303);
        let reference = texts(&inbox, "tr.case-row td:first-child").remove(0);
        let dir = desk.dir.path().join("exports").join(&reference);
        let manifest: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
        let attachments: Vec<&serde_json::Value> = manifest["files"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["author_kind"] == "attachment")
            .collect();
        assert_eq!(attachments.len(), 2);
        let last = std::fs::read(dir.join(attachments[1]["file"].as_str().unwrap())).unwrap();
        let opened = crypto::open_raw(&last, &anna).unwrap();
        assert_eq!(&opened[..answer.len()], &answer[..]);
        assert!(opened[answer.len()..].iter().all(|b| *b == 0));
    }
);

/// The portal's open files that live in `dir` (an unnamed spool file shows in
/// /proc as `dir/#12345 (deleted)`).
fn open_files_in(pid: u32, dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for fd in std::fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap()
        .flatten()
    {
        if let Ok(target) = std::fs::read_link(fd.path())
            && target.starts_with(dir)
        {
            out.push(fd.path());
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn while_a_file_arrives_its_spool_holds_only_ciphertext_and_an_aborted_upload_leaves_nothing()
{
    let app = TestApp::spawn_with(
        common::Backend::Sqlite,
        Options {
            extra_args: vec!["--spool-dir".into(), "spool".into()],
            ..Default::default()
        },
    )
    .await;
    std::fs::create_dir_all(app.dir.path().join("spool")).unwrap();
    let spool = app.dir.path().join("spool").canonicalize().unwrap();
    let canary = format!("spoolcanary{}", crypto::hex(&crypto::random_bytes::<8>()));
    let form = app.get("/report", None).await;
    let token = form_token(&form.html());
    let boundary = "SLOWBOUNDARY";
    let mut head = slow_upload_head(&token, &format!("{canary}.pdf"));
    // A PDF: a kind the cleaner must see, so it is spooled (other kinds are sealed
    // as they arrive, see the next test).
    let mut content = b"%PDF-1.4\n".to_vec();
    content.extend(format!("{canary}\n").bytes().cycle().take(2 << 20));
    head.extend_from_slice(&content);
    let addr = app.base.trim_start_matches("http://").to_owned();
    let mut stream = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        stream,
        "POST /report HTTP/1.1\r\nHost: {addr}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\n\r\n",
        head.len() + (1 << 20)
    )
    .unwrap();
    stream.write_all(&head).unwrap();
    stream.flush().unwrap();

    // The upload is now paused mid-file: look at the spool through the portal's fds.
    let mut seen = Vec::new();
    for _ in 0..50 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        seen = open_files_in(app.pid(), &spool);
        let filled = seen.iter().any(|p| {
            std::fs::metadata(p)
                .map(|m| m.len() > 1 << 20)
                .unwrap_or(false)
        });
        if filled {
            break;
        }
    }
    assert!(
        !seen.is_empty(),
        "the portal spools the file while it arrives"
    );
    assert_eq!(
        std::fs::read_dir(&spool).unwrap().count(),
        0,
        "the spool file has no name"
    );
    let mut checked = 0;
    for fd in &seen {
        let bytes = std::fs::read(fd).unwrap();
        if bytes.len() > 1 << 20 {
            checked += 1;
        }
        assert!(
            !common::file_contains(fd, canary.as_bytes()),
            "plaintext in the spool"
        );
        assert!(
            !bytes.windows(4).any(|w| w == b"\nspo"),
            "plaintext in the spool"
        );
    }
    assert!(
        checked > 0,
        "more than a MiB of the file was spooled and read back"
    );

    // The client goes away: nothing remains, not even an open spool file.
    stream.shutdown(std::net::Shutdown::Both).unwrap();
    drop(stream);
    let mut left = seen.len();
    for _ in 0..50 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        left = open_files_in(app.pid(), &spool).len();
        if left == 0 {
            break;
        }
    }
    assert_eq!(left, 0, "the spool file is closed, so its blocks are freed");
    assert_eq!(std::fs::read_dir(&spool).unwrap().count(), 0);
    nothing_stored(&app).await;
    assert!(!app.stderr().contains(&canary));
}

/// The start of a multipart report whose one file follows: form token, text and the
/// marker after the committee's names first, as the portal's form sends them.
fn slow_upload_head(token: &str, file_name: &str) -> Vec<u8> {
    let boundary = "SLOWBOUNDARY";
    format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"form_token\"\r\n\r\n{token}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"what\"\r\n\r\nlangzaam\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"exclusions_complete\"\r\n\r\n1\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{file_name}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes()
}

on_both_databases!(
    async fn a_file_with_nothing_to_clean_is_sealed_into_the_database_while_it_arrives_and_a_cut_off_one_is_removed(
        backend
    ) {
        let app = TestApp::spawn(backend).await;
        let canary = format!("directcanary{}", crypto::hex(&crypto::random_bytes::<8>()));
        let form = app.get("/report", None).await;
        let mut body = slow_upload_head(&form_token(&form.html()), "notes.bin");
        // Six MiB: more than one batch of chunk rows (16 of 256 KiB per commit).
        body.extend(format!("{canary}\n").bytes().cycle().take(6 << 20));
        let addr = app.base.trim_start_matches("http://").to_owned();
        let mut stream = std::net::TcpStream::connect(&addr).unwrap();
        write!(
            stream,
            "POST /report HTTP/1.1\r\nHost: {addr}\r\n\
             Content-Type: multipart/form-data; boundary=SLOWBOUNDARY\r\nContent-Length: {}\r\n\r\n",
            body.len() + (1 << 20)
        )
        .unwrap();
        stream.write_all(&body).unwrap();
        stream.flush().unwrap();

        // The body is paused mid-file, yet its first megabytes are already chunk rows.
        let mut rows = 0;
        for _ in 0..100 {
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            rows = app.count("attachment_chunks").await;
            if rows >= 16 {
                break;
            }
        }
        assert!(rows >= 16, "only {rows} chunk rows while the file arrives");
        assert_eq!(app.count("attachments").await, 1);
        for data in common::stored_files(&app.db().await).await {
            assert!(data.starts_with(b"age-encryption.org/v1\n"));
        }
        if let Some(db) = app.sqlite_path() {
            for f in [db.clone(), db.with_extension("db-wal")] {
                assert!(
                    !f.exists() || !common::file_contains(&f, canary.as_bytes()),
                    "plaintext in the database"
                );
            }
        }

        // The client goes away: the pending attachment and its rows are removed.
        stream.shutdown(std::net::Shutdown::Both).unwrap();
        drop(stream);
        let mut left = (1, 1);
        for _ in 0..100 {
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            left = (
                app.count("attachments").await,
                app.count("attachment_chunks").await,
            );
            if left == (0, 0) {
                break;
            }
        }
        assert_eq!(left, (0, 0), "the cut-off file is removed");
        nothing_stored(&app).await;
        assert!(!app.stderr().contains(&canary));
    }
);

on_both_databases!(
    async fn a_report_refused_for_a_missing_answer_keeps_none_of_its_files_and_asks_for_them_again(
        backend
    ) {
        let app = TestApp::spawn(backend).await;
        let noise: Vec<u8> = (0..5u32 << 20).map(|i| (i.wrapping_mul(7919) >> 3) as u8).collect();
        let page = app
            .submit_with_files("/en", "", [common::file_part("notes.bin", noise)])
            .await;
        assert_eq!(page.status, 422, "{}", page.body);
        let html = page.html();
        let again = scraper::Selector::parse("#files-again").unwrap();
        assert_eq!(html.select(&again).count(), 1, "asked to choose the files again");
        nothing_stored(&app).await;
    }
);
