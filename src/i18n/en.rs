use super::{Block, Numbers, Section, Texts};

mod rights;

/// A configured length of time as people say it: "15 minutes", "2 hours".
fn duration(secs: i64) -> String {
    match secs {
        3600 => "1 hour".to_owned(),
        s if s >= 3600 && s % 3600 == 0 => format!("{} hours", s / 3600),
        60 => "1 minute".to_owned(),
        s if s % 60 == 0 => format!("{} minutes", s / 60),
        1 => "1 second".to_owned(),
        s => format!("{s} seconds"),
    }
}

/// "That session ends ...": the same sentence wherever the session's limits are named.
fn session_rule(n: &Numbers) -> String {
    format!(
        "That session ends when you sign out, when you do nothing for {}, and after {} in any case.",
        duration(n.session_idle_secs),
        duration(n.session_max_secs)
    )
}

pub static EN: Texts = Texts {
    // ---- layout -------------------------------------------------------------
    site_name: "Reporting point for professional secrecy and privacy",
    site_tagline: |w| {
        format!(
            "A reporting point of the {}, {}",
            w.committee, w.organisation
        )
    },
    skip_link: "Skip to content",
    other_language: "Nederlands",
    nav_label: "Main menu",
    nav_home: "Home",
    nav_report: "Make a report",
    nav_pickup: "Use your code",
    footer_privacy: "No cookies, unless you sign in with your code. We do not keep IP addresses.",
    title_suffix: " — Reporting point for professional secrecy and privacy",
    footer_privacy_link: "Privacy statement",
    example_banner: "This is an example. The names and details on these pages come from the example profile (site.example.toml). Do not make a real report here.",
    contact_heading: "Prefer personal contact?",
    contact_intro: "You can also reach the committee directly. Note: you are then not anonymous. Do you want to stay anonymous? Then use the form.",
    contact_email: "E-mail",
    contact_phone: "Telephone",
    contact_post: "Post",
    privacy: &rights::PRIVACY,
    withdraw: &rights::WITHDRAW,

    // ---- members' notification mail ---------------------------------------------
    notify_subject: "New activity on the reporting point",
    notify_body: "There is new activity on the reporting point. Open the desk to read it.",

    // ---- landing page -------------------------------------------------------
    landing_title: "Worried about professional secrecy or privacy in social work?",
    landing_intro: "Here you can report concerns about professional secrecy and the privacy of clients. For example, when a neighbourhood team shares client files with volunteers. Or when someone at the municipality without a care role asks for client data. You stay anonymous.",
    landing_who: |w| Block {
        heading: "Who are we?",
        paragraphs: vec![
            format!(
                "This reporting point belongs to the {} of the {} ({}). The committee collects and looks into concerns about professional secrecy and privacy in social work.",
                w.committee, w.organisation, w.organisation_short
            ),
            format!(
                "Anyone can report here: social workers, other professionals, volunteers, interns, informal carers, clients and residents. You do not need to be a member of the {}.",
                w.organisation_short
            ),
        ],
        items: vec![],
    },
    landing_can: |w| {
        Block {
        heading: "What the committee can do",
        paragraphs: vec!["The committee reads every report. It can:".to_owned()],
        items: vec![
            "listen to your story;".to_owned(),
            "give you advice about what you can do;".to_owned(),
            "look into the matter and ask you questions;".to_owned(),
            format!("talk to an organisation or to the {} when it sees a pattern;", w.organisation_short),
            "publish findings and recommendations, without names and without anyone being recognisable.".to_owned(),
        ],
    }
    },
    landing_cannot: Section {
        heading: "What the committee cannot do",
        paragraphs: &["It is good to know this before you start. The committee cannot:"],
        items: &[
            "give you legal protection, for example against dismissal;",
            "impose sanctions or disciplinary measures (that is the task of the disciplinary board, the tuchtcollege);",
            "force an organisation to do or change something;",
            "give help in an emergency;",
            "act as your lawyer.",
        ],
    },
    landing_not_whistleblower: Section {
        heading: "This is not a whistleblower report",
        paragraphs: &[
            "A report here is not a report under the Dutch Whistleblower Protection Act (Wet bescherming klokkenluiders). So you do not get legal protection as a whistleblower here, for example against dismissal or other harm.",
            "Do you want that protection? Then choose one of these routes. Not sure which route fits you? Ask the Huis voor Klokkenluiders for advice first.",
        ],
        items: &[
            "Huis voor Klokkenluiders (Dutch Whistleblowers Authority): for advice and investigation.",
            "Autoriteit Persoonsgegevens (Dutch Data Protection Authority): for a data breach or a privacy violation.",
        ],
    },
    landing_emergency: Section {
        heading: "Is there danger right now?",
        paragraphs: &[
            "This reporting point is not for emergencies. The committee does not read reports straight away.",
        ],
        items: &[
            "Is there immediate danger? Call 112.",
            "Are you worried about domestic violence or child abuse? Call Veilig Thuis: 0800 2000. It is free, day and night.",
        ],
    },
    landing_anonymity: |n| {
        Block {
        heading: "How you stay anonymous",
        paragraphs: vec![
            "You do not need an account or an e-mail address. We do not keep IP addresses. Your report is stored encrypted. Only the committee can read it, and you with your code.".to_owned(),
            "After you send your report, you get a pickup code of 25 characters. With this code you come back later to read questions and answers. Have you lost the code? Then nobody can get it back.".to_owned(),
        ],
        items: vec![
            "If you can, use your own device and your own network. So not the computer or wifi at work.".to_owned(),
            "Tor Browser helps to hide who you are and where you are.".to_owned(),
            "JavaScript is not needed. You can switch it off.".to_owned(),
            format!("We only use a cookie when you sign in with your code. {}", session_rule(n)),
            "Be careful what you write. Details in your story can show who you are.".to_owned(),
        ],
    }
    },
    landing_after: |n| {
        Block {
        heading: "What happens after you report?",
        paragraphs: vec![
            format!("Within {} days, the committee confirms that it has received your report.", n.acknowledge_days),
            format!("Within {} months after that, you get feedback. You then hear what the committee has done or will do with your report.", n.feedback_months),
            "The committee may ask you questions in between. You read them with your pickup code. The reporting point does not send you e-mails, so check now and then yourself.".to_owned(),
            format!("When your report is closed, we keep it for {} more days. Then we delete everything. You can also withdraw your report yourself before then.", n.retention_days),
        ],
        items: vec![],
    }
    },
    landing_start: "Make a report",
    landing_have_code: "I already have a pickup code",

    // ---- report form --------------------------------------------------------
    form_title: "Make a report",
    form_intro: "Tell us in your own words what happened. Some questions say '(optional)'. You can skip those. After you send the form, you get a pickup code.",
    form_reminder_heading: "Protect the privacy of clients too",
    form_reminder: &[
        "Do not name clients.",
        "Do not write down dates of birth or citizen service numbers (BSN).",
        "Describe the situation instead, for example 'a client of the neighbourhood team'.",
        "Only name colleagues if you really need to.",
    ],
    optional: "(optional)",
    role_legend: "Who are you?",
    role_options: [
        "Social worker",
        "Other professional",
        "Volunteer",
        "Intern",
        "Informal carer or family member",
        "Client or resident",
        "I prefer not to say",
    ],
    concerns_legend: "What is your concern about?",
    concerns_hint: "Choose one or more.",
    concern_options: [
        "Data shared with volunteers",
        "Municipal staff without a care role asking for or receiving client data",
        "Pressure to break professional secrecy",
        "Duty or request to report clients for fraud",
        "Data shared with informal carers or family without consent",
        "Too much shared in neighbourhood-team meetings or with other organisations",
        "Too much recorded in client files",
        "People looking at files or systems when they are not allowed to",
        "Funder or insurer demanding access to files",
        "Data shared in an unsafe way, or a data breach",
        "Client not informed, or consent given under pressure",
        "Something else",
    ],
    what_label: "What happened?",
    what_hint: "Tell us what happened and who did what. Use roles, such as 'the team leader' or 'someone from the municipality'. Do not name clients.",
    where_legend: "Where did it happen?",
    org_kind_label: "Kind of organisation, for example neighbourhood team, municipality or youth care",
    municipality_label: "Municipality",
    org_name_label: "Name of the organisation",
    when_label: "When did it happen?",
    when_hint: "A month or period is enough, for example 'March' or 'since the summer'.",
    ongoing_legend: "Is it still happening?",
    ongoing_options: ["Yes", "No", "I don't know"],
    affected_label: "Who is affected?",
    affected_hint: "For example the clients of a team, or a group of residents. Do not give names.",
    elsewhere_label: "Have you reported this anywhere else?",
    elsewhere_hint: "For example to your manager, the data protection officer (FG) or the Autoriteit Persoonsgegevens. Please also write what happened there.",
    hope_legend: "What would you like from the committee?",
    hope_options: [
        "Only record it, so the committee knows",
        "Advice about what I can do",
        "A conversation with the committee",
    ],
    contact_label: "Your contact details",
    contact_warning: "Please note: if you fill in a name, e-mail address or phone number here, you are no longer anonymous to the committee. Only do this if you want the committee to contact you. Do you want to stay anonymous? Then leave this field empty. You can read the answers with your pickup code.",
    submit_button: "Send report",

    // ---- form errors --------------------------------------------------------
    error_summary_title: "There is a problem",
    err_role_missing: "Choose who you are. Prefer not to say? Then choose 'I prefer not to say'.",
    err_concern_missing: "Choose at least one topic that your concern is about.",
    err_what_missing: "Tell us what happened.",
    err_too_long: |max| format!("This text is too long. Use {max} characters at most."),
    err_invalid_choice: "We do not know this choice. Choose one of the options on the form.",
    form_expired: "The form was open for too long. So your report has not been sent yet. Everything you filled in is still below. Check it and send it again.",
    form_already_sent_title: "This form has already been sent",
    form_already_sent_text: "This form was sent before. We only store a report once. Did you get a pickup code? Then use it to read your report. Did you not see a code? Then start a new report.",

    // ---- receipt ------------------------------------------------------------
    receipt_title: "Your report has been sent",
    receipt_intro: "Thank you. We have received your report and stored it encrypted. Only the committee can read it, and you with your pickup code.",
    receipt_code_label: "Your pickup code",
    receipt_keep_safe_heading: "Keep your code safe",
    receipt_keep_safe: &[
        "Write the code down on paper.",
        "Keep the paper in a place where others cannot find it.",
        "Do not send the code by e-mail or chat app, not even to yourself.",
        "Do not take a screenshot on a computer or phone that you share with others.",
        "Anyone with this code can read your report and the messages.",
    ],
    receipt_no_recovery: "Have you lost the code? Then nobody can find it or send it again, not even the committee. You can then no longer read your report. You can make a new report, though.",
    receipt_dates_heading: "When will you hear from us?",
    ack_by_label: "The committee confirms receipt by",
    feedback_by_label: "You get feedback at the latest by",
    receipt_next: "Come back later through 'Use your code' and enter your code there. You can then read the committee's questions and answers. The reporting point does not send you e-mails, so check now and then yourself.",

    // ---- pickup -------------------------------------------------------------
    pickup_title: "Open your report with your code",
    pickup_intro: |n| {
        format!(
            "Did you make a report before? Then enter your pickup code. You can read the committee's questions and answers, and send a message yourself. After you sign in, we use one cookie. {}",
            session_rule(n)
        )
    },
    code_label: "Pickup code",
    code_hint: "The code has 25 characters. Spaces, dashes, capital letters and small letters do not matter.",
    pickup_button: "Open report",
    err_code_typo: "There is probably a typing mistake in the code. Compare the code character by character with what you wrote down.",
    err_code_format: "This is not a valid code. A code has 25 characters. Check that you copied everything correctly.",
    err_code_unknown: |n| {
        format!(
            "We cannot find a report for this code. Please check the code again. A report is deleted {} days after it is closed, and at once when it is withdrawn. The code then no longer works.",
            n.retention_days
        )
    },

    // ---- thread -------------------------------------------------------------
    thread_title: "Your report and messages",
    status_label: "Status",
    statuses: [
        "Received",
        "Receipt confirmed",
        "Under review",
        "Waiting for your answer",
        "Feedback given",
        "Closed",
    ],
    close_reasons: [
        "Included in the committee's analysis",
        "Referred to the Autoriteit Persoonsgegevens",
        "Referred to the Huis voor Klokkenluiders",
        "Outside the committee's scope",
        "No further response received",
    ],
    close_reason_label: "Reason for closing",
    received_on_label: "Received on",
    acknowledged_on_label: "Receipt confirmed on",
    closed_on_label: "Closed on",
    messages_heading: "Messages",
    author_you: "You",
    author_committee: "The committee",
    message_date_label: "Date",
    report_heading: "Your report",
    followup_heading: "Send a message",
    followup_label: "Your message",
    followup_hint: "Answer the committee's questions here, or add to your report. Do not name clients.",
    followup_button: "Send message",
    followup_sent: "Your message has been sent and stored encrypted.",
    err_followup_empty: "Your message is empty. Please write something first.",
    thread_closed_note: |n| {
        format!(
            "This report is closed. You can no longer send new messages. We delete the report {} days after it was closed. Do you want to report something new? Then make a new report.",
            n.retention_days
        )
    },
    signout_button: "Sign out",
    signout_hint: "Sign out when you are done. Especially on a computer you share with others.",
    signed_out_title: "You are signed out",
    signed_out_text: "You are signed out. Are you using a computer you share with others? Then also close the browser window.",
    session_ended: |n| {
        format!(
            "Your session has ended. This happens when you sign out, when you do nothing for {}, and after {}. Enter your code again to continue.",
            duration(n.session_idle_secs),
            duration(n.session_max_secs)
        )
    },
    message_unreadable: "This message cannot be shown. Ask the committee in a new message to send it again.",
    kept_text_label: "Your message that has not been sent",
    kept_text_hint: "This is what you wrote. It has not been sent. Enter your code: your message will then be back in the message box and you can send it. Had you chosen files? Then choose them again.",
    kept_text_notice: "Your message has not been sent yet. It is in the message box below. Check it and click Send message.",
    followup_form_stale: "This form belongs to an earlier session. So your message has not been sent yet. It is still below. Check it and send it again.",
    yes: "Yes",
    no: "No",
    not_given: "(not filled in)",

    // ---- error pages --------------------------------------------------------
    back_home: "Back to the home page",
    not_found_title: "Page not found",
    not_found_text: "This page does not exist. Maybe the address was not copied correctly.",
    method_title: "This is not possible here",
    method_text: "This page cannot handle this request. Go back to the home page and try again.",
    too_large_title: "Too much text",
    too_large_text: "What you sent is too large. Nothing was stored. Make your text shorter and try again. Tip: use the back button of your browser. Your text is often still there.",
    too_many_title: "Too many attempts",
    too_many_text: "Too many attempts came in within a short time. Nothing was stored. Wait a few minutes and then try again.",
    busy_title: "Busy: please try again later",
    busy_text: "Many reports came in this hour, more than we accept at once. Your report was not stored. Please send it again in an hour.",
    bad_request_title: "We could not read this",
    bad_request_text: "We could not read what you sent. Maybe it contained unusual characters, or the form was damaged or changed. Nothing was stored. Go back and try again.",
    server_error_title: "Something went wrong",
    server_error_text: "Something went wrong on our side. It is not your fault. Nothing was stored. Please try again later.",
    unavailable_title: "Temporarily unavailable",
    unavailable_text: "The reporting point is not available right now. Nothing was stored. Please try again later.",
    forbidden_title: "Request refused",
    forbidden_text: "This request came from another website. That is why we refused it. Nothing was stored. Open the reporting point itself and try again there.",

    files_label: "Files",
    files_warning: &[
        "Files can tell more about you than you think. A photo can hold the place where it was taken. A document can hold your name or your organisation's.",
        "We remove such data from photos (JPEG, PNG, WebP), Word, Excel and PowerPoint files and PDFs. For other files we cannot.",
        "Also look at what the file itself shows, such as names in a letter or in a screenshot.",
    ],
    files_limits: |files, per_file, total| {
        format!("At most {files} files, each at most {per_file} MB, together at most {total} MB.")
    },
    files_choose_again: "Your files have not been sent yet. Choose them again before you send.",
    err_too_many_files: |max| {
        format!("You can send at most {max} files at once. Nothing was stored.")
    },
    err_file_too_large: |mib| format!("A file is larger than {mib} MB. Nothing was stored."),
    err_message_too_large: |mib| {
        format!("The files together are larger than {mib} MB. Nothing was stored.")
    },
    err_upload_failed: "A file could not be received properly. Nothing was stored. Please try again.",
    files_heading: "Files",
    meta_removed: "Removed:",
    meta_nothing_found: "Checked: no hidden data found.",
    meta_not_checked: "Not checked: we cannot clean this kind of file. It may hold information about you.",
    meta_could_not_check: "Hidden data not removed: this file was damaged, too complex or unusual to clean, so it was stored as it was. Hidden data in it (such as a name, a place or the time a photo was taken) may point to you, and the committee can see it.",
    removed_kinds: [
        "EXIF data (with any GPS position)",
        "XMP data",
        "IPTC data",
        "comments",
        "text notes",
        "author",
        "last edited by",
        "organisation",
        "document properties",
        "PDF document information",
    ],
    months: [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    error_prefix: "Error:",
    choose_one: "Choose an answer",
    no_answer: "I'd rather not say",
    summary_keys: [
        "Your role",
        "Topics",
        "What happened",
        "Kind of organisation",
        "Municipality",
        "Organisation",
        "When",
        "Still going on",
        "Who is affected",
        "Reported elsewhere",
        "What you hope for",
        "Contact details",
    ],
    receipt_code_digits: "Digits are underlined. The code has no O and no I, L or U: a round character is always a zero.",
    exclude_legend: "Should someone on the committee not read your report?",
    exclude_hint: "If you know a committee member personally, or your report is about their work or their organisation, tick their name. They will not be able to read your report, your later messages or the replies; they will only see that a report exists. You do not have to tick anyone. At least one member must be able to read your report.",
    err_exclude_everyone: "You ticked everyone on the committee. Leave at least one member who may read your report.",
    receipt_left_out: "These committee members cannot read your report:",
};
