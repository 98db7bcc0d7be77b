//! The markup for files: the chooser (with what files can reveal, before anything is
//! chosen) and the list of a message's files with what was removed from each. The
//! portal's pages and the desk's case page show files the same way.

use maud::{Markup, html};

use crate::attachments::FileLimits;
use crate::case::{AttachmentInfo, MetadataNote, Removed};
use crate::i18n::Texts;

/// The file chooser with, before it, what files can reveal.
pub fn file_input(t: &Texts, limits: FileLimits, choose_again: bool) -> Markup {
    let mib = |b: u64| b / (1024 * 1024);
    html! {
        div class="field" {
            label for="files" { (t.files_label) " " span class="optional" { (t.optional) } }
            div class="hint" id="files-hint" {
                @for w in t.files_warning { p { (w) } }
                p { ((t.files_limits)(limits.max_files, mib(limits.max_file_bytes), mib(limits.max_message_bytes))) }
            }
            @if choose_again {
                p class="field-error" id="files-again" {
                    span class="error-prefix" { (t.error_prefix) } " " (t.files_choose_again)
                }
            }
            input type="file" id="files" name="files" multiple
                aria-describedby={ "files-hint" @if choose_again { " files-again" } };
        }
    }
}

/// What a file's metadata note says, in the reader's language.
pub fn note_text(t: &Texts, note: &MetadataNote) -> String {
    match note {
        MetadataNote::Removed { what } => {
            let kinds: Vec<&str> = what.iter().map(|r| removed_label(t, *r)).collect();
            format!("{} {}", t.meta_removed, kinds.join(", "))
        }
        MetadataNote::NothingFound => t.meta_nothing_found.to_owned(),
        MetadataNote::NotChecked => t.meta_not_checked.to_owned(),
        MetadataNote::CouldNotCheck => t.meta_could_not_check.to_owned(),
    }
}

/// What the reader is told was removed, chosen by a match on the kind.
fn removed_label(t: &Texts, removed: Removed) -> &'static str {
    let [
        exif,
        xmp,
        iptc,
        comments,
        text_chunks,
        author,
        last_editor,
        company,
        properties,
        pdf_info,
    ] = t.removed_kinds;
    match removed {
        Removed::Exif => exif,
        Removed::Xmp => xmp,
        Removed::Iptc => iptc,
        Removed::Comments => comments,
        Removed::TextChunks => text_chunks,
        Removed::Author => author,
        Removed::LastEditor => last_editor,
        Removed::Company => company,
        Removed::DocumentProperties => properties,
        Removed::PdfInfo => pdf_info,
    }
}

fn human_size(bytes: u64) -> String {
    if bytes < 1024 {
        format!("{bytes} B")
    } else if bytes < 1024 * 1024 {
        format!("{} kB", bytes.div_ceil(1024))
    } else {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    }
}

/// The files of a message; `link` gives the download address when there is one.
/// `level` is the heading level of the list (2 on a receipt, 3 inside a message),
/// so headings never skip a level.
pub fn file_list(
    t: &Texts,
    files: &[AttachmentInfo],
    link: Option<&dyn Fn(&str) -> String>,
    level: u8,
) -> Markup {
    html! {
        @if !files.is_empty() {
            div class="files" {
                @if level <= 2 { h2 { (t.files_heading) } } @else { h3 { (t.files_heading) } }
                ul class="file-list" {
                    @for f in files {
                        li class="file" {
                            // The name is the link: read once, in every browser (a
                            // separate "Download" link repeated it in linear reading).
                            @if let Some(link) = link {
                                a class="file-name" href=(link(&f.id)) download { (f.name) }
                            } @else {
                                span class="file-name" { (f.name) }
                            }
                            " (" (human_size(f.size)) ")"
                            p class="hint file-note" { (note_text(t, &f.metadata)) }
                        }
                    }
                }
            }
        }
    }
}
