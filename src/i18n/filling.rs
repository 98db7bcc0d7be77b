//! What the typed texts are made of besides strings: the sections of the landing
//! page, fixed or filled in, and what they are filled in with (the site profile's
//! names and the configured numbers).

/// A heading with paragraphs, for the explanatory parts of the landing page.
pub struct Section {
    /// The section's heading.
    pub heading: &'static str,
    /// Its paragraphs, before any bullet points.
    pub paragraphs: &'static [&'static str],
    /// Bullet points after the paragraphs (may be empty).
    pub items: &'static [&'static str],
}

/// An organisation a reporter can turn to instead, with its web address (one of the
/// constants in `i18n`, the same in both languages).
pub struct Referral {
    /// Its name.
    pub name: &'static str,
    /// What it is for, after the name.
    pub what: &'static str,
    /// Its web address, shown as the link's text too.
    pub url: &'static str,
}

/// A section whose text is filled in with the site profile or configured numbers.
pub struct Block {
    /// The section's heading.
    pub heading: &'static str,
    /// Its paragraphs, before any bullet points.
    pub paragraphs: Vec<String>,
    /// Bullet points after the paragraphs (may be empty).
    pub items: Vec<String>,
}

/// The names from the site profile that texts are filled in with.
#[derive(Debug, Clone, Copy)]
pub struct Who<'a> {
    /// The organisation's full name.
    pub organisation: &'a str,
    /// Its short name.
    pub organisation_short: &'a str,
    /// The committee's name.
    pub committee: &'a str,
}

/// The configured numbers texts state, so a page never promises a default that
/// this installation does not use.
#[derive(Debug, Clone, Copy)]
pub struct Numbers {
    /// A reporter session ends after this many seconds unused.
    pub session_idle_secs: i64,
    /// A reporter session ends this many seconds after sign-in.
    pub session_max_secs: i64,
    /// Days a closed case is kept.
    pub retention_days: i64,
    /// Days the committee has to confirm receipt.
    pub acknowledge_days: i64,
    /// Months after the confirmation by which feedback is due.
    pub feedback_months: u32,
}
