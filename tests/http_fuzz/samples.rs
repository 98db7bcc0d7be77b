//! Files to upload and bodies that are hard to come by at random: real, small
//! samples of every kind the portal cleans (a JPEG with EXIF, DOCX, PDF, PNG, WebP,
//! text), which the fuzzer sends whole and damaged, and the odd files behind the
//! regression tests.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;

pub struct Sample {
    pub name: &'static str,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// The files the fuzzer uploads, the first of them also in its seeding journey.
pub fn samples() -> Vec<Sample> {
    let mut jpeg = Vec::new();
    let pixels: Vec<u8> = (0..16 * 16 * 3).map(|i| (i % 251) as u8).collect();
    jpeg_encoder::Encoder::new(&mut jpeg, 80)
        .encode(&pixels, 16, 16, jpeg_encoder::ColorType::Rgb)
        .unwrap();
    // An APP1 Exif segment after SOI, for the stripper to remove.
    let exif = b"Exif\0\0MM\0*\0\0\0\x08GPSLatitude=52.09N";
    let len = (exif.len() + 2) as u16;
    let mut with_exif = jpeg[..2].to_vec();
    with_exif.extend_from_slice(&[0xff, 0xe1]);
    with_exif.extend_from_slice(&len.to_be_bytes());
    with_exif.extend_from_slice(exif);
    with_exif.extend_from_slice(&jpeg[2..]);
    let docx = crate::common::zip_of(&[
        ("[Content_Types].xml", br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#),
        ("word/document.xml", b"<w:document><w:body/></w:document>"),
        ("docProps/core.xml", b"<cp:coreProperties><dc:creator>Auteur</dc:creator></cp:coreProperties>"),
    ]);
    let pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n3 0 obj << /Author (Auteur) >> endobj\ntrailer << /Root 1 0 R /Info 3 0 R >>\n%%EOF\n".to_vec();
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\x0btEXtAuthor\0me\xde\xad\xbe\xef\0\0\0\0IEND\xaeB`\x82".to_vec();
    let webp =
        b"RIFF\x1a\0\0\0WEBPVP8X\x0a\0\0\0\x08\0\0\0\0\0\0\0\0\0EXIF\x00\x00\x00\x00".to_vec();
    vec![
        Sample {
            name: "foto.jpg",
            content_type: "image/jpeg",
            bytes: with_exif,
        },
        Sample {
            name: "verslag.docx",
            content_type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            bytes: docx,
        },
        Sample {
            name: "scan.pdf",
            content_type: "application/pdf",
            bytes: pdf,
        },
        Sample {
            name: "plaatje.png",
            content_type: "image/png",
            bytes: png,
        },
        Sample {
            name: "beeld.webp",
            content_type: "image/webp",
            bytes: webp,
        },
        Sample {
            name: "notitie.txt",
            content_type: "text/plain",
            bytes: "Aantekening van de melder.\n".as_bytes().to_vec(),
        },
    ]
}

/// A .docx (a zip) whose one entry says its local header lies past the end of the
/// file, within the first 64 KiB.
pub fn zip_pointing_past_its_end() -> Vec<u8> {
    let mut zip = crate::common::zip_of(&[("word/document.xml", b"<w:document/>")]);
    let entry = zip
        .windows(4)
        .position(|w| w == b"PK\x01\x02")
        .expect("a central directory entry");
    // The entry's "relative offset of local header".
    zip[entry + 42..entry + 46].copy_from_slice(&60_000u32.to_le_bytes());
    zip
}

/// An age header with an X25519 stanza for each (ephemeral key, wrapped key) and the
/// given MAC, up to and including its last line: what a payload follows.
pub fn age_header<K: AsRef<[u8]>, W: AsRef<[u8]>>(
    stanzas: impl IntoIterator<Item = (K, W)>,
    mac: &[u8],
) -> Vec<u8> {
    let mut header = b"age-encryption.org/v1\n".to_vec();
    for (key, wrapped) in stanzas {
        let key = B64.encode(key);
        let wrapped = B64.encode(wrapped);
        let stanza = format!(
            "-> X25519 {}\n{}\n",
            key.trim_end_matches('='),
            wrapped.trim_end_matches('=')
        );
        header.extend_from_slice(stanza.as_bytes());
    }
    header.extend_from_slice(b"--- ");
    header.extend_from_slice(B64.encode(mac).trim_end_matches('=').as_bytes());
    header.push(b'\n');
    header
}

/// An age file with `n` X25519 stanzas of made-up keys (not sealed to anyone).
pub fn many_stanzas(n: usize) -> Vec<u8> {
    let stanzas = (0..n).map(|i| ([i as u8; 32], [7u8; 32]));
    let mut file = age_header(stanzas, &[1u8; 32]);
    file.extend_from_slice(&[0u8; 100]);
    file
}
