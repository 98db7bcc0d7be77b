//! Rules about the source that keep whole classes of bugs out (checklist #20, and
//! DESIGN.md §7): nothing rendered bypasses maud's escaping, and no unsafe code.
//! Cheap to check on every build, so they are tests rather than review notes.

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
