//! The report form: what was typed (a draft that is always re-shown intact), its
//! parsing into a [`Report`], and its HTML with errors in a summary and at each field.

use maud::{Markup, html};

use crate::case::{Concern, Hope, Ongoing, Report, Role};
use crate::http::urlencoded::{Pairs, first};
use crate::i18n::{Lang, Texts};

/// Character limits for the free-text fields.
#[derive(Debug, Clone, Copy)]
pub struct TextLimits {
    pub long: usize,
    pub short: usize,
}

/// A form field, with the id of the element an error links to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Role,
    Concerns,
    What,
    OrgKind,
    Municipality,
    OrgName,
    When,
    Ongoing,
    Affected,
    Elsewhere,
    Hope,
    Contact,
}

impl Field {
    pub fn id(self) -> &'static str {
        match self {
            Field::Role => "role-0",
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
            Field::Contact => "contact",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: Field,
    pub message: String,
}

/// Everything as typed, kept as strings so a page with errors shows it unchanged.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub role: String,
    pub concerns: Vec<String>,
    pub what: String,
    pub org_kind: String,
    pub municipality: String,
    pub org_name: String,
    pub when: String,
    pub ongoing: String,
    pub affected: String,
    pub elsewhere: String,
    pub hope: String,
    pub contact: String,
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
            let order = |f: Field| FIELD_ORDER.iter().position(|x| *x == f);
            errors.sort_by_key(|e| order(e.field));
            Err(errors)
        }
    }
}

const FIELD_ORDER: [Field; 12] = [
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
    Field::Contact,
];

/// The summary of the report form's problems above it.
pub fn error_summary(t: &Texts, errors: &[FieldError]) -> Markup {
    let problems: Vec<(&str, &str)> = errors
        .iter()
        .map(|e| (e.field.id(), e.message.as_str()))
        .collect();
    super::layout::error_summary(t, &problems)
}

/// The error messages for one field (usually one).
fn field_errors(errors: &[FieldError], field: Field) -> Vec<&str> {
    errors
        .iter()
        .filter(|e| e.field == field)
        .map(|e| e.message.as_str())
        .collect()
}

struct TextField<'a> {
    field: Field,
    name: &'static str,
    label: &'static str,
    hint: Option<&'static str>,
    value: &'a str,
    optional: bool,
    multiline: bool,
}

fn text_field(t: &Texts, errors: &[FieldError], f: TextField<'_>) -> Markup {
    let id = f.field.id();
    let messages = field_errors(errors, f.field);
    let invalid = !messages.is_empty();
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let mut described = Vec::new();
    if f.hint.is_some() {
        described.push(hint_id.as_str());
    }
    if invalid {
        described.push(error_id.as_str());
    }
    let described = described.join(" ");
    html! {
        div class={ "field" @if invalid { " field-invalid" } } {
            label for=(id) {
                (f.label)
                @if f.optional { " " span class="optional" { (t.optional) } }
            }
            @if let Some(h) = f.hint { p class="hint" id=(hint_id) { (h) } }
            @if invalid {
                p class="field-error" id=(error_id) {
                    @for m in &messages { (m) " " }
                }
            }
            @if f.multiline {
                textarea id=(id) name=(f.name) rows="8" autocomplete="off"
                    aria-describedby=[(!described.is_empty()).then_some(&described)]
                    aria-invalid=[invalid.then_some("true")]
                    required[!f.optional] { (f.value) }
            } @else {
                input type="text" id=(id) name=(f.name) value=(f.value) autocomplete="off"
                    aria-describedby=[(!described.is_empty()).then_some(&described)]
                    aria-invalid=[invalid.then_some("true")];
            }
        }
    }
}

struct ChoiceGroup<'a> {
    field: Field,
    name: &'static str,
    legend: &'static str,
    hint: Option<&'static str>,
    options: Vec<(&'static str, &'static str)>,
    selected: Vec<&'a str>,
    optional: bool,
    multiple: bool,
}

fn choice_group(t: &Texts, errors: &[FieldError], g: ChoiceGroup<'_>) -> Markup {
    let messages = field_errors(errors, g.field);
    let invalid = !messages.is_empty();
    let base = g.field.id().trim_end_matches("-0");
    let kind = if g.multiple { "checkbox" } else { "radio" };
    html! {
        div class={ "field" @if invalid { " field-invalid" } } {
            fieldset aria-describedby=[invalid.then(|| format!("{base}-error"))] {
                legend {
                    (g.legend)
                    @if g.optional { " " span class="optional" { (t.optional) } }
                }
                @if let Some(h) = g.hint { p class="hint" { (h) } }
                @if invalid {
                    p class="field-error" id={ (base) "-error" } {
                        @for m in &messages { (m) " " }
                    }
                }
                div class="choices" {
                    @for (i, (key, label)) in g.options.iter().enumerate() {
                        @let id = format!("{base}-{i}");
                        div class="choice" {
                            input type=(kind) id=(id) name=(g.name) value=(key)
                                checked[g.selected.contains(key)];
                            label for=(id) { (label) }
                        }
                    }
                }
            }
        }
    }
}

/// The whole report form with the draft's values and any errors.
pub fn render(
    lang: Lang,
    draft: &Draft,
    errors: &[FieldError],
    token: &str,
    files: Markup,
) -> Markup {
    let t = lang.texts();
    html! {
        form method="post" action=(lang.path("/report")) class="report-form" enctype="multipart/form-data" novalidate {
            input type="hidden" name="form_token" value=(token);
            (choice_group(t, errors, ChoiceGroup {
                field: Field::Role, name: "role", legend: t.role_legend, hint: None,
                options: Role::ALL.iter().map(|r| (r.key(), r.label(t))).collect(),
                selected: vec![draft.role.as_str()], optional: false, multiple: false,
            }))
            (choice_group(t, errors, ChoiceGroup {
                field: Field::Concerns, name: "concern", legend: t.concerns_legend,
                hint: Some(t.concerns_hint),
                options: Concern::ALL.iter().map(|c| (c.key(), c.label(t))).collect(),
                selected: draft.concerns.iter().map(String::as_str).collect(),
                optional: false, multiple: true,
            }))
            (text_field(t, errors, TextField {
                field: Field::What, name: "what", label: t.what_label, hint: Some(t.what_hint),
                value: &draft.what, optional: false, multiline: true,
            }))
            fieldset class="group" {
                legend { (t.where_legend) " " span class="optional" { (t.optional) } }
                (text_field(t, errors, TextField {
                    field: Field::OrgKind, name: "org_kind", label: t.org_kind_label, hint: None,
                    value: &draft.org_kind, optional: true, multiline: false,
                }))
                (text_field(t, errors, TextField {
                    field: Field::Municipality, name: "municipality", label: t.municipality_label,
                    hint: None, value: &draft.municipality, optional: true, multiline: false,
                }))
                (text_field(t, errors, TextField {
                    field: Field::OrgName, name: "org_name", label: t.org_name_label, hint: None,
                    value: &draft.org_name, optional: true, multiline: false,
                }))
            }
            (text_field(t, errors, TextField {
                field: Field::When, name: "when", label: t.when_label, hint: Some(t.when_hint),
                value: &draft.when, optional: true, multiline: false,
            }))
            (choice_group(t, errors, ChoiceGroup {
                field: Field::Ongoing, name: "ongoing", legend: t.ongoing_legend, hint: None,
                options: Ongoing::ALL.iter().map(|o| (o.key(), o.label(t))).collect(),
                selected: vec![draft.ongoing.as_str()], optional: true, multiple: false,
            }))
            (text_field(t, errors, TextField {
                field: Field::Affected, name: "affected", label: t.affected_label,
                hint: Some(t.affected_hint), value: &draft.affected, optional: true,
                multiline: true,
            }))
            (text_field(t, errors, TextField {
                field: Field::Elsewhere, name: "elsewhere", label: t.elsewhere_label,
                hint: Some(t.elsewhere_hint), value: &draft.elsewhere, optional: true,
                multiline: true,
            }))
            (choice_group(t, errors, ChoiceGroup {
                field: Field::Hope, name: "hope", legend: t.hope_legend, hint: None,
                options: Hope::ALL.iter().map(|h| (h.key(), h.label(t))).collect(),
                selected: vec![draft.hope.as_str()], optional: true, multiple: false,
            }))
            (files)
            div class="warning" {
                (text_field(t, errors, TextField {
                    field: Field::Contact, name: "contact", label: t.contact_label,
                    hint: Some(t.contact_warning), value: &draft.contact, optional: true,
                    multiline: false,
                }))
            }
            button type="submit" class="button" { (t.submit_button) }
        }
    }
}

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
