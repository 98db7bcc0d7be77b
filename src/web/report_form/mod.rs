//! The report form: what was typed (a draft that is always re-shown intact) and its
//! parsing into a [`Report`]; its HTML, with errors in a summary and at each field,
//! is in `html.rs`.

pub mod exclude;
mod html;

pub use exclude::Excludable;
pub use html::{error_summary, render};

use crate::case::{Concern, Hope, Ongoing, Report, Role};
use crate::http::urlencoded::{Pairs, first};
use crate::i18n::{Lang, Texts};

/// Character limits for the free-text fields.
#[derive(Debug, Clone, Copy)]
pub struct TextLimits {
    /// Longest "what happened" and follow-up, in characters.
    pub long: usize,
    /// Longest short field, in characters.
    pub short: usize,
}

/// A form field, with the id of the element an error links to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// Who the reporter is.
    Role,
    /// What the concern is about.
    Concerns,
    /// What happened.
    What,
    /// The kind of organisation.
    OrgKind,
    /// The municipality.
    Municipality,
    /// The organisation's name.
    OrgName,
    /// When it happened.
    When,
    /// Whether it goes on.
    Ongoing,
    /// Who is affected.
    Affected,
    /// Where else it was reported.
    Elsewhere,
    /// What the reporter hopes for.
    Hope,
    /// Committee members left out (conflicts of interest).
    Exclude,
    /// Contact details.
    Contact,
}

impl Field {
    /// The id of the element an error about this field links to.
    pub fn id(self) -> &'static str {
        match self {
            Field::Role => "role",
            Field::Concerns => "concern-0",
            Field::What => "what",
            Field::OrgKind => "org_kind",
            Field::Municipality => "municipality",
            Field::OrgName => "org_name",
            Field::When => "when",
            Field::Ongoing => "ongoing-0",
            Field::Affected => "affected",
            Field::Elsewhere => "elsewhere",
            Field::Hope => "hope-0",
            Field::Exclude => "exclude-0",
            Field::Contact => "contact",
        }
    }
}

/// A problem with one field, in the reporter's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field.
    pub field: Field,
    /// What is wrong and how to fix it.
    pub message: String,
}

/// Everything as typed, kept as strings so a page with errors shows it unchanged.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    /// The chosen role's key.
    pub role: String,
    /// The chosen concerns' keys.
    pub concerns: Vec<String>,
    /// What happened.
    pub what: String,
    /// The kind of organisation.
    pub org_kind: String,
    /// The municipality.
    pub municipality: String,
    /// The organisation's name.
    pub org_name: String,
    /// When it happened.
    pub when: String,
    /// The chosen answer's key.
    pub ongoing: String,
    /// Who is affected.
    pub affected: String,
    /// Where else it was reported.
    pub elsewhere: String,
    /// The chosen answer's key.
    pub hope: String,
    /// Contact details.
    pub contact: String,
    /// The ids of the committee members ticked to be left out.
    pub exclude: Vec<String>,
}

fn choice<T: Copy>(
    raw: &str,
    from_key: fn(&str) -> Option<T>,
    field: Field,
    t: &Texts,
    errors: &mut Vec<FieldError>,
) -> Option<T> {
    if raw.is_empty() {
        return None;
    }
    let parsed = from_key(raw);
    if parsed.is_none() {
        errors.push(FieldError {
            field,
            message: t.err_invalid_choice.to_owned(),
        });
    }
    parsed
}

fn text(raw: &str, max: usize, field: Field, t: &Texts, errors: &mut Vec<FieldError>) -> String {
    let trimmed = raw.trim();
    if trimmed.chars().count() > max {
        errors.push(FieldError {
            field,
            message: (t.err_too_long)(max),
        });
    }
    trimmed.to_owned()
}

impl Draft {
    /// The draft in a submitted form (unknown fields ignored).
    pub fn from_pairs(pairs: &Pairs) -> Self {
        Self {
            role: first(pairs, "role").to_owned(),
            concerns: pairs
                .iter()
                .filter(|(n, _)| n == "concern")
                .map(|(_, v)| v.clone())
                .collect(),
            what: first(pairs, "what").to_owned(),
            org_kind: first(pairs, "org_kind").to_owned(),
            municipality: first(pairs, "municipality").to_owned(),
            org_name: first(pairs, "org_name").to_owned(),
            when: first(pairs, "when").to_owned(),
            ongoing: first(pairs, "ongoing").to_owned(),
            affected: first(pairs, "affected").to_owned(),
            elsewhere: first(pairs, "elsewhere").to_owned(),
            hope: first(pairs, "hope").to_owned(),
            contact: first(pairs, "contact").to_owned(),
            exclude: exclude::chosen(pairs),
        }
    }

    /// Parses the draft; on failure every problem is listed, in form order.
    pub fn parse(&self, lang: Lang, limits: TextLimits) -> Result<Report, Vec<FieldError>> {
        let t = lang.texts();
        let mut errors = Vec::new();
        let role = choice(&self.role, Role::from_key, Field::Role, t, &mut errors);
        if self.role.is_empty() {
            errors.push(FieldError {
                field: Field::Role,
                message: t.err_role_missing.to_owned(),
            });
        }
        let mut concerns = Vec::new();
        for raw in &self.concerns {
            match Concern::from_key(raw) {
                Some(c) if !concerns.contains(&c) => concerns.push(c),
                Some(_) => {}
                None => errors.push(FieldError {
                    field: Field::Concerns,
                    message: t.err_invalid_choice.to_owned(),
                }),
            }
        }
        if self.concerns.is_empty() {
            errors.push(FieldError {
                field: Field::Concerns,
                message: t.err_concern_missing.to_owned(),
            });
        }
        let what = text(&self.what, limits.long, Field::What, t, &mut errors);
        if what.is_empty() {
            errors.push(FieldError {
                field: Field::What,
                message: t.err_what_missing.to_owned(),
            });
        }
        let report = Report {
            role,
            concerns,
            what,
            org_kind: text(&self.org_kind, limits.short, Field::OrgKind, t, &mut errors),
            municipality: text(
                &self.municipality,
                limits.short,
                Field::Municipality,
                t,
                &mut errors,
            ),
            org_name: text(&self.org_name, limits.short, Field::OrgName, t, &mut errors),
            when: text(&self.when, limits.short, Field::When, t, &mut errors),
            ongoing: choice(
                &self.ongoing,
                Ongoing::from_key,
                Field::Ongoing,
                t,
                &mut errors,
            ),
            affected: text(&self.affected, limits.long, Field::Affected, t, &mut errors),
            elsewhere: text(
                &self.elsewhere,
                limits.long,
                Field::Elsewhere,
                t,
                &mut errors,
            ),
            hope: choice(&self.hope, Hope::from_key, Field::Hope, t, &mut errors),
            contact: text(&self.contact, limits.short, Field::Contact, t, &mut errors),
        };
        if errors.is_empty() {
            Ok(report)
        } else {
            sort_errors(&mut errors);
            Err(errors)
        }
    }
}

/// Puts errors in the order of the form's fields.
pub fn sort_errors(errors: &mut [FieldError]) {
    let order = |f: Field| FIELD_ORDER.iter().position(|x| *x == f);
    errors.sort_by_key(|e| order(e.field));
}

const FIELD_ORDER: [Field; 13] = [
    Field::Role,
    Field::Concerns,
    Field::What,
    Field::OrgKind,
    Field::Municipality,
    Field::OrgName,
    Field::When,
    Field::Ongoing,
    Field::Affected,
    Field::Elsewhere,
    Field::Hope,
    Field::Exclude,
    Field::Contact,
];

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: TextLimits = TextLimits {
        long: 50,
        short: 10,
    };

    fn valid() -> Draft {
        Draft {
            role: "volunteer".into(),
            concerns: vec!["shared-with-volunteers".into(), "other".into()],
            what: "  Files were shared.  ".into(),
            ..Draft::default()
        }
    }

    #[test]
    fn a_complete_draft_parses_into_a_trimmed_report() {
        let report = valid().parse(Lang::En, LIMITS).unwrap();
        assert_eq!(report.role, Some(Role::Volunteer));
        assert_eq!(
            report.concerns,
            vec![Concern::SharedWithVolunteers, Concern::Other]
        );
        assert_eq!(report.what, "Files were shared.");
        assert_eq!(report.hope, None);
    }

    #[test]
    fn missing_required_fields_are_all_reported_in_form_order() {
        let errors = Draft::default().parse(Lang::Nl, LIMITS).unwrap_err();
        let fields: Vec<Field> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, vec![Field::Role, Field::Concerns, Field::What]);
    }

    #[test]
    fn too_long_and_tampered_values_are_errors_at_their_field() {
        let mut d = valid();
        d.municipality = "x".repeat(11);
        d.hope = "money".into();
        d.concerns.push("made-up".into());
        let errors = d.parse(Lang::En, LIMITS).unwrap_err();
        let fields: Vec<Field> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            vec![Field::Concerns, Field::Municipality, Field::Hope]
        );
    }
}
