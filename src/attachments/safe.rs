//! What is kept about a file besides its content, made safe: a name fit to show
//! and to offer as a download, a content type of harmless characters, and the
//! padded size it is stored at.

/// A file name fit to show and to offer as a download: no path, no control or
/// direction-override characters, no Windows device name (a download saved as
/// `CON` or `aux.txt` would fail or hang there), at most 120 characters. Kept only
/// in ciphertext.
pub fn safe_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control())
        .filter(|c| !matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'))
        .collect();
    let trimmed = cleaned.trim().trim_start_matches('.').trim();
    let mut name: String = trimmed.chars().take(120).collect();
    if name.is_empty() {
        name = "file".to_owned();
    }
    if is_windows_device(&name) {
        name.insert(0, '_');
    }
    name
}

fn is_windows_device(name: &str) -> bool {
    let stem = name
        .split('.')
        .next()
        .unwrap_or("")
        .trim_end()
        .to_ascii_uppercase();
    matches!(stem.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || (stem.len() == 4
            && (stem.starts_with("COM") || stem.starts_with("LPT"))
            && stem.as_bytes()[3].is_ascii_digit()
            && stem.as_bytes()[3] != b'0')
}

/// The stored size of a file: powers of two up to 1 MiB, then whole MiB, so stored
/// sizes say little about the file.
pub fn padded_size(size: u64) -> u64 {
    if size <= 1 << 20 {
        size.max(4096).next_power_of_two()
    } else {
        size.div_ceil(1 << 20) * (1 << 20)
    }
}

/// A content type of safe characters only, at most 100; `application/octet-stream`
/// when nothing is left.
pub(super) fn safe_content_type(raw: &str) -> String {
    let t: String = raw
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '+' | '-'))
        .take(100)
        .collect();
    if t.is_empty() {
        "application/octet-stream".to_owned()
    } else {
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_names_lose_paths_controls_and_direction_overrides() {
        assert_eq!(safe_name("../../x"), "x");
        assert_eq!(safe_name("C:\\Users\\anna\\brief.docx"), "brief.docx");
        assert_eq!(safe_name("foto\u{202E}gpj.exe"), "fotogpj.exe");
        assert_eq!(safe_name("a\u{0}b\nc"), "abc");
        assert_eq!(safe_name(".."), "file");
        for device in [
            "CON",
            "con.txt",
            "Aux.pdf",
            "NUL",
            "COM1",
            "lpt9.docx",
            "PRN .txt",
        ] {
            assert_eq!(safe_name(device), format!("_{device}"));
        }
        for ordinary in [
            "CONtract.pdf",
            "COM0.txt",
            "COM10",
            "console.log",
            "nullable.rs",
        ] {
            assert_eq!(safe_name(ordinary), ordinary);
        }
        assert_eq!(safe_name(&"é".repeat(300)).chars().count(), 120);
        assert_eq!(
            safe_name("Verslag overleg wijkteam Zuid.pdf"),
            "Verslag overleg wijkteam Zuid.pdf"
        );
    }

    #[test]
    fn stored_sizes_are_padded_to_buckets() {
        assert_eq!(padded_size(1), 4096);
        assert_eq!(padded_size(5000), 8192);
        assert_eq!(padded_size(1 << 20), 1 << 20);
        assert_eq!(padded_size((1 << 20) + 1), 2 << 20);
        assert_eq!(padded_size(25 * (1 << 20) - 7), 25 << 20);
    }
}
