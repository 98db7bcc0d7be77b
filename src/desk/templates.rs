//! Reply templates, kept in the desk's state directory as one plain text file the
//! member edits with any editor. They stay on this computer: the portal never
//! sees them, only the replies made from them.
//!
//! The format: lines before the first template are comments; a line starting with
//! `## ` begins a template and names it; the lines after it, up to the next `## `,
//! are its text.

use std::path::{Path, PathBuf};

use crate::i18n::Lang;

/// The file's name inside the state directory.
pub const FILE: &str = "reply-templates.txt";
/// Templates beyond this many are ignored; a longer text is cut.
const MAX_TEMPLATES: usize = 100;
const MAX_TEXT_CHARS: usize = 20_000;

/// One template: a name for the list and the text it puts in the reply field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    /// Shown in the choice.
    pub name: String,
    /// Put in the reply field.
    pub text: String,
}

/// The templates file of a state directory.
pub fn path(state_dir: &Path) -> PathBuf {
    state_dir.join(FILE)
}

/// Reads the templates; a missing file is written first with examples in the
/// desk's language, so the member sees where to edit them.
pub fn load(state_dir: &Path, lang: Lang) -> Vec<Template> {
    let file = path(state_dir);
    if !file.exists() {
        // Best effort: without the file the desk still works, with the examples.
        let _ = std::fs::create_dir_all(state_dir);
        let _ = std::fs::write(&file, example(lang));
    }
    let text = std::fs::read_to_string(&file).unwrap_or_else(|_| example(lang).to_owned());
    parse(&text)
}

/// Parses the file's text.
pub fn parse(text: &str) -> Vec<Template> {
    let mut out: Vec<Template> = Vec::new();
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("## ") {
            out.push(Template {
                name: name.trim().to_owned(),
                text: String::new(),
            });
        } else if let Some(t) = out.last_mut() {
            t.text.push_str(line);
            t.text.push('\n');
        }
    }
    out.retain(|t| !t.name.is_empty());
    out.truncate(MAX_TEMPLATES);
    for t in &mut out {
        t.text = t.text.trim().chars().take(MAX_TEXT_CHARS).collect();
    }
    out
}

fn example(lang: Lang) -> &'static str {
    match lang {
        Lang::Nl => {
            "# Sjablonen voor antwoorden van het meldpunt-bureau.\n\
             # Een regel die begint met \"## \" begint een sjabloon en geeft het een naam;\n\
             # de regels eronder zijn de tekst. Pas dit bestand aan met een teksteditor.\n\
             ## Ontvangst bevestigen\n\
             Dank je voor je melding. We hebben haar ontvangen en lezen haar zorgvuldig.\n\
             Binnen drie maanden hoor je wat we ermee doen. Kijk af en toe met je ophaalcode of we een vraag hebben.\n\
             ## Vraag om meer informatie\n\
             Dank je voor je melding. Om haar goed te kunnen bekijken, willen we graag meer weten.\n\
             Kun je vertellen wanneer dit gebeurde en welke rollen erbij betrokken waren? Noem geen namen van cliënten.\n"
        }
        Lang::En => {
            "# Reply templates of the meldpunt desk.\n\
             # A line starting with \"## \" begins a template and names it; the lines\n\
             # below it are its text. Edit this file with a text editor.\n\
             ## Acknowledge receipt\n\
             Thank you for your report. We have received it and will read it carefully.\n\
             You will hear within three months what we do with it. Check now and then with your pickup code whether we have a question.\n\
             ## Ask for more information\n\
             Thank you for your report. To look into it properly, we would like to know more.\n\
             Could you tell us when this happened and which roles were involved? Please do not name clients.\n"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_is_a_named_block_and_comments_before_the_first_are_ignored() {
        let t = parse("# comment\n## First\nline one\n\nline two\n## Second\nx\n##\n");
        assert_eq!(
            t,
            vec![
                Template {
                    name: "First".into(),
                    text: "line one\n\nline two".into()
                },
                Template {
                    name: "Second".into(),
                    text: "x\n##".into()
                },
            ]
        );
        assert_eq!(parse(example(Lang::Nl)).len(), 2);
        assert_eq!(parse(example(Lang::En)).len(), 2);
    }
}
