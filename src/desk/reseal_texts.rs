//! The texts of the re-seal page, in Dutch and English (the layout's navigation
//! link uses one of them too).

use super::SharedDesk;
use crate::i18n::Lang;

/// The page's texts in one language.
pub struct ResealTexts {
    /// The page title.
    pub title: &'static str,
    /// The navigation link.
    pub nav: &'static str,
    /// After the count of outdated cases.
    pub outdated: &'static str,
    /// When nothing is outdated.
    pub none_outdated: &'static str,
    /// What re-sealing does.
    pub intro: &'static str,
    /// What it does not do: copies.
    pub copies: &'static str,
    /// The start button.
    pub start: &'static str,
    /// The stop button.
    pub stop: &'static str,
    /// While the listing is fetched.
    pub listing: &'static str,
    /// While re-sealing.
    pub running: &'static str,
    /// After a stop.
    pub stopped: &'static str,
    /// After a finished run.
    pub done: &'static str,
    /// Before the error of a failed run.
    pub failed: &'static str,
    /// Label of the case count.
    pub cases: &'static str,
    /// Label of the data count.
    pub bytes: &'static str,
    /// Label of the time left.
    pub time_left: &'static str,
    /// Label of the re-sealed count.
    pub resealed: &'static str,
    /// Label of the count this key cannot open.
    pub skipped: &'static str,
    /// The inbox's line, after the count.
    pub inbox_notice: &'static str,
}

const EN: ResealTexts = ResealTexts {
    title: "Re-seal stored messages",
    nav: "Re-seal",
    outdated: "cases hold messages or files sealed to an earlier committee list:",
    none_outdated: "Every stored message and file is sealed to the committee list you confirmed.",
    intro: "Re-sealing opens each of those messages and files on this computer and seals it again to the committee list you confirmed (and to the reporter, for what the reporter may read). New members can then read them; removed or replaced keys can no longer open what is stored.",
    copies: "Re-sealing does not reach copies: what a removed member already downloaded, exported or wrote down stays readable to them. It only stops their key from opening what the portal stores.",
    start: "Re-seal now",
    stop: "Stop",
    listing: "Fetching the list of what to re-seal…",
    running: "Re-sealing…",
    stopped: "Stopped. Start again to continue where it stopped.",
    done: "Done.",
    failed: "Stopped by an error:",
    cases: "Cases",
    bytes: "Data",
    time_left: "Time left",
    resealed: "Re-sealed",
    skipped: "Not sealed to your key (from before you joined): another member must re-seal these",
    inbox_notice: "cases are sealed to an earlier committee list.",
};

const NL: ResealTexts = ResealTexts {
    title: "Opgeslagen berichten opnieuw versleutelen",
    nav: "Opnieuw versleutelen",
    outdated: "zaken bevatten berichten of bestanden die versleuteld zijn voor een eerdere commissielijst:",
    none_outdated: "Alle opgeslagen berichten en bestanden zijn versleuteld voor de commissielijst die je bevestigde.",
    intro: "Opnieuw versleutelen opent elk van die berichten en bestanden op deze computer en versleutelt het opnieuw voor de commissielijst die je bevestigde (en voor de melder, voor wat de melder mag lezen). Nieuwe leden kunnen ze dan lezen; verwijderde of vervangen sleutels openen niet meer wat is opgeslagen.",
    copies: "Opnieuw versleutelen bereikt geen kopieën: wat een vertrokken lid al downloadde, exporteerde of opschreef, blijft voor hem of haar leesbaar. Het voorkomt alleen dat hun sleutel opent wat het portaal bewaart.",
    start: "Nu opnieuw versleutelen",
    stop: "Stoppen",
    listing: "De lijst van wat opnieuw versleuteld moet worden wordt opgehaald…",
    running: "Bezig met opnieuw versleutelen…",
    stopped: "Gestopt. Start opnieuw om verder te gaan waar het stopte.",
    done: "Klaar.",
    failed: "Gestopt door een fout:",
    cases: "Zaken",
    bytes: "Gegevens",
    time_left: "Resterende tijd",
    resealed: "Opnieuw versleuteld",
    skipped: "Niet voor jouw sleutel versleuteld (van voor je toetrad): een ander lid moet deze opnieuw versleutelen",
    inbox_notice: "zaken zijn versleuteld voor een eerdere commissielijst.",
};

/// The texts in the desk's language.
pub fn texts(state: &SharedDesk) -> &'static ResealTexts {
    match state.lang {
        Lang::Nl => &NL,
        Lang::En => &EN,
    }
}
