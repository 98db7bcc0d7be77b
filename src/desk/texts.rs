//! The desk's own texts in Dutch and English. Statuses, reasons and the report's
//! field labels come from the portal's texts, so both sides say the same thing.

/// The desk's texts in one language: page titles, labels, buttons, hints and
/// errors of its own pages.
pub struct DeskTexts {
    /// Name of the desk, after the page title and as the site name in the header.
    pub desk_name: &'static str,
    /// Status names as the committee says them, in `Status` order.
    pub statuses: [&'static str; 6],
    /// Navigation link to the list of cases.
    pub nav_inbox: &'static str,
    /// Navigation link to the statistics page.
    pub nav_stats: &'static str,
    /// Button that signs out and locks the identity.
    pub sign_out: &'static str,
    /// "Signed in as" before the member's name in the header.
    pub signed_in_as: &'static str,
    /// Title of the unlock page (also of the page shown when the portal refuses
    /// the key).
    pub unlock_title: &'static str,
    /// Intro of the unlock page when the identity file has a passphrase: it and the
    /// key stay on this computer.
    pub unlock_intro: &'static str,
    /// Label of the passphrase field.
    pub passphrase_label: &'static str,
    /// Button that unlocks the identity and signs in.
    pub unlock_button: &'static str,
    /// Error when the passphrase does not open the identity file.
    pub err_passphrase: &'static str,
    /// Error when the portal does not accept the key (not an active member).
    pub err_sign_in: &'static str,
    /// Title of the list of cases.
    pub inbox_title: &'static str,
    /// Label of the inbox's status filter.
    pub filter_status: &'static str,
    /// Label of the inbox's assignee filter.
    pub filter_assignee: &'static str,
    /// Filter option that does not filter (any status, anyone assigned or not).
    pub any: &'static str,
    /// Option for no member: unassigned cases in the filter, no assignee on the
    /// case page.
    pub nobody: &'static str,
    /// Button that applies the inbox's filters.
    pub filter_button: &'static str,
    /// Inbox column: the case's reference.
    pub col_reference: &'static str,
    /// Inbox column, and label on the case page: the case's status.
    pub col_status: &'static str,
    /// Inbox column: the day the report came in.
    pub col_received: &'static str,
    /// Inbox column: the next deadline.
    pub col_deadline: &'static str,
    /// Inbox column: the member the case is assigned to.
    pub col_assigned: &'static str,
    /// Inbox column: the reporter's messages the committee has not read yet.
    pub col_unread: &'static str,
    /// Flag on a case whose next deadline has passed.
    pub overdue: &'static str,
    /// Flag on a case whose next deadline falls within a week.
    pub due_this_week: &'static str,
    /// Shown instead of the list when no case matches the filters.
    pub no_cases: &'static str,
    /// Heading of the list of withdrawn cases.
    pub withdrawn_heading: &'static str,
    /// Under it: the reporter withdrew these; they were deleted with everything in
    /// them, only the reference and the day are left.
    pub withdrawn_intro: &'static str,
    /// Column: the day a case was withdrawn.
    pub col_withdrawn_on: &'static str,
    /// "Acknowledge by" before the deadline of a case not yet acknowledged.
    pub ack_by: &'static str,
    /// "Feedback by" before the deadline for feedback to the reporter.
    pub feedback_by: &'static str,
    /// Title of the case page; the reference follows.
    pub case_title: &'static str,
    /// Case page: label of the day the report came in.
    pub received_on: &'static str,
    /// Case page: label of the day receipt was acknowledged.
    pub acknowledged_on: &'static str,
    /// Case page: label of the day the case was closed.
    pub closed_on: &'static str,
    /// Case page: label of the reason the case was closed.
    pub close_reason: &'static str,
    /// Case page: label of the member the case is assigned to.
    pub assigned: &'static str,
    /// Heading of the messages exchanged with the reporter.
    pub thread_heading: &'static str,
    /// Heading of the internal notes and the form that adds one.
    pub notes_heading: &'static str,
    /// Shown under the notes heading when the case has no notes.
    pub no_notes: &'static str,
    /// Author shown on the reporter's messages.
    pub author_reporter: &'static str,
    /// Author shown on a member's message when the member is unknown.
    pub author_unknown_member: &'static str,
    /// Shown in place of a message not sealed to this member's key.
    pub not_for_me: &'static str,
    /// Shown in place of a message that cannot be opened; the reason follows.
    pub message_unreadable: &'static str,
    /// Button that acknowledges receipt of a new case.
    pub acknowledge_button: &'static str,
    /// Heading of the form that changes the status.
    pub status_heading: &'static str,
    /// Label of the new status field.
    pub status_label: &'static str,
    /// Label of the reason for closing field.
    pub reason_label: &'static str,
    /// Option for no reason for closing.
    pub reason_none: &'static str,
    /// Button that changes the status.
    pub status_button: &'static str,
    /// Heading of the form that assigns the case.
    pub assign_heading: &'static str,
    /// Label of the member to assign the case to.
    pub assign_label: &'static str,
    /// Button that assigns the case.
    pub assign_button: &'static str,
    /// Heading of the form that replies to the reporter.
    pub reply_heading: &'static str,
    /// Label of the reply's text field.
    pub reply_label: &'static str,
    /// Hint under the reply field: who reads it and that it is encrypted here.
    pub reply_hint: &'static str,
    /// Button that seals and sends the reply.
    pub reply_button: &'static str,
    /// Heading for an internal note; no page shows it at present (the note form
    /// sits under `notes_heading`).
    pub note_heading: &'static str,
    /// Label of the internal note's text field.
    pub note_label: &'static str,
    /// Hint under the note field: only the committee reads notes.
    pub note_hint: &'static str,
    /// Button that seals and adds the note.
    pub note_button: &'static str,
    /// Heading of the export section.
    pub export_heading: &'static str,
    /// What an export writes, and where.
    pub export_hint: &'static str,
    /// Button that exports the case.
    pub export_button: &'static str,
    /// Notice after an export; the directory follows.
    pub exported_to: &'static str,
    /// Heading of the case's history (the portal's audit entries about it).
    pub history_heading: &'static str,
    /// Caption for the recipients new messages are sealed to; no page shows it at
    /// present.
    pub sealed_to: &'static str,
    /// Notice after an action succeeded.
    pub saved: &'static str,
    /// Error when a reply or note has neither text nor files.
    pub err_empty: &'static str,
    /// Error when the portal refuses an action (its message follows) or a form
    /// value is not valid.
    pub err_action: &'static str,
    /// Title of the statistics page.
    pub stats_title: &'static str,
    /// Where the statistics are computed, and what the portal does not learn.
    pub stats_intro: &'static str,
    /// Caption of the table of cases per status.
    pub per_status: &'static str,
    /// Caption of the table of cases per kind of concern.
    pub per_concern: &'static str,
    /// Caption of the table of cases per month received.
    pub per_month: &'static str,
    /// Caption of the table of days until receipt was acknowledged.
    pub time_to_ack: &'static str,
    /// Row of that table: the number of acknowledged cases it counts.
    pub cases: &'static str,
    /// Row of that table: the average number of days.
    pub average_days: &'static str,
    /// Row of that table: the longest number of days.
    pub longest_days: &'static str,
    /// Caption of the table of days on which the portal was too busy for reports.
    pub flood_caption: &'static str,
    /// Said when there was no such day.
    pub flood_none: &'static str,
    /// Header of its count column.
    pub flood_refused: &'static str,
    /// Title of the page after signing out.
    pub signed_out_title: &'static str,
    /// Text of the page after signing out: the key is locked.
    pub signed_out_text: &'static str,
    /// Title of the page for a request the desk refuses.
    pub forbidden_title: &'static str,
    /// Text of that page: open the desk with the link from the terminal.
    pub forbidden_text: &'static str,
    /// Title of the not-found page.
    pub not_found_title: &'static str,
    /// Title of the page shown when a portal request fails; the error follows.
    pub portal_error_title: &'static str,
    /// Shown instead of the reply form on a closed case.
    pub closed_no_reply: &'static str,
    /// Navigation link to the notification setting.
    pub nav_notify: &'static str,
    /// Title of the notification page.
    pub notify_title: &'static str,
    /// What a notification says and does not say, and that the address is stored.
    pub notify_intro: &'static str,
    /// Before the address notifications go to now.
    pub notify_current: &'static str,
    /// Said when there is no address.
    pub notify_none: &'static str,
    /// Label of the address field.
    pub notify_email_label: &'static str,
    /// Button that saves the address.
    pub notify_save: &'static str,
    /// Button that stops notifications.
    pub notify_stop: &'static str,
    /// Shown after saving.
    pub notify_saved: &'static str,
    /// Shown after stopping.
    pub notify_stopped: &'static str,
    /// Error for an address that is not one.
    pub notify_bad_email: &'static str,
}

pub static EN: DeskTexts = DeskTexts {
    desk_name: "meldpunt desk",
    statuses: [
        "Received",
        "Acknowledged",
        "Under review",
        "Waiting for reporter",
        "Feedback given",
        "Closed",
    ],
    nav_inbox: "Cases",
    nav_stats: "Statistics",
    sign_out: "Sign out and lock",
    signed_in_as: "Signed in as",
    unlock_title: "Unlock your key",
    unlock_intro: "Your identity file is protected with a passphrase. The passphrase and the key stay on this computer; the portal never sees them.",
    passphrase_label: "Passphrase",
    unlock_button: "Unlock",
    err_passphrase: "This passphrase does not open the identity file.",
    err_sign_in: "The portal did not accept this key. Ask the administrator whether you are an active member.",
    inbox_title: "Cases",
    filter_status: "Status",
    filter_assignee: "Assigned to",
    any: "Any",
    nobody: "Nobody",
    filter_button: "Show",
    col_reference: "Reference",
    col_status: "Status",
    col_received: "Received",
    col_deadline: "Next deadline",
    col_assigned: "Assigned to",
    col_unread: "Unread messages",
    overdue: "Overdue",
    due_this_week: "Due this week",
    no_cases: "No cases match.",
    withdrawn_heading: "Withdrawn reports",
    withdrawn_intro: "The reporter withdrew these reports. They were deleted with their messages and files; only the reference and the day are left.",
    col_withdrawn_on: "Withdrawn on",
    ack_by: "acknowledge by",
    feedback_by: "feedback by",
    case_title: "Case",
    received_on: "Received on",
    acknowledged_on: "Acknowledged on",
    closed_on: "Closed on",
    close_reason: "Reason for closing",
    assigned: "Assigned to",
    thread_heading: "Messages with the reporter",
    notes_heading: "Internal notes (committee only)",
    no_notes: "No internal notes yet.",
    author_reporter: "Reporter",
    author_unknown_member: "Committee member",
    not_for_me: "This message was not sealed to your key (it was written before you joined the committee).",
    message_unreadable: "This message cannot be opened: it may have been altered or moved in the portal's database. The reporter sees a notice in its place",
    acknowledge_button: "Acknowledge receipt",
    status_heading: "Status",
    status_label: "New status",
    reason_label: "Reason (needed when closing)",
    reason_none: "No reason",
    status_button: "Change status",
    assign_heading: "Assignment",
    assign_label: "Assign to",
    assign_button: "Assign",
    reply_heading: "Reply to the reporter",
    reply_label: "Your reply",
    reply_hint: "The reporter reads this with their pickup code. It is encrypted on this computer before it is sent.",
    reply_button: "Send reply",
    note_heading: "Internal note",
    note_label: "Note for the committee",
    note_hint: "Only committee members can read notes; the reporter never sees them.",
    note_button: "Add note",
    export_heading: "Export",
    export_hint: "Writes the case as .age files with a manifest to the export folder on this computer. The files stay encrypted.",
    export_button: "Export case",
    exported_to: "Exported to",
    history_heading: "History",
    sealed_to: "New messages are sealed to these recipients",
    saved: "Done.",
    err_empty: "Write something first.",
    err_action: "The portal refused this",
    stats_title: "Statistics",
    stats_intro: "Computed on this computer after decryption; the portal never learns the kinds of concern.",
    per_status: "Cases per status",
    per_concern: "Cases per kind of concern",
    per_month: "Cases per month received",
    time_to_ack: "Time to acknowledge",
    cases: "Cases",
    average_days: "Average (days)",
    longest_days: "Longest (days)",
    flood_caption: "Reports refused because the portal was busy (report ceiling per hour reached)",
    flood_none: "The portal has not refused any report for being busy in the last 92 days.",
    flood_refused: "Refused",
    signed_out_title: "Signed out",
    signed_out_text: "You are signed out and the key is locked. You can close this window and stop the desk.",
    forbidden_title: "Not allowed",
    forbidden_text: "Open the desk with the link printed in the terminal where you started it.",
    not_found_title: "Not found",
    portal_error_title: "The portal could not be reached",
    closed_no_reply: "The case is closed; reopen it to reply.",
    nav_notify: "Notifications",
    notify_title: "E-mail about new activity",
    notify_intro: "The portal can send you one e-mail a day after reporters have written something new. It only says that there is new activity: never which case, how much or when. It comes at a fixed hour, the day after. Your address is stored on the portal.",
    notify_current: "Notifications go to",
    notify_none: "You get no notifications.",
    notify_email_label: "E-mail address",
    notify_save: "Save",
    notify_stop: "Stop notifications",
    notify_saved: "Saved. The portal sends e-mail only when its administrator has set that up.",
    notify_stopped: "Stopped. The portal has removed your address.",
    notify_bad_email: "That is not a valid e-mail address.",
};

pub static NL: DeskTexts = DeskTexts {
    desk_name: "meldpunt bureau",
    statuses: [
        "Ontvangen",
        "Bevestigd",
        "In behandeling",
        "Vraag aan melder",
        "Teruggekoppeld",
        "Afgesloten",
    ],
    nav_inbox: "Meldingen",
    nav_stats: "Cijfers",
    sign_out: "Uitloggen en vergrendelen",
    signed_in_as: "Ingelogd als",
    unlock_title: "Ontgrendel je sleutel",
    unlock_intro: "Je identiteitsbestand is beveiligd met een wachtwoordzin. De wachtwoordzin en de sleutel blijven op deze computer; het meldpunt ziet ze nooit.",
    passphrase_label: "Wachtwoordzin",
    unlock_button: "Ontgrendelen",
    err_passphrase: "Met deze wachtwoordzin gaat het identiteitsbestand niet open.",
    err_sign_in: "Het meldpunt accepteert deze sleutel niet. Vraag de beheerder of je actief lid bent.",
    inbox_title: "Meldingen",
    filter_status: "Status",
    filter_assignee: "Toegewezen aan",
    any: "Alle",
    nobody: "Niemand",
    filter_button: "Tonen",
    col_reference: "Kenmerk",
    col_status: "Status",
    col_received: "Ontvangen",
    col_deadline: "Volgende termijn",
    col_assigned: "Toegewezen aan",
    col_unread: "Ongelezen berichten",
    overdue: "Te laat",
    due_this_week: "Deze week",
    no_cases: "Geen meldingen gevonden.",
    withdrawn_heading: "Ingetrokken meldingen",
    withdrawn_intro: "De melder heeft deze meldingen ingetrokken. Ze zijn gewist met hun berichten en bestanden; alleen het kenmerk en de dag zijn over.",
    col_withdrawn_on: "Ingetrokken op",
    ack_by: "bevestigen uiterlijk",
    feedback_by: "terugkoppelen uiterlijk",
    case_title: "Melding",
    received_on: "Ontvangen op",
    acknowledged_on: "Bevestigd op",
    closed_on: "Afgesloten op",
    close_reason: "Reden van afsluiten",
    assigned: "Toegewezen aan",
    thread_heading: "Berichten met de melder",
    notes_heading: "Interne notities (alleen de commissie)",
    no_notes: "Nog geen interne notities.",
    author_reporter: "Melder",
    author_unknown_member: "Commissielid",
    not_for_me: "Dit bericht is niet versleuteld voor jouw sleutel (het is geschreven voordat je lid van de commissie werd).",
    message_unreadable: "Dit bericht kan niet worden geopend: het is misschien veranderd of verplaatst in de database van het portaal. De melder ziet op deze plek een melding",
    acknowledge_button: "Ontvangst bevestigen",
    status_heading: "Status",
    status_label: "Nieuwe status",
    reason_label: "Reden (nodig bij afsluiten)",
    reason_none: "Geen reden",
    status_button: "Status wijzigen",
    assign_heading: "Toewijzing",
    assign_label: "Toewijzen aan",
    assign_button: "Toewijzen",
    reply_heading: "Antwoord aan de melder",
    reply_label: "Je antwoord",
    reply_hint: "De melder leest dit met de ophaalcode. Het wordt op deze computer versleuteld voordat het verstuurd wordt.",
    reply_button: "Antwoord versturen",
    note_heading: "Interne notitie",
    note_label: "Notitie voor de commissie",
    note_hint: "Alleen commissieleden kunnen notities lezen; de melder ziet ze nooit.",
    note_button: "Notitie toevoegen",
    export_heading: "Exporteren",
    export_hint: "Schrijft de melding als .age-bestanden met een overzicht naar de exportmap op deze computer. De bestanden blijven versleuteld.",
    export_button: "Melding exporteren",
    exported_to: "Geëxporteerd naar",
    history_heading: "Geschiedenis",
    sealed_to: "Nieuwe berichten worden versleuteld voor deze ontvangers",
    saved: "Gedaan.",
    err_empty: "Schrijf eerst iets.",
    err_action: "Het meldpunt weigerde dit",
    stats_title: "Cijfers",
    stats_intro: "Berekend op deze computer na ontsleutelen; het meldpunt weet nooit over welke soorten zorgen meldingen gaan.",
    per_status: "Meldingen per status",
    per_concern: "Meldingen per soort zorg",
    per_month: "Meldingen per maand van ontvangst",
    time_to_ack: "Tijd tot bevestiging",
    cases: "Meldingen",
    average_days: "Gemiddeld (dagen)",
    longest_days: "Langst (dagen)",
    flood_caption: "Meldingen geweigerd omdat het meldpunt te druk was (maximum per uur bereikt)",
    flood_none: "Het meldpunt heeft de afgelopen 92 dagen geen melding geweigerd omdat het te druk was.",
    flood_refused: "Geweigerd",
    signed_out_title: "Uitgelogd",
    signed_out_text: "Je bent uitgelogd en de sleutel is vergrendeld. Je kunt dit venster sluiten en het bureau stoppen.",
    forbidden_title: "Niet toegestaan",
    forbidden_text: "Open het bureau met de link die in de terminal staat waar je het startte.",
    not_found_title: "Niet gevonden",
    portal_error_title: "Het meldpunt is niet bereikbaar",
    closed_no_reply: "De melding is afgesloten; heropen haar om te antwoorden.",
    nav_notify: "E-mailbericht",
    notify_title: "E-mail bij nieuwe activiteit",
    notify_intro: "Het meldpunt kan je één e-mail per dag sturen als melders iets nieuws hebben geschreven. Daarin staat alleen dát er iets nieuws is: nooit welke melding, hoeveel of wanneer. De e-mail komt op een vast uur, de dag erna. Je adres wordt bewaard op het meldpunt.",
    notify_current: "Berichten gaan naar",
    notify_none: "Je krijgt geen berichten.",
    notify_email_label: "E-mailadres",
    notify_save: "Opslaan",
    notify_stop: "Geen berichten meer",
    notify_saved: "Opgeslagen. Het meldpunt stuurt alleen e-mail als de beheerder dat heeft ingesteld.",
    notify_stopped: "Gestopt. Het meldpunt heeft je adres gewist.",
    notify_bad_email: "Dat is geen geldig e-mailadres.",
};
