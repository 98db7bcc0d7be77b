//! Typed texts per language: every page string exists in Dutch and English, and a
//! missing translation is a missing struct field, so it does not compile.
//!
//! This file is long because `Texts` is one struct on purpose: every string a page
//! shows is a field of it, so a text missing in one language is a compile error; the
//! privacy statement's and withdrawal's texts live apart in `rights.rs`.

mod en;
mod filling;
mod nl;
mod rights;

pub use filling::{Block, Numbers, Referral, Section, Who};
pub use rights::{PrivacyTexts, StoredTexts, WithdrawTexts};

/// The Huis voor Klokkenluiders, where a protected whistleblower report goes.
pub const HUIS_VOOR_KLOKKENLUIDERS: &str = "https://www.huisvoorklokkenluiders.nl";

/// The Autoriteit Persoonsgegevens, for a data breach and for a complaint about how
/// this portal handles personal data.
pub const AUTORITEIT_PERSOONSGEGEVENS: &str = "https://www.autoriteitpersoonsgegevens.nl";

/// Language-neutral path of the privacy statement: `/privacyverklaring` in Dutch,
/// `/en/privacy` in English (see [`Lang::path`]).
pub const PRIVACY_PATH: &str = "/privacy";

/// The reporter's language. Dutch is the default; English lives under `/en`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    /// Dutch, the default.
    Nl,
    /// English, under `/en`.
    En,
}

impl Lang {
    /// Every string of the portal in this language.
    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::Nl => &nl::NL,
            Lang::En => &en::EN,
        }
    }

    /// The value of the `lang` attribute.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::En => "en",
        }
    }

    /// The language the switch in the header leads to.
    pub fn other(self) -> Lang {
        match self {
            Lang::Nl => Lang::En,
            Lang::En => Lang::Nl,
        }
    }

    /// Path prefix that carries the language without a cookie.
    pub fn prefix(self) -> &'static str {
        match self {
            Lang::Nl => "",
            Lang::En => "/en",
        }
    }

    /// Builds a link inside this language: `path` starts with `/`.
    pub fn path(self, path: &str) -> String {
        match (self, path) {
            (Lang::En, "/") => "/en".to_owned(),
            // The privacy statement goes by the name people look for in each language.
            (Lang::Nl, PRIVACY_PATH) => "/privacyverklaring".to_owned(),
            _ => format!("{}{}", self.prefix(), path),
        }
    }

    /// Language of a request path (`/en` or `/en/...` is English).
    pub fn from_path(path: &str) -> Lang {
        if path == "/en" || path.starts_with("/en/") {
            Lang::En
        } else {
            Lang::Nl
        }
    }

    /// Formats a calendar day as people write it, e.g. "5 maart 2027" / "5 March 2027".
    pub fn date(self, d: time::Date) -> String {
        let t = self.texts();
        format!(
            "{} {} {}",
            d.day(),
            t.months[usize::from(u8::from(d.month())) - 1],
            d.year()
        )
    }
}

/// Every string shown to a reporter. Plain language (B1). Texts never contain HTML;
/// the templates add all markup.
pub struct Texts {
    // ---- layout -------------------------------------------------------------
    /// Name of the service in the header, e.g. "Meldpunt beroepsgeheim en privacy".
    pub site_name: &'static str,
    /// One line under the name: whose committee this is.
    pub site_tagline: fn(&Who) -> String,
    /// Skip link text ("Naar de inhoud").
    pub skip_link: &'static str,
    /// Label of the link to the same page in the other language, written in that
    /// other language ("English" on Dutch pages, "Nederlands" on English pages).
    pub other_language: &'static str,
    /// aria-label for the header navigation.
    pub nav_label: &'static str,
    /// Navigation: the landing page.
    pub nav_home: &'static str,
    /// Navigation: the report form.
    pub nav_report: &'static str,
    /// Navigation: signing in with a code.
    pub nav_pickup: &'static str,
    /// Footer line: no cookies unless you sign in with a code, no IP addresses kept.
    pub footer_privacy: &'static str,
    /// Appended to the `<title>`: " — Meldpunt".
    pub title_suffix: &'static str,
    /// Footer link to the privacy statement.
    pub footer_privacy_link: &'static str,
    /// On every page while the example profile is in use: this is an example, not
    /// a real reporting point.
    pub example_banner: &'static str,
    /// Heading of the non-anonymous contact route on the landing page.
    pub contact_heading: &'static str,
    /// Under it: this route is not anonymous; use the form to stay anonymous.
    pub contact_intro: &'static str,
    /// Label: e-mail.
    pub contact_email: &'static str,
    /// Label: telephone.
    pub contact_phone: &'static str,
    /// Label: postal address.
    pub contact_post: &'static str,
    /// The privacy statement.
    pub privacy: &'static PrivacyTexts,
    /// Withdrawing a report.
    pub withdraw: &'static WithdrawTexts,

    // ---- members' notification mail ---------------------------------------------
    /// Subject of the daily notification mail. The same every time: the mail tells
    /// a member that there is activity, never what, where or how much.
    pub notify_subject: &'static str,
    /// The whole text of the notification mail, the same for one new message or fifty.
    pub notify_body: &'static str,

    // ---- landing page -------------------------------------------------------
    /// The landing page's heading.
    pub landing_title: &'static str,
    /// The paragraph under it: what you can report here.
    pub landing_intro: &'static str,
    /// Who the committee is (investigative committee of the professional association).
    pub landing_who: fn(&Who) -> Block,
    /// What the committee can do (items).
    pub landing_can: fn(&Who) -> Block,
    /// What the committee cannot do (items): no legal protection, no disciplinary
    /// ruling, no emergency help, cannot force organisations, etc.
    pub landing_cannot: Section,
    /// A report here is NOT a protected whistleblower report; protected routes are
    /// the Autoriteit Persoonsgegevens and the Huis voor Klokkenluiders.
    pub landing_not_whistleblower: Section,
    /// Those two routes, each with its web address: Huis voor Klokkenluiders first.
    pub landing_referrals: [Referral; 2],
    /// Emergencies: 112, and Veilig Thuis (0800-2000) for domestic violence and child abuse.
    pub landing_emergency: Section,
    /// How anonymous a report is: what the portal does (no IP address kept, a cookie
    /// only while signed in, everything sealed for the committee) and what only the
    /// reporter controls (what they write, files, device and network). It must not
    /// promise more than that: no "you stay anonymous".
    pub landing_anonymity: fn(&Numbers) -> Block,
    /// What happens after you report: acknowledgement within 7 days, feedback within 3 months.
    pub landing_after: fn(&Numbers) -> Block,
    /// Button/link to the form.
    pub landing_start: &'static str,
    /// Link text for people who already have a code.
    pub landing_have_code: &'static str,

    // ---- report form --------------------------------------------------------
    /// The report form's heading.
    pub form_title: &'static str,
    /// The paragraph under it.
    pub form_intro: &'static str,
    /// Heading of the reminder box.
    pub form_reminder_heading: &'static str,
    /// Reminder: do not name clients, no dates of birth, no citizen service numbers (BSN),
    /// describe situations instead; colleagues' names only if needed.
    pub form_reminder: &'static [&'static str],
    /// Added to the label of optional fields: "(niet verplicht)" / "(optional)".
    pub optional: &'static str,
    /// Legend: who are you?
    pub role_legend: &'static str,
    /// In this order: social worker, other professional, volunteer, intern,
    /// informal carer or family member, client or resident, prefer not to say.
    pub role_options: [&'static str; 7],
    /// Legend: what is the concern about?
    pub concerns_legend: &'static str,
    /// "Choose one or more."
    pub concerns_hint: &'static str,
    /// In this order: data shared with volunteers; municipal staff without a care role
    /// asking for or receiving client data; pressure to break professional secrecy;
    /// duty or request to report clients for fraud; shared with informal carers or
    /// family without consent; over-sharing in neighbourhood-team or multi-agency
    /// meetings; excessive recording in client files; unauthorised access to files or
    /// systems; funder or insurer demanding file access; insecure sharing or data
    /// breach; client not informed or consent under pressure; other.
    pub concern_options: [&'static str; 12],
    /// Label: what happened?
    pub what_label: &'static str,
    /// Hint: describe what happened, who did what (roles, not names of clients).
    pub what_hint: &'static str,
    /// Legend of the group about the organisation.
    pub where_legend: &'static str,
    /// Kind of organisation (e.g. neighbourhood team, municipality, youth care).
    pub org_kind_label: &'static str,
    /// Label: municipality.
    pub municipality_label: &'static str,
    /// Label: the organisation's name.
    pub org_name_label: &'static str,
    /// Label: when did it happen?
    pub when_label: &'static str,
    /// Hint: a month or period is enough.
    pub when_hint: &'static str,
    /// Legend: is it still going on?
    pub ongoing_legend: &'static str,
    /// yes, no, don't know.
    pub ongoing_options: [&'static str; 3],
    /// Label: who is affected?
    pub affected_label: &'static str,
    /// Hint: e.g. clients of a team, a group of residents; no names.
    pub affected_hint: &'static str,
    /// Label: reported anywhere else?
    pub elsewhere_label: &'static str,
    /// Hint: e.g. to your manager, the privacy officer (FG), the Autoriteit Persoonsgegevens.
    pub elsewhere_hint: &'static str,
    /// Legend: what would you like from the committee?
    pub hope_legend: &'static str,
    /// register only; advice; a conversation.
    pub hope_options: [&'static str; 3],
    /// Label: contact details (optional, ends anonymity).
    pub contact_label: &'static str,
    /// Warning: contact details end your anonymity towards the committee; only if you want
    /// to be contacted; leave empty to stay anonymous and use the pickup code instead.
    pub contact_warning: &'static str,
    /// The report form's button.
    pub submit_button: &'static str,

    // ---- form errors --------------------------------------------------------
    /// Heading of the error summary above the form: "There is a problem".
    pub error_summary_title: &'static str,
    /// Error: no role chosen.
    pub err_role_missing: &'static str,
    /// Error: no concern chosen.
    pub err_concern_missing: &'static str,
    /// Error: what happened is empty.
    pub err_what_missing: &'static str,
    /// A text is longer than allowed; the argument is the maximum number of characters.
    pub err_too_long: fn(usize) -> String,
    /// A submitted choice is not one of the options (tampered form).
    pub err_invalid_choice: &'static str,
    /// The form was open too long; everything typed is kept below, send it again.
    pub form_expired: &'static str,
    /// Page title when a form is sent a second time (double click, back button, replay).
    pub form_already_sent_title: &'static str,
    /// This form was already sent and is not stored twice; if you got a code, use it;
    /// if you saw no code, start a new report.
    pub form_already_sent_text: &'static str,

    // ---- receipt ------------------------------------------------------------
    /// The receipt's heading.
    pub receipt_title: &'static str,
    /// Your report has been received and stored encrypted.
    pub receipt_intro: &'static str,
    /// Label above the code: "Your pickup code".
    pub receipt_code_label: &'static str,
    /// How to keep it safe: write it down on paper, keep it where others cannot find it,
    /// do not send it by e-mail or take a screenshot on a shared device, etc.
    pub receipt_keep_safe_heading: &'static str,
    /// How to keep the code safe (items).
    pub receipt_keep_safe: &'static [&'static str],
    /// The code is shown only once, on this page, and nobody (not even the committee)
    /// can recover or resend it.
    pub receipt_shown_once: &'static str,
    /// A closed report is deleted the configured number of days after closing.
    pub receipt_retention: fn(&Numbers) -> String,
    /// Heading before the two dates.
    pub receipt_dates_heading: &'static str,
    /// "The committee confirms receipt by" (followed by a date).
    pub ack_by_label: &'static str,
    /// "You get feedback at the latest by" (followed by a date).
    pub feedback_by_label: &'static str,
    /// Come back with the code on the pickup page to read questions and answers.
    pub receipt_next: &'static str,

    // ---- pickup -------------------------------------------------------------
    /// The sign-in page's heading.
    pub pickup_title: &'static str,
    /// The paragraph under it.
    pub pickup_intro: fn(&Numbers) -> String,
    /// Label: your pickup code.
    pub code_label: &'static str,
    /// Hint: 25 characters; spaces, dashes and lower case do not matter.
    pub code_hint: &'static str,
    /// The sign-in button.
    pub pickup_button: &'static str,
    /// The check character shows a typing mistake: check the code you typed.
    pub err_code_typo: &'static str,
    /// The input is not shaped like a code (wrong length or characters).
    pub err_code_format: &'static str,
    /// No report found for this code (unknown, or removed after closing). Same text for
    /// every well-formed code that opens nothing.
    pub err_code_unknown: fn(&Numbers) -> String,

    // ---- thread -------------------------------------------------------------
    /// The thread's heading.
    pub thread_title: &'static str,
    /// Label of the case's status.
    pub status_label: &'static str,
    /// In this order: received, acknowledged, under review, waiting for your answer,
    /// feedback given, closed.
    pub statuses: [&'static str; 6],
    /// Closing reasons, in this order: taken into analysis; referred to the Autoriteit
    /// Persoonsgegevens; referred to the Huis voor Klokkenluiders; outside our scope; no response.
    pub close_reasons: [&'static str; 5],
    /// Label of the closing reason.
    pub close_reason_label: &'static str,
    /// Label of the day the report arrived.
    pub received_on_label: &'static str,
    /// Label of the day receipt was confirmed.
    pub acknowledged_on_label: &'static str,
    /// Label of the day the case was closed.
    pub closed_on_label: &'static str,
    /// Heading of the list of messages.
    pub messages_heading: &'static str,
    /// Author shown above reporter messages: "You".
    pub author_you: &'static str,
    /// Author shown above committee messages: "The committee".
    pub author_committee: &'static str,
    /// Label for the day a message was written ("Date").
    pub message_date_label: &'static str,
    /// Heading above the original report in the thread: "Your report".
    pub report_heading: &'static str,
    /// Heading of the follow-up form.
    pub followup_heading: &'static str,
    /// Label of the follow-up text.
    pub followup_label: &'static str,
    /// Hint under that label.
    pub followup_hint: &'static str,
    /// The follow-up form's button.
    pub followup_button: &'static str,
    /// Notice after a follow-up was stored.
    pub followup_sent: &'static str,
    /// Error: a follow-up with neither text nor files.
    pub err_followup_empty: &'static str,
    /// The case is closed: no new messages can be sent.
    pub thread_closed_note: fn(&Numbers) -> String,
    /// The sign-out button.
    pub signout_button: &'static str,
    /// Hint next to sign-out: sign out when you are done, especially on a shared computer.
    pub signout_hint: &'static str,
    /// Heading of the page after signing out.
    pub signed_out_title: &'static str,
    /// You are signed out; close the browser window on a shared computer.
    pub signed_out_text: &'static str,
    /// Shown on the pickup page when the session ended (idle 15 minutes or signed out).
    pub session_ended: fn(&Numbers) -> String,
    /// A follow-up that arrived after its session ended is kept on the pickup page.
    /// In the thread, for a message the reporter's key cannot open.
    pub message_unreadable: &'static str,
    /// Label of a follow-up kept on the sign-in page.
    pub kept_text_label: &'static str,
    /// Hint under that label.
    pub kept_text_hint: &'static str,
    /// On the thread after signing in again with a kept follow-up.
    pub kept_text_notice: &'static str,
    /// A follow-up form from an earlier session, or altered: shown again, not stored.
    pub followup_form_stale: &'static str,
    /// "Yes"/"No" for showing checkbox-like values in the report summary.
    pub yes: &'static str,
    /// "No".
    pub no: &'static str,
    /// Shown for an empty optional field in the report summary: "(not filled in)".
    pub not_given: &'static str,

    // ---- error pages --------------------------------------------------------
    /// Link back to the landing page from a message page.
    pub back_home: &'static str,
    /// Page not found: heading.
    pub not_found_title: &'static str,
    /// Page not found: text.
    pub not_found_text: &'static str,
    /// Method not allowed: heading.
    pub method_title: &'static str,
    /// Method not allowed: text.
    pub method_text: &'static str,
    /// What was sent is too large; shorten the text; nothing was stored.
    pub too_large_title: &'static str,
    /// Too large: text.
    pub too_large_text: &'static str,
    /// Too many attempts in a short time; wait a few minutes; nothing was stored.
    pub too_many_title: &'static str,
    /// Too many attempts: text.
    pub too_many_text: &'static str,
    /// Title of the page shown when the report ceiling of the hour is reached.
    pub busy_title: &'static str,
    /// Its text: nothing was stored, when to try again.
    pub busy_text: &'static str,
    /// What was sent could not be read (bad characters, a damaged or altered form);
    /// nothing was stored.
    pub bad_request_title: &'static str,
    /// Unreadable request: text.
    pub bad_request_text: &'static str,
    /// Something went wrong on our side; nothing was stored; try again later.
    pub server_error_title: &'static str,
    /// Our error: text.
    pub server_error_text: &'static str,
    /// The service is temporarily unavailable; nothing was stored; try again later.
    pub unavailable_title: &'static str,
    /// Unavailable: text.
    pub unavailable_text: &'static str,
    /// The request came from another site and was refused.
    pub forbidden_title: &'static str,
    /// Refused cross-site request: text.
    pub forbidden_text: &'static str,

    // ---- attachments ---------------------------------------------------------
    /// Label of the file chooser.
    pub files_label: &'static str,
    /// Shown before choosing files: what files can reveal, and what we remove.
    pub files_warning: &'static [&'static str],
    /// The limits: (most files, MiB per file, MiB per message).
    pub files_limits: fn(usize, u64, u64) -> String,
    /// After a form error the browser forgets chosen files: choose them again.
    pub files_choose_again: &'static str,
    /// Too many files; argument: the most allowed.
    pub err_too_many_files: fn(usize) -> String,
    /// Argument: MiB.
    pub err_file_too_large: fn(u64) -> String,
    /// Argument: MiB.
    pub err_message_too_large: fn(u64) -> String,
    /// A file could not be received or processed; nothing of the message was stored.
    pub err_upload_failed: &'static str,
    /// Heading of a message's list of files.
    pub files_heading: &'static str,
    /// Followed by the list of what was removed.
    pub meta_removed: &'static str,
    /// The file held none of the metadata we remove.
    pub meta_nothing_found: &'static str,
    /// A kind of file we cannot check: it may still hold information about you.
    pub meta_not_checked: &'static str,
    /// The file could not be checked (damaged or unusual) and was stored as received.
    pub meta_could_not_check: &'static str,
    /// In this order: EXIF (with any GPS position), XMP, IPTC,
    /// comments, text notes, author, last editor, company, document properties, PDF
    /// document information.
    pub removed_kinds: [&'static str; 10],

    /// Month names, January first, in the language's usual lower/upper case.
    pub months: [&'static str; 12],

    // ---- forms read in any browser -------------------------------------------
    /// Before a field's error, so that it reads as an error in linear reading
    /// (text browsers, screen readers) and not as a hint.
    pub error_prefix: &'static str,
    /// The empty first option of a required select: nothing is chosen by default.
    pub choose_one: &'static str,
    /// The pre-checked neutral answer of an optional question, so that no browser
    /// picks a real answer on the reporter's behalf.
    pub no_answer: &'static str,
    /// Under the code on the receipt: how digits are told from letters.
    pub receipt_code_digits: &'static str,
    /// Short names of the report's answers in the thread, in form order (role,
    /// topics, what, kind of organisation, municipality, organisation, when, still
    /// going on, who is affected, reported elsewhere, what you hope for, contact): the
    /// form's whole questions read poorly as keys.
    pub summary_keys: [&'static str; 12],
    /// Conflicts of interest: the question above the committee's names on the form.
    pub exclude_legend: &'static str,
    /// What leaving a member out does, and that it is optional.
    pub exclude_hint: &'static str,
    /// Error: every member was left out.
    pub err_exclude_everyone: &'static str,
    /// On the receipt: who cannot read the report (followed by their names).
    pub receipt_left_out: &'static str,
}
