//! What the inbox shows of each report — kinds of concern, municipality, first
//! line, the reporter's language — and the text its search looks in, decrypted
//! here from the sealed reports. Summaries live in this process's memory only: they
//! are never written to disk, never sent anywhere, and are forgotten when the
//! identity locks. A report never changes, so a summary is made once per case.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::client::{Portal, PortalError};
use super::sealing::Opened;
use crate::case::{Body, Concern, Report};
use crate::i18n::{Lang, Texts};
use crate::protocol::{CaseId, CaseInfo};

/// The longest first line the inbox shows, in characters.
const FIRST_LINE_CHARS: usize = 90;

/// One case's report as the inbox uses it.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// The kinds of concern the reporter chose.
    pub concerns: Vec<Concern>,
    /// Where it happened, as typed.
    pub municipality: String,
    /// The first line of "what happened", shortened.
    pub first_line: String,
    /// The language the reporter wrote in, when the report says.
    pub lang: Option<Lang>,
    /// Every text of the report in lower case, for the search.
    haystack: String,
    /// The report could not be opened with this key (or is not a report).
    pub unreadable: bool,
}

impl Summary {
    fn of(report: &Report, lang: Option<Lang>) -> Self {
        let first = report
            .what
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("");
        let first_line = if first.chars().count() > FIRST_LINE_CHARS {
            let cut: String = first.chars().take(FIRST_LINE_CHARS - 1).collect();
            format!("{}…", cut.trim_end())
        } else {
            first.to_owned()
        };
        let haystack = [
            report.what.as_str(),
            &report.municipality,
            &report.org_kind,
            &report.org_name,
            &report.when,
            &report.affected,
            &report.elsewhere,
            &report.contact,
        ]
        .join("\n")
        .to_lowercase();
        Self {
            concerns: report.concerns.clone(),
            municipality: report.municipality.trim().to_owned(),
            first_line,
            lang,
            haystack,
            unreadable: false,
        }
    }

    fn unreadable() -> Self {
        Self {
            unreadable: true,
            ..Self::default()
        }
    }

    /// Whether every word of `query` occurs in the report (case-insensitive), or
    /// the query is the case's reference.
    pub fn matches(&self, query: &str, reference: &str) -> bool {
        let q = query.trim().to_lowercase();
        if q.is_empty() || reference.eq_ignore_ascii_case(query.trim()) {
            return true;
        }
        // A phrase in quotes must occur as written; other words anywhere.
        if let Some(phrase) = q.strip_prefix('"').and_then(|p| p.strip_suffix('"')) {
            return self.haystack.contains(phrase);
        }
        q.split_whitespace().all(|w| self.haystack.contains(w))
    }

    /// The kinds of concern as the committee reads them, joined.
    pub fn concern_labels(&self, t: &Texts) -> String {
        self.concerns
            .iter()
            .map(|c| c.label(t))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// Decrypted summaries by case, in memory only.
#[derive(Default)]
pub struct Summaries {
    by_case: Mutex<HashMap<CaseId, Arc<Summary>>>,
}

impl Summaries {
    /// Forgets every summary (when the identity locks or signs out).
    pub fn clear(&self) {
        self.by_case.lock().expect("not poisoned").clear();
    }

    /// The summaries of `cases`: from memory, or fetched sealed from the portal in
    /// batches and opened here.
    pub async fn of(
        &self,
        portal: &Portal,
        cases: &[CaseInfo],
    ) -> Result<HashMap<CaseId, Arc<Summary>>, PortalError> {
        let missing: Vec<CaseId> = {
            let known = self.by_case.lock().expect("not poisoned");
            cases
                .iter()
                .filter(|c| !known.contains_key(&c.id))
                .map(|c| c.id.clone())
                .collect()
        };
        if !missing.is_empty() {
            let sealed = portal.reports(&missing).await?;
            let mut opened = Vec::with_capacity(sealed.len());
            for r in sealed {
                let summary = match portal.open(&r.id, 1, &r.ciphertext) {
                    Ok(Opened::Envelope(env)) => match &env.body {
                        Body::Report(report) => {
                            let lang = match env.lang.as_deref() {
                                Some("nl") => Some(Lang::Nl),
                                Some("en") => Some(Lang::En),
                                _ => None,
                            };
                            Summary::of(report, lang)
                        }
                        Body::Text { .. } => Summary::unreadable(),
                    },
                    Ok(Opened::NotForMe) | Err(_) => Summary::unreadable(),
                };
                opened.push((r.id, Arc::new(summary)));
            }
            self.by_case.lock().expect("not poisoned").extend(opened);
        }
        let known = self.by_case.lock().expect("not poisoned");
        Ok(cases
            .iter()
            .filter_map(|c| known.get(&c.id).map(|s| (c.id.clone(), s.clone())))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_search_finds_every_word_or_a_quoted_phrase_in_any_field() {
        let report = Report {
            what: "De teamleider\ndeelde dossiers met vrijwilligers".into(),
            municipality: "Zwolle".into(),
            ..Report::default()
        };
        let s = Summary::of(&report, Some(Lang::Nl));
        assert_eq!(s.first_line, "De teamleider");
        assert!(s.matches("zwolle DOSSIERS", "MP-AAAAAA"));
        assert!(s.matches("\"deelde dossiers\"", "MP-AAAAAA"));
        assert!(!s.matches("\"dossiers deelde\"", "MP-AAAAAA"));
        assert!(!s.matches("amsterdam", "MP-AAAAAA"));
        assert!(s.matches("mp-aaaaaa", "MP-AAAAAA"));
    }
}
