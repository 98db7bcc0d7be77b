use super::{
    AUTORITEIT_PERSOONSGEGEVENS, Block, HUIS_VOOR_KLOKKENLUIDERS, Numbers, Referral, Section, Texts,
};

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

/// When a reporter is signed out without doing so: the same sentences wherever the
/// limits are named.
fn session_rule(n: &Numbers) -> String {
    format!(
        "If you do nothing for {}, you are signed out automatically. Even if you are active, you are signed out after {}.",
        duration(n.session_idle_secs),
        duration(n.session_max_secs)
    )
}

pub static EN: Texts = Texts {
    // ---- layout -------------------------------------------------------------
    site_name: "Report a concern about confidentiality and privacy",
    site_tagline: |w| {
        format!(
            "Only the {} of the {} reads what you report here.",
            w.committee, w.organisation
        )
    },
    skip_link: "Skip to content",
    other_language: "Nederlands",
    nav_label: "Main menu",
    nav_home: "Home",
    nav_report: "Report a concern",
    nav_pickup: "Sign in with your code",
    footer_privacy: "We use no cookies unless you sign in with your code. We do not keep IP addresses.",
    title_suffix: " — Confidentiality and privacy concerns",
    footer_privacy_link: "Privacy statement",
    example_banner: "This is an example. The names and details on these pages come from the example profile (site.example.toml). Do not report anything real here.",
    contact_heading: "Would you rather talk to someone?",
    contact_intro: "You can also e-mail, call or write to the committee directly. If you do, you are not anonymous: the committee can see who you are. To report anonymously, use the form.",
    contact_email: "E-mail",
    contact_phone: "Telephone",
    contact_post: "Post",
    privacy: &rights::PRIVACY,
    withdraw: &rights::WITHDRAW,

    // ---- members' notification mail ---------------------------------------------
    notify_subject: "New activity on the reporting portal",
    notify_body: "There is new activity on the reporting portal. Open your desk to read it.",

    // ---- landing page -------------------------------------------------------
    landing_title: "Worried about confidentiality or privacy in social work?",
    landing_intro: "Use this service to report concerns about professional confidentiality (beroepsgeheim) and clients' privacy. For example, a neighbourhood team shares client files with volunteers, or a municipal employee who plays no part in a client's care asks for that client's records. You do not have to give your name.",
    landing_who: |w| Block {
        heading: "Who we are",
        paragraphs: vec![
            format!(
                "This service is run by the {} of the {} ({}). The committee gathers concerns about confidentiality and privacy in social work and looks into them.",
                w.committee, w.organisation, w.organisation_short
            ),
            format!(
                "Anyone can report a concern: social workers, other professionals, volunteers, interns, carers, clients and residents. You do not have to be a member of the {}.",
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
            "listen to what you have to say;".to_owned(),
            "advise you on what you can do;".to_owned(),
            "look into what happened and ask you questions about it;".to_owned(),
            format!("raise the matter with an organisation or with the {} if the committee sees the same problem again and again;", w.organisation_short),
            "publish what it found and what should change, without names and without anyone being identifiable.".to_owned(),
        ],
    }
    },
    landing_cannot: Section {
        heading: "What the committee cannot do",
        paragraphs: &["Before you start, it helps to know that the committee cannot:"],
        items: &[
            "protect you in law, for example against dismissal;",
            "punish anyone or take disciplinary action (that is for the disciplinary board, the tuchtcollege);",
            "make an organisation do or change anything;",
            "help in an emergency;",
            "act as your lawyer.",
        ],
    },
    landing_not_whistleblower: Section {
        heading: "This does not protect you as a whistleblower",
        paragraphs: &[
            "Reporting here is not whistleblowing under the Dutch Whistleblower Protection Act (Wet bescherming klokkenluiders). The law does not protect you as a whistleblower for a report made here, for example against dismissal or other harm at work.",
            "If you want that protection, report to one of these two bodies instead. If you are not sure which one fits, ask the Huis voor Klokkenluiders for advice first.",
        ],
        items: &[],
    },
    landing_referrals: [
        Referral {
            name: "Huis voor Klokkenluiders (Dutch Whistleblowers Authority)",
            what: "gives advice and investigates.",
            url: HUIS_VOOR_KLOKKENLUIDERS,
        },
        Referral {
            name: "Autoriteit Persoonsgegevens (Dutch Data Protection Authority)",
            what: "for a data breach, or when an organisation breaks data protection law.",
            url: AUTORITEIT_PERSOONSGEGEVENS,
        },
    ],
    landing_emergency: Section {
        heading: "Is someone in danger right now?",
        paragraphs: &[
            "This service is not for emergencies. The committee does not read reports straight away; it can take a few days.",
        ],
        items: &[
            "If someone is in immediate danger, call 112.",
            "If you are worried about domestic abuse or child abuse, call Veilig Thuis on 0800 2000. It is free and open day and night.",
        ],
    },
    landing_anonymity: |n| {
        Block {
        heading: "How anonymous is your report?",
        paragraphs: vec![
            "You do not have to give your name. You need no account and no e-mail address.".to_owned(),
            "What this service does: we do not keep IP addresses. Your report and your files are encrypted for the committee. Only the committee can open them, and you with your code. The people who run the website cannot read them.".to_owned(),
            format!("We only use a cookie while you are signed in with your code, so that the service knows it is you. {}", session_rule(n)),
            "Even so, nobody can promise that you will never be identified. That also depends on what you write and how you report. So keep these points in mind:".to_owned(),
        ],
        items: vec![
            "Details in your story can give away who you are, such as a date, a place or something only you know.".to_owned(),
            "Files can hold hidden details, such as your name or where a photo was taken. We remove these from many kinds of file, but not from all.".to_owned(),
            "Do not use a work computer, work phone or work wifi. Your employer may be able to see which websites you visit.".to_owned(),
            "Use a private window in your browser, so that it does not remember you were here.".to_owned(),
            "Use Tor Browser if you can. Then not even your internet provider can see that you visit this website.".to_owned(),
            "You do not need JavaScript. You can switch it off, for example with the 'Safest' setting in Tor Browser.".to_owned(),
        ],
    }
    },
    landing_after: |n| {
        Block {
        heading: "What happens after you report?",
        paragraphs: vec![
            format!("Within {} days, the committee confirms that it has received your report.", n.acknowledge_days),
            format!("Within {} months of that, the committee tells you what it has done with your report, or what it still plans to do.", n.feedback_months),
            "In the meantime, the committee may ask you questions. You read them by signing in with your code. We will not e-mail you, so check back from time to time.".to_owned(),
            format!("When the committee closes your report, we keep it for {} more days and then delete all of it. You can also withdraw your report yourself; we then delete it straight away.", n.retention_days),
        ],
        items: vec![],
    }
    },
    landing_start: "Report a concern",
    landing_have_code: "I already have a code",

    // ---- report form --------------------------------------------------------
    form_title: "Report a concern",
    form_intro: "Tell us in your own words what happened. You can skip any question marked '(optional)'. When you send the form, you get a code.",
    form_reminder_heading: "Protect your clients' privacy too",
    form_reminder: &[
        "Do not name clients.",
        "Do not give dates of birth or citizen service numbers (BSN).",
        "Describe the situation instead, for example 'a client of the neighbourhood team'.",
        "Only name colleagues if you have to.",
    ],
    optional: "(optional)",
    role_legend: "Who are you?",
    role_options: [
        "Social worker",
        "Other professional",
        "Volunteer",
        "Intern",
        "Carer or family member",
        "Client or resident",
        "I prefer not to say",
    ],
    concerns_legend: "What is your concern about?",
    concerns_hint: "Choose as many as apply.",
    concern_options: [
        "Data shared with volunteers",
        "Municipal staff who play no part in a client's care asking for or getting that client's data",
        "Pressure to break confidentiality",
        "Being required or asked to report clients for fraud",
        "Data shared with carers or family without consent",
        "Too much shared in neighbourhood-team meetings or with other organisations",
        "Too much written down in client files",
        "People looking at files or systems they have no right to see",
        "A funder or insurer demanding to see client files",
        "Data shared insecurely, or a data breach",
        "A client not told, or pressed into giving consent",
        "Something else",
    ],
    what_label: "What happened?",
    what_hint: "Tell us what happened and who did what. Describe people by their role, such as 'the team leader' or 'someone from the municipality'. Do not name clients. The fewer details about yourself, the harder it is to identify you.",
    where_legend: "Where did it happen?",
    org_kind_label: "Kind of organisation, for example neighbourhood team, municipality or youth care",
    municipality_label: "Municipality",
    org_name_label: "Name of the organisation",
    when_label: "When did it happen?",
    when_hint: "A month or a period is enough, for example 'March' or 'since the summer'.",
    ongoing_legend: "Is it still happening?",
    ongoing_options: ["Yes", "No", "I don't know"],
    affected_label: "Who is affected?",
    affected_hint: "For example the clients of a team, or a group of residents. Do not give names.",
    elsewhere_label: "Have you reported this anywhere else?",
    elsewhere_hint: "For example to your manager, your organisation's data protection officer (FG) or the Autoriteit Persoonsgegevens. Please also say what happened next.",
    hope_legend: "What would you like from the committee?",
    hope_options: [
        "Just record it, so the committee knows",
        "Advice about what I can do",
        "A conversation with the committee",
    ],
    contact_label: "Your contact details",
    contact_warning: "If you give a name, e-mail address or phone number here, the committee will know who you are. Only do this if you want the committee to contact you. To stay anonymous, leave this empty and read the committee's replies by signing in with your code.",
    submit_button: "Send report",

    // ---- form errors --------------------------------------------------------
    error_summary_title: "There is a problem",
    err_role_missing: "Choose who you are. If you would rather not say, choose 'I prefer not to say'.",
    err_concern_missing: "Choose at least one thing your concern is about.",
    err_what_missing: "Tell us what happened.",
    err_too_long: |max| format!("This text is too long. Use {max} characters at most."),
    err_invalid_choice: "This is not one of the choices. Choose one of the options on the form.",
    form_expired: "The form was open for too long, so your report has not been sent yet. Everything you filled in is still below. Check it and send it again.",
    form_already_sent_title: "This form has already been sent",
    form_already_sent_text: "This form was sent before, and we only store a report once. If you got a code, use it to read your report. If you did not see a code, start a new report.",

    // ---- receipt ------------------------------------------------------------
    receipt_title: "Your report has been sent",
    receipt_intro: "Thank you. We have received your report and stored it encrypted. Only the committee can open it, and you with your code.",
    receipt_code_label: "Your code",
    receipt_keep_safe_heading: "Keep your code safe",
    receipt_keep_safe: &[
        "Write the code down on paper now, or print this page.",
        "Keep the paper where nobody else will find it.",
        "Do not save the code on a computer or phone you share with others, and do not take a screenshot on one.",
        "Do not send the code by e-mail or a chat app, not even to yourself.",
        "Anyone who has this code can read your report and the messages.",
    ],
    receipt_shown_once: "This code is shown only once, here on this page. Nobody can recover it or send it to you again, not even the committee. If you lose it, you can no longer read your report.",
    receipt_retention: |n| {
        format!(
            "When the committee closes your report, we delete it {} days later. Your code then stops working.",
            n.retention_days
        )
    },
    receipt_dates_heading: "When will you hear from us?",
    ack_by_label: "The committee will confirm receipt by",
    feedback_by_label: "The committee will tell you what it has done by",
    receipt_next: "Come back later, choose 'Sign in with your code' and enter your code. You can then read the committee's questions and replies. We will not e-mail you, so check back from time to time.",

    // ---- pickup -------------------------------------------------------------
    pickup_title: "Open your report with your code",
    pickup_intro: |n| {
        format!(
            "If you have already reported a concern, enter your code below. You can then read the committee's messages and send one yourself. While you are signed in, we use one cookie. {}",
            session_rule(n)
        )
    },
    code_label: "Your code",
    code_hint: "The code has 25 characters. Spaces, dashes and upper or lower case do not matter.",
    pickup_button: "Open my report",
    err_code_typo: "The code probably has a typing mistake. Compare it, character by character, with what you wrote down.",
    err_code_format: "This is not a valid code. A code has 25 characters. Check that you copied all of it.",
    err_code_unknown: |n| {
        format!(
            "We cannot find a report with this code. Please check the code. The report may have been deleted: that happens {} days after the committee closes it, or straight away if you withdrew it. The code then no longer works.",
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
        "Outside what the committee deals with",
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
    followup_sent: "Your message has been sent. We have stored it encrypted.",
    err_followup_empty: "Your message is empty. Please write something first.",
    thread_closed_note: |n| {
        format!(
            "This report is closed, so you can no longer send messages. We delete the report {} days after it was closed. If you want to report something else, start a new report.",
            n.retention_days
        )
    },
    signout_button: "Sign out",
    signout_hint: "Sign out when you have finished, especially on a computer you share with others.",
    signed_out_title: "You are signed out",
    signed_out_text: "You are signed out. If you share this computer with others, close the browser window too.",
    session_ended: |n| {
        format!(
            "You are no longer signed in. This happens when you sign out, when you do nothing for {}, and always after {}. Enter your code again to carry on.",
            duration(n.session_idle_secs),
            duration(n.session_max_secs)
        )
    },
    message_unreadable: "This message cannot be shown. Send the committee a message and ask them to send it again.",
    kept_text_label: "Your message that has not been sent",
    kept_text_hint: "This is what you wrote. It has not been sent. Enter your code and your message will be back in the message box, ready to send. If you had chosen files, choose them again.",
    kept_text_notice: "Your message has not been sent yet. It is in the message box below. Check it and select Send message.",
    followup_form_stale: "This form is from an earlier time you were signed in, so your message has not been sent yet. It is still below. Check it and send it again.",
    yes: "Yes",
    no: "No",
    not_given: "(not filled in)",

    // ---- error pages --------------------------------------------------------
    back_home: "Back to the home page",
    not_found_title: "Page not found",
    not_found_text: "This page does not exist. The address may not have been copied correctly.",
    method_title: "This cannot be done here",
    method_text: "This page cannot do that. Go back to the home page and try again.",
    too_large_title: "Too much text",
    too_large_text: "What you sent is too large, and nothing was stored. Shorten your text and try again. Tip: your browser's back button often takes you back to your text.",
    too_many_title: "Too many attempts",
    too_many_text: "There were too many attempts in a short time, and nothing was stored. Wait a few minutes, then try again.",
    busy_title: "Busy: please try again later",
    busy_text: "Too many reports came in this hour, so your report was not stored. Please send it again in an hour.",
    bad_request_title: "We could not read this",
    bad_request_text: "We could not read what you sent. It may have contained unusual characters, or the form was damaged or changed. Nothing was stored. Go back and try again.",
    server_error_title: "Something went wrong",
    server_error_text: "Something went wrong on our side, not yours. Nothing was stored. Please try again later.",
    unavailable_title: "Temporarily unavailable",
    unavailable_text: "This service is not available right now. Nothing was stored. Please try again later.",
    forbidden_title: "Request refused",
    forbidden_text: "This request came from another website, so we refused it. Nothing was stored. Go to this website directly and try again there.",

    files_label: "Files",
    files_warning: &[
        "Files can give away more about you than you might think. A photo can record where it was taken. A document can contain your name or your organisation's.",
        "We remove these hidden details from photos (JPEG, PNG, WebP), Word, Excel and PowerPoint files and PDFs. We cannot do this for other files.",
        "Also check what the file itself shows, such as names in a letter or a screenshot.",
    ],
    files_limits: |files, per_file, total| {
        format!("Up to {files} files, each up to {per_file} MB and {total} MB in total.")
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
    meta_not_checked: "Not checked: we cannot clean this kind of file. It may contain information about you.",
    meta_could_not_check: "Hidden data not removed: this file was damaged, too complex or too unusual to clean, so it was stored as it was. Hidden details in it, such as a name, a place or the time a photo was taken, may point to you, and the committee can see them.",
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
    receipt_code_digits: "Digits are underlined. The code has no O, I, L or U, so a round character is always a zero.",
    exclude_legend: "Should someone on the committee not read your report?",
    exclude_hint: "If you know a committee member personally, or your report is about their work or their organisation, tick their name. They will not be able to read your report, your later messages or the replies; they will only see that a report exists. You do not have to tick anyone. At least one member must be able to read your report.",
    err_exclude_everyone: "You ticked everyone on the committee. Leave at least one member who may read your report.",
    receipt_left_out: "These committee members cannot read your report:",
};
