//! Removal of identifying metadata before a file is sealed: images at segment level
//! (img-parts, no pixel decoding), Office Open XML document properties (zip, other
//! entries copied raw so they are never decompressed), PDF Info dictionary and XMP
//! (lopdf). Every path has hard bounds; anything unexpected is an error and the
//! caller stores the file as received with a warning.

use std::io::{self, Read, Seek, Write};

use crate::case::{MetadataNote, Removed};
use img_parts::{Bytes, ImageEXIF};

/// The kinds of file whose metadata we can remove, recognised by their bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// JPEG image.
    Jpeg,
    /// PNG image.
    Png,
    /// WebP image.
    Webp,
    /// Office Open XML (Word, Excel, PowerPoint): a zip.
    Ooxml,
    /// PDF document.
    Pdf,
    /// Anything else: copied as received.
    Other,
}

impl Kind {
    /// The kind's name on the cleaning child's command line.
    pub fn key(self) -> &'static str {
        match self {
            Kind::Jpeg => "jpeg",
            Kind::Png => "png",
            Kind::Webp => "webp",
            Kind::Ooxml => "ooxml",
            Kind::Pdf => "pdf",
            Kind::Other => "other",
        }
    }

    /// The kind a key names.
    pub fn from_key(key: &str) -> Option<Self> {
        [
            Kind::Jpeg,
            Kind::Png,
            Kind::Webp,
            Kind::Ooxml,
            Kind::Pdf,
            Kind::Other,
        ]
        .into_iter()
        .find(|k| k.key() == key)
    }
}

/// Removes metadata from a whole file of a kind we clean (`Other` is copied).
/// `max_bytes` caps what a stream inside a PDF may inflate to.
pub fn strip(
    kind: Kind,
    data: Vec<u8>,
    out: &mut impl Write,
    max_bytes: u64,
) -> Result<MetadataNote, StripError> {
    match kind {
        Kind::Jpeg => jpeg(data, out),
        Kind::Png => png(data, out),
        Kind::Webp => webp(data, out),
        Kind::Pdf => pdf(data, out, max_bytes),
        Kind::Ooxml => ooxml(io::Cursor::new(data), out, BOUNDS),
        Kind::Other => {
            out.write_all(&data)?;
            Ok(MetadataNote::NotChecked)
        }
    }
}

/// Recognises the kinds we clean by their first bytes (the name can lie).
pub fn sniff(head: &[u8]) -> Kind {
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Kind::Jpeg
    } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Kind::Png
    } else if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        Kind::Webp
    } else if head.starts_with(b"PK\x03\x04") {
        Kind::Ooxml
    } else if head.starts_with(b"%PDF-") {
        Kind::Pdf
    } else {
        Kind::Other
    }
}

/// Why metadata could not be removed; the file is then stored as received.
#[derive(Debug, thiserror::Error)]
pub enum StripError {
    /// The image could not be parsed.
    #[error("cannot parse the image")]
    Image(#[from] img_parts::Error),
    /// The zip archive could not be read.
    #[error("cannot read the zip archive")]
    Zip(#[from] zip::result::ZipError),
    /// The PDF could not be read.
    #[error("cannot read the PDF")]
    Pdf(#[from] lopdf::Error),
    /// Reading or writing failed.
    #[error("I/O failed")]
    Io(#[from] io::Error),
    /// The file exceeds one of the parsers' safety bounds.
    #[error("the file exceeds a safety bound: {0}")]
    Bound(&'static str),
    /// A zip that is not an Office document.
    #[error("not an Office document")]
    NotOffice,
}

/// Bounds for the parsers that look inside files.
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    /// Most entries a zip may have.
    pub max_zip_entries: usize,
    /// Largest document-properties part read from a zip.
    pub max_part_bytes: u64,
}

/// The bounds the portal and the desk use.
pub const BOUNDS: Bounds = Bounds {
    max_zip_entries: 5_000,
    max_part_bytes: 1 << 20,
};

/// Most segments a JPEG may have: real photos have a few dozen. Each parsed
/// segment costs memory, and a hostile file can be millions of empty ones.
const MAX_JPEG_SEGMENTS: usize = 10_000;
/// Most chunks a PNG may have (a long animation has a few thousand).
const MAX_PNG_CHUNKS: usize = 100_000;
/// Most indirect objects a PDF may declare (each costs about a hundred bytes
/// parsed; a long report has tens of thousands).
const MAX_PDF_OBJECTS: usize = 1_000_000;

/// Counts a JPEG's segments up to the start of scan without parsing them.
fn jpeg_segments(data: &[u8]) -> Result<usize, StripError> {
    let mut pos = 2;
    let mut count = 0;
    while pos + 4 <= data.len() {
        if data[pos] != 0xFF {
            return Err(StripError::Bound(
                "a JPEG segment does not start with a marker",
            ));
        }
        let marker = data[pos + 1];
        if marker == 0xFF {
            pos += 1;
            continue;
        }
        count += 1;
        if count > MAX_JPEG_SEGMENTS {
            return Err(StripError::Bound("too many JPEG segments"));
        }
        if marker == 0xDA || marker == 0xD9 {
            break;
        }
        if (0xD0..=0xD7).contains(&marker) || marker == 0x01 {
            pos += 2;
            continue;
        }
        let len = u16::from_be_bytes([data[pos + 2], data[pos + 3]]) as usize;
        pos += 2 + len;
    }
    Ok(count)
}

/// Counts a PNG's chunks without parsing them.
fn png_chunks(data: &[u8]) -> Result<usize, StripError> {
    let mut pos = 8;
    let mut count = 0;
    while pos + 8 <= data.len() {
        count += 1;
        if count > MAX_PNG_CHUNKS {
            return Err(StripError::Bound("too many PNG chunks"));
        }
        let len = u32::from_be_bytes(data[pos..pos + 4].try_into().expect("4 bytes")) as usize;
        pos = pos.saturating_add(12).saturating_add(len);
    }
    Ok(count)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// JPEG: drop APP1 (EXIF with any GPS position, XMP), APP13 (IPTC/Photoshop) and
/// comments; keep JFIF, ICC colour profiles and Adobe colour data so it displays the same.
pub fn jpeg(data: Vec<u8>, out: &mut impl Write) -> Result<MetadataNote, StripError> {
    jpeg_segments(&data)?;
    let mut image = img_parts::jpeg::Jpeg::from_bytes(Bytes::from(data))?;
    let mut removed = Vec::new();
    for s in image.segments() {
        let c = s.contents();
        match s.marker() {
            0xE1 if c.starts_with(b"Exif") => removed.push(Removed::Exif),
            0xE1 => removed.push(Removed::Xmp),
            0xED => removed.push(Removed::Iptc),
            0xFE => removed.push(Removed::Comments),
            _ => {}
        }
    }
    image
        .segments_mut()
        .retain(|s| !matches!(s.marker(), 0xE1 | 0xED | 0xFE));
    image.encoder().write_to(out)?;
    Ok(note(removed))
}

/// PNG: drop text chunks (which carry XMP and comments), EXIF and the time stamp.
pub fn png(data: Vec<u8>, out: &mut impl Write) -> Result<MetadataNote, StripError> {
    png_chunks(&data)?;
    let mut image = img_parts::png::Png::from_bytes(Bytes::from(data))?;
    let mut removed = Vec::new();
    for c in image.chunks() {
        match &c.kind() {
            b"eXIf" => removed.push(Removed::Exif),
            b"iTXt" if contains(c.contents(), b"XML:com.adobe.xmp") => removed.push(Removed::Xmp),
            b"tEXt" | b"zTXt" | b"iTXt" => removed.push(Removed::TextChunks),
            _ => {}
        }
    }
    image
        .chunks_mut()
        .retain(|c| !matches!(&c.kind(), b"eXIf" | b"tEXt" | b"zTXt" | b"iTXt" | b"tIME"));
    image.encoder().write_to(out)?;
    Ok(note(removed))
}

/// WebP: drop the EXIF and XMP chunks.
pub fn webp(data: Vec<u8>, out: &mut impl Write) -> Result<MetadataNote, StripError> {
    use img_parts::webp::{CHUNK_EXIF, CHUNK_XMP, WebP};
    // A RIFF size that claims more than the file holds is a lie the parser would
    // otherwise have to cope with.
    let declared = data
        .get(4..8)
        .map(|b| u32::from_le_bytes(b.try_into().expect("4 bytes")) as usize);
    if declared.is_none_or(|d| d.saturating_add(8) > data.len()) {
        return Err(StripError::Bound(
            "the WebP's RIFF size does not match the file",
        ));
    }
    let mut image = WebP::from_bytes(Bytes::from(data))?;
    let mut removed = Vec::new();
    if image.has_chunk(CHUNK_EXIF) {
        removed.push(Removed::Exif);
    }
    if image.has_chunk(CHUNK_XMP) {
        removed.push(Removed::Xmp);
    }
    image.set_exif(None);
    image.remove_chunks_by_id(CHUNK_XMP);
    image.encoder().write_to(out)?;
    Ok(note(removed))
}

const CORE_XML: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    "\n",
    r#"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" "#,
    r#"xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" "#,
    r#"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>"#
);
const APP_XML: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    "\n",
    r#"<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"/>"#
);
const CUSTOM_XML: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    "\n",
    r#"<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"/>"#
);

/// Office Open XML (docx, xlsx, pptx): the document-properties parts are replaced by
/// empty ones; every other entry is copied compressed, never inflated, so a zip bomb
/// costs nothing here.
pub fn ooxml<R: Read + Seek>(
    input: R,
    out: &mut impl Write,
    bounds: Bounds,
) -> Result<MetadataNote, StripError> {
    let mut archive = zip::ZipArchive::new(input)?;
    if archive.len() > bounds.max_zip_entries {
        return Err(StripError::Bound("too many entries in the archive"));
    }
    let names: Vec<String> = (0..archive.len())
        .map(|i| {
            archive
                .by_index_raw(i)
                .and_then(|f| f.name().map(|n| n.into_owned()))
        })
        .collect::<Result<_, _>>()?;
    if !names.iter().any(|n| n == "[Content_Types].xml") {
        return Err(StripError::NotOffice);
    }
    let mut writer = zip::ZipWriter::new_stream(out);
    let mut removed = Vec::new();
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (i, name) in names.iter().enumerate() {
        let replacement = match name.as_str() {
            "docProps/core.xml" => Some(CORE_XML),
            "docProps/app.xml" => Some(APP_XML),
            "docProps/custom.xml" => Some(CUSTOM_XML),
            _ => None,
        };
        match replacement {
            Some(text) => {
                let mut part = Vec::new();
                let file = archive.by_index(i)?;
                if file.size() > bounds.max_part_bytes {
                    return Err(StripError::Bound("a document-properties part is too large"));
                }
                file.take(bounds.max_part_bytes).read_to_end(&mut part)?;
                if contains(&part, b"creator>") && contains(&part, b"<dc:creator") {
                    removed.push(Removed::Author);
                }
                if contains(&part, b"lastModifiedBy>") {
                    removed.push(Removed::LastEditor);
                }
                if contains(&part, b"<Company>") || contains(&part, b"<Manager>") {
                    removed.push(Removed::Company);
                }
                if name == "docProps/custom.xml" && contains(&part, b"<property") {
                    removed.push(Removed::DocumentProperties);
                }
                writer.start_file(name.as_str(), options)?;
                writer.write_all(text.as_bytes())?;
            }
            None => writer.raw_copy_file(archive.by_index_raw(i)?)?,
        }
    }
    writer.finish()?;
    Ok(note(removed))
}

/// PDF: removes the Info dictionary (author, creator, producer, dates) and the
/// document's XMP metadata stream, then drops objects nothing refers to any more.
pub fn pdf(
    data: Vec<u8>,
    out: &mut impl Write,
    max_bytes: u64,
) -> Result<MetadataNote, StripError> {
    let objects = data.windows(4).filter(|w| w == b" obj").count();
    if objects > MAX_PDF_OBJECTS {
        return Err(StripError::Bound("too many PDF objects"));
    }
    // Strict: in its lenient mode lopdf skips objects it cannot parse (a dictionary
    // nested too deep, say) and we would save the file without them while telling
    // the reporter it was checked. Not conforming means not checked.
    let options = lopdf::LoadOptions {
        max_decompressed_size: Some(usize::try_from(max_bytes).unwrap_or(usize::MAX)),
        strict: true,
        ..Default::default()
    };
    let mut doc = lopdf::Document::load_mem_with_options(&data, options)?;
    drop(data);
    if doc.is_encrypted() {
        return Err(StripError::Bound("encrypted PDF"));
    }
    let mut removed = Vec::new();
    if doc.trailer.remove(b"Info").is_some() {
        removed.push(Removed::PdfInfo);
    }
    if doc.catalog_mut()?.remove(b"Metadata").is_some() {
        removed.push(Removed::Xmp);
    }
    doc.prune_objects();
    doc.save_to(out)?;
    Ok(note(removed))
}

fn note(mut removed: Vec<Removed>) -> MetadataNote {
    removed.dedup();
    let mut unique = Vec::new();
    for r in removed {
        if !unique.contains(&r) {
            unique.push(r);
        }
    }
    if unique.is_empty() {
        MetadataNote::NothingFound
    } else {
        MetadataNote::Removed { what: unique }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_kinds_are_recognised_by_content_not_name() {
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0rest"), Kind::Jpeg);
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nxxxx"), Kind::Png);
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Kind::Webp);
        assert_eq!(sniff(b"PK\x03\x04rest"), Kind::Ooxml);
        assert_eq!(sniff(b"%PDF-1.7"), Kind::Pdf);
        assert_eq!(sniff(b"hello"), Kind::Other);
    }

    #[test]
    fn a_truncated_jpeg_is_an_error_not_a_panic() {
        let mut out = Vec::new();
        assert!(jpeg(vec![0xFF, 0xD8, 0xFF, 0xE1, 0x00], &mut out).is_err());
    }

    #[test]
    fn a_zip_that_is_not_office_is_refused() {
        let mut buf = std::io::Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut buf);
            w.start_file("a.txt", zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(b"x").unwrap();
            w.finish().unwrap();
        }
        buf.set_position(0);
        let mut out = Vec::new();
        assert!(matches!(
            ooxml(buf, &mut out, BOUNDS),
            Err(StripError::NotOffice)
        ));
    }
}
