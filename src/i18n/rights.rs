//! The texts of a reporter's rights: the privacy statement and withdrawing a report.
//! Kept apart from the form and thread texts because they are pages of their own;
//! the Dutch values live in `nl/rights.rs`, the English in `en/rights.rs`.

use super::Numbers;

/// The privacy statement (`/privacyverklaring`, `/en/privacy`).
pub struct PrivacyTexts {
    /// The page's heading.
    pub title: &'static str,
    /// The paragraph under it: what this page is about, in short.
    pub intro: &'static str,
    /// Heading: who is responsible.
    pub controller_heading: &'static str,
    /// Arguments: controller, its address. Who is responsible for the data.
    pub controller_text: fn(&str, &str) -> String,
    /// Arguments: data-protection contact, e-mail address. Where questions go.
    pub dpo_text: fn(&str, &str) -> String,
    /// Heading: what we store.
    pub stored_heading: &'static str,
    /// Under it: everything is listed here, and how it is kept.
    pub stored_intro: &'static str,
    /// One text per entry of the data inventory.
    pub stored: StoredTexts,
    /// Before the list of how an entry is kept: "Stored as:".
    pub kept_as: &'static str,
    /// Heading: what we do not store.
    pub not_stored_heading: &'static str,
    /// What is not kept anywhere: IP addresses, browser details, the pickup code, the
    /// text in readable form, the kinds of concern outside the sealed report.
    pub not_stored: &'static [&'static str],
    /// Heading: why we may process this.
    pub basis_heading: &'static str,
    /// The legal basis, in plain words.
    pub basis: &'static [&'static str],
    /// Heading: how long.
    pub retention_heading: &'static str,
    /// How long things are kept, with the configured numbers.
    pub retention: fn(&Numbers) -> Vec<String>,
    /// Heading: who can read what.
    pub readers_heading: &'static str,
    /// Committee members read content with their own key; nobody at the server can.
    pub readers: &'static [&'static str],
    /// Heading: your rights.
    pub rights_heading: &'static str,
    /// The AVG rights in a few words.
    pub rights_intro: &'static str,
    /// How an anonymous reporter uses them with the code (items).
    pub rights_with_code: &'static [&'static str],
    /// Without the code nobody can find your report; your contact details.
    pub rights_without_code: &'static str,
    /// Heading: complaints.
    pub complaint_heading: &'static str,
    /// The right to complain to the Autoriteit Persoonsgegevens.
    pub complaint: &'static str,
    /// Link text of the Autoriteit Persoonsgegevens' web address.
    pub complaint_link: &'static str,
}

/// What the privacy statement says about each entry of the data inventory
/// (`storage::inventory::Statement::text`), and the words for how it is kept
/// (`storage::inventory::Class::text`).
pub struct StoredTexts {
    /// What you wrote and the files you sent.
    pub report_text: &'static str,
    /// Values made from your code.
    pub code_derived: &'static str,
    /// Reference, status, dates, who handles it.
    pub case_workflow: &'static str,
    /// Which messages exist, by whom, on what day.
    pub messages: &'static str,
    /// Files, in pieces, under random numbers.
    pub files: &'static str,
    /// Your session after you sign in.
    pub sessions: &'static str,
    /// Forms already sent.
    pub form_tokens: &'static str,
    /// That a report was withdrawn, and on what day.
    pub withdrawals: &'static str,
    /// Which committee members you left out of your report.
    pub left_out: &'static str,
    /// How busy the portal was: refusals per day, the counters of its limits.
    pub limits: &'static str,
    /// Committee members.
    pub members: &'static str,
    /// The log of members' actions.
    pub audit: &'static str,
    /// The installation's own keys.
    pub installation: &'static str,
    /// Class: encrypted.
    pub class_ciphertext: &'static str,
    /// Class: a day, no time.
    pub class_coarse_date: &'static str,
    /// Class: says nothing about who you are.
    pub class_public: &'static str,
    /// Class: a one-way value of a secret.
    pub class_secret: &'static str,
    /// Class: a time that is deleted when it has served.
    pub class_ephemeral: &'static str,
    /// Class: about committee members.
    pub class_member_data: &'static str,
}

/// Withdrawing a report.
pub struct WithdrawTexts {
    /// Heading of the part of the thread about withdrawing.
    pub thread_heading: &'static str,
    /// Under it: you can withdraw your report at any time.
    pub thread_text: &'static str,
    /// The link to the confirmation page.
    pub thread_link: &'static str,
    /// The confirmation page's heading.
    pub confirm_title: &'static str,
    /// What will happen (items).
    pub confirm_what: &'static [&'static str],
    /// Label of the checkbox that confirms.
    pub confirm_label: &'static str,
    /// The button.
    pub confirm_button: &'static str,
    /// Link back to the thread.
    pub cancel: &'static str,
    /// Error: the box was not ticked.
    pub err_not_confirmed: &'static str,
    /// The page after withdrawing: heading.
    pub done_title: &'static str,
    /// The page after withdrawing: text.
    pub done_text: &'static str,
}
