//! The desk's texts about what it trusts: the committee roster the member
//! confirms, the reporter's key, and the desk's own lock.

/// Texts of the roster pages, the case page's key notices and the lock.
pub struct TrustTexts {
    /// Navigation link to the roster page.
    pub nav_roster: &'static str,
    /// Title of the first confirmation.
    pub confirm_title: &'static str,
    /// What the first confirmation is about.
    pub confirm_intro: &'static str,
    /// Title when the portal's list differs from the pinned one.
    pub changed_title: &'static str,
    /// What a change means and what to do.
    pub changed_intro: &'static str,
    /// Title of the roster page when nothing changed.
    pub current_title: &'static str,
    /// "Confirmed on" (a date follows).
    pub confirmed_on: &'static str,
    /// Column: name.
    pub col_name: &'static str,
    /// Column: key.
    pub col_key: &'static str,
    /// Name shown for a key of the server's recipients file.
    pub unnamed: &'static str,
    /// "Fingerprint".
    pub fingerprint: &'static str,
    /// Fingerprint of the pinned roster.
    pub old_fingerprint: &'static str,
    /// Fingerprint of the portal's new list.
    pub new_fingerprint: &'static str,
    /// How to check the fingerprint, and what to do when it does not match.
    pub compare: &'static str,
    /// Heading: added.
    pub added: &'static str,
    /// Heading: removed.
    pub removed: &'static str,
    /// Heading: new key.
    pub rekeyed: &'static str,
    /// Heading: other name.
    pub renamed: &'static str,
    /// "old key" / "new key" labels.
    pub old_key: &'static str,
    /// See `old_key`.
    pub new_key: &'static str,
    /// Confirm button.
    pub confirm_button: &'static str,
    /// The list changed between showing and confirming.
    pub moved: &'static str,
    /// Saved.
    pub confirmed: &'static str,
    /// Heading of the case page's sealing section.
    pub sealed_heading: &'static str,
    /// The reporter's key came from inside the report.
    pub reporter_verified: &'static str,
    /// A case from before the key was sealed in the report.
    pub reporter_unverified: &'static str,
    /// The portal's reporter key differs from the sealed one.
    pub reporter_mismatch: &'static str,
    /// The portal's list for this case differs from the pinned roster.
    pub roster_mismatch: &'static str,
    /// Unlock page text for an identity without passphrase.
    pub locked_intro: &'static str,
}

/// Dutch.
pub const NL: TrustTexts = TrustTexts {
    nav_roster: "Commissie",
    confirm_title: "Bevestig wie je berichten kan lezen",
    confirm_intro: "Dit bureau versleutelt je antwoorden en notities alleen voor de commissieleden hieronder. Het meldpunt geeft deze lijst op, maar het bureau vertrouwt het meldpunt niet blind: bevestig de lijst één keer. Verandert hij later, dan vraagt het bureau je opnieuw.",
    changed_title: "De commissie is veranderd",
    changed_intro: "Het meldpunt geeft een andere lijst dan die je eerder bevestigde. Tot je de nieuwe lijst bevestigt, versleutelt het bureau niets. Bevestig alleen als de beheerder je over deze verandering heeft verteld.",
    current_title: "Commissie",
    confirmed_on: "Bevestigd op",
    col_name: "Naam",
    col_key: "Sleutel",
    unnamed: "Sleutel uit het ontvangersbestand van de server (bijvoorbeeld een reservesleutel)",
    fingerprint: "Vingerafdruk",
    old_fingerprint: "Vingerafdruk van de bevestigde lijst",
    new_fingerprint: "Vingerafdruk van de nieuwe lijst",
    compare: "Vergelijk de vingerafdruk met die van de beheerder (die ziet hem met meldpunt member list). Komt hij niet overeen, bevestig dan niet: meld je af en neem contact op met de beheerder.",
    added: "Nieuw in de lijst",
    removed: "Niet meer in de lijst",
    rekeyed: "Nieuwe sleutel",
    renamed: "Andere naam",
    old_key: "oude sleutel",
    new_key: "nieuwe sleutel",
    confirm_button: "Klopt, bevestig deze lijst",
    moved: "De lijst veranderde terwijl je hem las. Controleer hem opnieuw.",
    confirmed: "De lijst is bevestigd.",
    sealed_heading: "Voor wie nieuwe berichten worden versleuteld",
    reporter_verified: "De sleutel van de melder komt uit de versleutelde melding zelf.",
    reporter_unverified: "Let op: de sleutel van de melder kon niet worden gecontroleerd. Deze melding is gedaan voordat het meldpunt die sleutel in de melding zelf opnam; antwoorden worden versleuteld voor de sleutel die het meldpunt opgeeft.",
    reporter_mismatch: "Het meldpunt geeft voor deze zaak een andere sleutel van de melder dan in de melding zelf staat. Het bureau versleutelt hier niets. Meld dit aan de beheerder.",
    roster_mismatch: "Het meldpunt geeft voor deze zaak andere ontvangers dan de commissie die je bevestigde. Het bureau versleutelt hier niets.",
    locked_intro: "Het bureau is vergrendeld, omdat je een tijd niets deed of je afmeldde. Ontgrendel om verder te gaan.",
};

/// English.
pub const EN: TrustTexts = TrustTexts {
    nav_roster: "Committee",
    confirm_title: "Confirm who can read your messages",
    confirm_intro: "This desk seals your replies and notes only to the committee members below. The portal supplies this list, but the desk does not trust the portal blindly: confirm the list once. If it changes later, the desk asks you again.",
    changed_title: "The committee has changed",
    changed_intro: "The portal gives a different list from the one you confirmed. Until you confirm the new list, the desk seals nothing. Confirm only if the administrator told you about this change.",
    current_title: "Committee",
    confirmed_on: "Confirmed on",
    col_name: "Name",
    col_key: "Key",
    unnamed: "Key from the server's recipients file (for example a backup key)",
    fingerprint: "Fingerprint",
    old_fingerprint: "Fingerprint of the confirmed list",
    new_fingerprint: "Fingerprint of the new list",
    compare: "Compare the fingerprint with the administrator's (they see it with meldpunt member list). If it does not match, do not confirm: sign out and contact the administrator.",
    added: "Added to the list",
    removed: "No longer in the list",
    rekeyed: "New key",
    renamed: "Other name",
    old_key: "old key",
    new_key: "new key",
    confirm_button: "This matches: confirm this list",
    moved: "The list changed while you were reading it. Check it again.",
    confirmed: "The list is confirmed.",
    sealed_heading: "Who new messages are sealed to",
    reporter_verified: "The reporter's key comes from inside the sealed report.",
    reporter_unverified: "Note: the reporter's key could not be verified. This report was made before the portal sealed that key inside the report itself; replies are sealed to the key the portal gives.",
    reporter_mismatch: "For this case the portal gives a reporter key other than the one sealed in the report. The desk seals nothing here. Tell the administrator.",
    roster_mismatch: "For this case the portal gives recipients other than the committee you confirmed. The desk seals nothing here.",
    locked_intro: "The desk is locked because you were idle for a while or signed out. Unlock it to continue.",
};
