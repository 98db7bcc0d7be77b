//! The report form's HTML: every field with its hint, the draft's values and the
//! errors at each field, and the summary of problems above the form.

use maud::{Markup, html};

use super::{Draft, Excludable, Field, FieldError, exclude};
use crate::case::{Concern, Hope, Ongoing, Role};
use crate::i18n::{Lang, Texts};
use crate::web::layout::field_error;

/// The summary of the report form's problems above it.
pub fn error_summary(t: &Texts, errors: &[FieldError]) -> Markup {
    let problems: Vec<(&str, &str)> = errors
        .iter()
        .map(|e| (e.field.id(), e.message.as_str()))
        .collect();
    crate::web::layout::error_summary(t, &problems)
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
                (field_error(t, &error_id, html! { @for m in &messages { (m) " " } }))
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
    options: Vec<(&'a str, &'a str)>,
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
                    (field_error(t, &format!("{base}-error"), html! { @for m in &messages { (m) " " } }))
                }
                div class="choices" {
                    // An optional question starts on a neutral answer, checked: with
                    // nothing checked, some browsers (lynx) submit the first option.
                    @if g.optional && !g.multiple {
                        @let id = format!("{base}-none");
                        div class="choice" {
                            input type="radio" id=(id) name=(g.name) value=""
                                checked[g.selected.iter().all(|s| s.is_empty())];
                            label for=(id) { (t.no_answer) }
                        }
                    }
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

struct Select<'a> {
    field: Field,
    name: &'static str,
    label: &'static str,
    options: Vec<(&'static str, &'static str)>,
    selected: &'a str,
}

/// A required single choice: a select whose empty first option is chosen until
/// the reporter picks, so no browser can answer it by default.
fn select_field(t: &Texts, errors: &[FieldError], s: Select<'_>) -> Markup {
    let id = s.field.id();
    let messages = field_errors(errors, s.field);
    let invalid = !messages.is_empty();
    let error_id = format!("{id}-error");
    html! {
        div class={ "field" @if invalid { " field-invalid" } } {
            label for=(id) { (s.label) }
            @if invalid {
                (field_error(t, &error_id, html! { @for m in &messages { (m) " " } }))
            }
            select id=(id) name=(s.name) required
                aria-describedby=[invalid.then_some(&error_id)]
                aria-invalid=[invalid.then_some("true")] {
                option value="" selected[s.selected.is_empty()] { (t.choose_one) }
                @for (key, label) in &s.options {
                    option value=(key) selected[s.selected == *key] { (label) }
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
    members: &[Excludable],
    files: Markup,
) -> Markup {
    let t = lang.texts();
    html! {
        form method="post" action=(lang.path("/report")) class="report-form" enctype="multipart/form-data" novalidate {
            input type="hidden" name="form_token" value=(token);
            (select_field(t, errors, Select {
                field: Field::Role, name: "role", label: t.role_legend,
                options: Role::ALL.iter().map(|r| (r.key(), r.label(t))).collect(),
                selected: draft.role.as_str(),
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
            // With one member there is nobody to leave out: one must read the report.
            @if members.len() > 1 {
                (choice_group(t, errors, ChoiceGroup {
                    field: Field::Exclude, name: exclude::EXCLUDE, legend: t.exclude_legend,
                    hint: Some(t.exclude_hint),
                    options: members.iter().map(|m| (m.id.as_str(), m.name.as_str())).collect(),
                    selected: draft.exclude.iter().map(String::as_str).collect(),
                    optional: true, multiple: true,
                }))
            }
            input type="hidden" name=(exclude::EXCLUSIONS_COMPLETE) value="1";
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
