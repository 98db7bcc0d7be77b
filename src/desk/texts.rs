//! The desk's own texts in Dutch and English. Statuses, reasons and the report's
//! field labels come from the portal's texts, so both sides say the same thing.
//! This file is long because every text is here twice, in Dutch and in English,
//! each with the doc comment that says where it appears.

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
    /// How many cases the inbox shows of all: `{shown}` and `{total}` are replaced.
    pub shown_of: &'static str,
    /// Heading of the error summary above a form.
    pub error_summary_title: &'static str,
    /// Error when no case has the typed reference; `{reference}` is replaced.
    pub no_such_reference: &'static str,
    /// Label of the field that opens a case by its reference.
    pub go_label: &'static str,
    /// Button that opens the case with that reference.
    pub go_button: &'static str,
    /// Label of the inbox's search field.
    pub search_label: &'static str,
    /// Hint under the search field: where it searches, and phrases.
    pub search_hint: &'static str,
    /// Label of the inbox's filter by kind of concern.
    pub filter_concern: &'static str,
    /// Inbox column: the kinds of concern of the report.
    pub col_concern: &'static str,
    /// Inbox column: the municipality the report names.
    pub col_municipality: &'static str,
    /// Inbox column: the first line of what happened.
    pub col_first_line: &'static str,
    /// Inbox column: the language the reporter wrote in.
    pub col_language: &'static str,
    /// Inbox cell when the report does not open with this key.
    pub report_unreadable: &'static str,
    /// The reporter's language: Dutch.
    pub lang_nl: &'static str,
    /// The reporter's language: English.
    pub lang_en: &'static str,
    /// Read after a column header: clicking sorts ascending.
    pub sort_ascending: &'static str,
    /// Read after a column header: clicking sorts descending.
    pub sort_descending: &'static str,
    /// Confirmation after acknowledging receipt.
    pub done_acknowledged: &'static str,
    /// Confirmation after a reply was sent.
    pub done_reply: &'static str,
    /// Confirmation after a note was added.
    pub done_note: &'static str,
    /// Confirmation after a status change; the new status follows.
    pub done_status: &'static str,
    /// Confirmation after closing the case.
    pub done_closed: &'static str,
    /// Confirmation after assigning; the member's name follows.
    pub done_assigned: &'static str,
    /// Confirmation after removing the assignment.
    pub done_unassigned: &'static str,
    /// Error at the reason field: closing needs a reason.
    pub err_reason_required: &'static str,
    /// Error at the status field: not a status the case can get.
    pub err_status_invalid: &'static str,
    /// Error at the assignment field: not an active member.
    pub err_member_invalid: &'static str,
    /// Error at the reply field: no text and no file.
    pub err_reply_empty: &'static str,
    /// Error at the note field: no text.
    pub err_note_empty: &'static str,
    /// Error when the portal refuses an action for a reason the desk cannot name.
    pub err_refused: &'static str,
    /// Error when other members kept writing to the case at the same moment.
    pub err_busy: &'static str,
    /// Error when the report does not open, so the reporter's key is unknown.
    pub err_no_report: &'static str,
    /// Error at the files field: a file could not be sealed.
    pub err_file: &'static str,
    /// Error when the export could not be written.
    pub err_export: &'static str,
    /// Button that shows the reply as the reporter will see it, without sending.
    pub preview_button: &'static str,
    /// Heading of the preview of a reply.
    pub preview_heading: &'static str,
    /// Under the preview: nothing has been sent yet.
    pub preview_hint: &'static str,
    /// Under the preview when files were chosen: they are not kept.
    pub preview_files_again: &'static str,
    /// Label of the reply template choice.
    pub template_label: &'static str,
    /// Button that puts the chosen template in the reply field.
    pub template_button: &'static str,
    /// Where the templates are kept; `{path}` is replaced.
    pub template_hint: &'static str,
    /// Shown when the case has no actions yet.
    pub history_empty: &'static str,
    /// Under the history heading: what it lists, and in which time.
    pub history_hint: &'static str,
    /// History: a reply was sent.
    pub act_reply: &'static str,
    /// History: a note was added.
    pub act_note: &'static str,
    /// History: the status changed; the new status follows.
    pub act_status: &'static str,
    /// History: the assignment changed.
    pub act_assign: &'static str,
    /// History: the case was exported.
    pub act_export: &'static str,
    /// History: an action this desk has no name for; its code follows.
    pub act_other: &'static str,
    /// Under the fingerprint: what to compare it with.
    pub fingerprint_hint: &'static str,
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
    /// Flag on a case whose reporter left one or more members out.
    pub left_out_flag: &'static str,
    /// Heading of the list of cases whose reporter left this member out.
    pub left_out_heading: &'static str,
    /// Under it: what that means for this member.
    pub left_out_intro: &'static str,
    /// On a case page: the members the reporter left out (names follow).
    pub left_out_names: &'static str,
    /// Title of the page for a case that leaves this member out.
    pub left_out_title: &'static str,
    /// Its text.
    pub left_out_text: &'static str,
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
    ack_by: "Acknowledge by",
    feedback_by: "Feedback by",
    withdrawn_heading: "Withdrawn reports",
    withdrawn_intro: "The reporter withdrew these reports. They were deleted with their messages and files; only the reference and the day are left.",
    col_withdrawn_on: "Withdrawn on",
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
    shown_of: "{shown} of {total} cases shown",
    error_summary_title: "There is a problem",
    no_such_reference: "No case has the reference {reference}. Check the reference and try again.",
    go_label: "Open a case by its reference (MP-…)",
    go_button: "Open",
    search_label: "Search in the reports",
    search_hint: "Searches the decrypted reports on this computer; nothing is sent to the portal. Put a phrase in double quotes to find it as written.",
    filter_concern: "Kind of concern",
    col_concern: "Kind of concern",
    col_municipality: "Municipality",
    col_first_line: "First line",
    col_language: "Reporter's language",
    report_unreadable: "The report does not open with your key.",
    lang_nl: "Dutch",
    lang_en: "English",
    sort_ascending: "sort ascending",
    sort_descending: "sort descending",
    done_acknowledged: "Receipt acknowledged.",
    done_reply: "Reply sent. The reporter can read it with their pickup code.",
    done_note: "Note added.",
    done_status: "Status changed to:",
    done_closed: "Case closed.",
    done_assigned: "Case assigned to",
    done_unassigned: "The case is no longer assigned to anyone.",
    err_reason_required: "Choose a reason for closing the case.",
    err_status_invalid: "Choose one of the statuses in the list.",
    err_member_invalid: "Choose an active member from the list.",
    err_reply_empty: "Write a reply or choose a file.",
    err_note_empty: "Write a note.",
    err_refused: "The portal refused this. Reload the case and try again; if it happens again, tell the administrator.",
    err_busy: "Someone else wrote to this case at the same moment. Send it again.",
    err_no_report: "The report of this case does not open with your key, so the desk cannot seal a reply to the reporter.",
    err_file: "A file could not be read or is too large. Choose it again, or leave it out.",
    err_export: "The export could not be written. Check that the export folder exists and that you may write to it.",
    preview_button: "Preview",
    preview_heading: "What the reporter will see",
    preview_hint: "Nothing has been sent yet. Check the text below, then send it.",
    preview_files_again: "Files are not kept for a preview: choose them again before you send.",
    template_label: "Reply template",
    template_button: "Use this template",
    template_hint: "The templates are kept on this computer in {path}. Edit that file to change them.",
    history_empty: "No actions yet.",
    history_hint: "Actions of committee members on this case, in this computer's time. Opening a case is not listed.",
    act_reply: "Reply sent",
    act_note: "Note added",
    act_status: "Status changed to",
    act_assign: "Assignment changed",
    act_export: "Exported",
    act_other: "Other action:",
    fingerprint_hint: "Compare this fingerprint with the one your administrator gave you (they see it with “meldpunt member list”). If they differ, send nothing and contact the administrator.",
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
    left_out_flag: "not for everyone",
    left_out_heading: "Reports you were left out of",
    left_out_intro: "The reporter did not want you to read these reports (they may know you, or the report may concern your work). You see only that they exist; other members handle them.",
    left_out_names: "The reporter left these members out; do not discuss the case with them:",
    left_out_title: "Not for you",
    left_out_text: "The reporter left you out of this case. You see only that it exists; other members handle it.",
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
    ack_by: "Bevestigen uiterlijk",
    feedback_by: "Terugkoppelen uiterlijk",
    withdrawn_heading: "Ingetrokken meldingen",
    withdrawn_intro: "De melder heeft deze meldingen ingetrokken. Ze zijn gewist met hun berichten en bestanden; alleen het kenmerk en de dag zijn over.",
    col_withdrawn_on: "Ingetrokken op",
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
    shown_of: "{shown} van {total} meldingen getoond",
    error_summary_title: "Er is een probleem",
    no_such_reference: "Er is geen melding met kenmerk {reference}. Controleer het kenmerk en probeer het opnieuw.",
    go_label: "Melding openen met kenmerk (MP-…)",
    go_button: "Openen",
    search_label: "Zoeken in de meldingen",
    search_hint: "Zoekt op deze computer in de ontsleutelde meldingen; er gaat niets naar het meldpunt. Zet een zinsdeel tussen dubbele aanhalingstekens om precies dat te vinden.",
    filter_concern: "Soort zorg",
    col_concern: "Soort zorg",
    col_municipality: "Gemeente",
    col_first_line: "Eerste regel",
    col_language: "Taal melder",
    report_unreadable: "De melding gaat niet open met jouw sleutel.",
    lang_nl: "Nederlands",
    lang_en: "Engels",
    sort_ascending: "oplopend sorteren",
    sort_descending: "aflopend sorteren",
    done_acknowledged: "Ontvangst bevestigd.",
    done_reply: "Antwoord verstuurd. De melder kan het lezen met de ophaalcode.",
    done_note: "Notitie toegevoegd.",
    done_status: "Status gewijzigd in:",
    done_closed: "Melding afgesloten.",
    done_assigned: "Melding toegewezen aan",
    done_unassigned: "De melding is aan niemand meer toegewezen.",
    err_reason_required: "Kies een reden om de melding af te sluiten.",
    err_status_invalid: "Kies een van de statussen uit de lijst.",
    err_member_invalid: "Kies een actief lid uit de lijst.",
    err_reply_empty: "Schrijf een antwoord of kies een bestand.",
    err_note_empty: "Schrijf een notitie.",
    err_refused: "Het meldpunt weigerde dit. Laad de melding opnieuw en probeer het nog eens. Gebeurt het weer? Meld het dan aan de beheerder.",
    err_busy: "Iemand anders schreef op hetzelfde moment in deze melding. Verstuur het nog een keer.",
    err_no_report: "De melding gaat niet open met jouw sleutel. Daarom kan het bureau geen antwoord voor de melder versleutelen.",
    err_file: "Een bestand kon niet worden gelezen of is te groot. Kies het opnieuw, of laat het weg.",
    err_export: "Exporteren is niet gelukt. Kijk of de exportmap bestaat en of je erin mag schrijven.",
    preview_button: "Voorbeeld bekijken",
    preview_heading: "Zo ziet de melder je antwoord",
    preview_hint: "Er is nog niets verstuurd. Kijk de tekst hieronder na en verstuur hem dan.",
    preview_files_again: "Bestanden blijven niet bewaard bij een voorbeeld: kies ze opnieuw voordat je verstuurt.",
    template_label: "Sjabloon voor een antwoord",
    template_button: "Sjabloon gebruiken",
    template_hint: "De sjablonen staan op deze computer in {path}. Pas dat bestand aan om ze te veranderen.",
    history_empty: "Nog geen acties.",
    history_hint: "Wat commissieleden met deze melding deden, in de tijd van deze computer. Het openen van een melding staat er niet bij.",
    act_reply: "Antwoord verstuurd",
    act_note: "Notitie toegevoegd",
    act_status: "Status gewijzigd in",
    act_assign: "Toewijzing gewijzigd",
    act_export: "Geëxporteerd",
    act_other: "Andere actie:",
    fingerprint_hint: "Vergelijk deze vingerafdruk met de vingerafdruk die je van de beheerder kreeg (de beheerder ziet hem met “meldpunt member list”). Zijn ze verschillend? Verstuur dan niets en neem contact op met de beheerder.",
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
    left_out_flag: "niet voor iedereen",
    left_out_heading: "Meldingen zonder jou",
    left_out_intro: "De melder wilde niet dat jij deze meldingen leest (de melder kent je misschien, of de melding gaat over jouw werk). Je ziet alleen dat ze bestaan; andere leden behandelen ze.",
    left_out_names: "De melder heeft deze leden uitgesloten; bespreek de melding niet met hen:",
    left_out_title: "Niet voor jou",
    left_out_text: "De melder heeft jou bij deze melding uitgesloten. Je ziet alleen dat ze bestaat; andere leden behandelen haar.",
};
