//! English: the privacy statement and withdrawing a report.

use super::super::{PrivacyTexts, StoredTexts, WithdrawTexts};

pub static PRIVACY: PrivacyTexts = PrivacyTexts {
    title: "Privacy statement",
    intro: "This page explains what this service keeps, why, for how long and who can read it. It also explains your rights.",
    controller_heading: "Who is responsible?",
    controller_text: |controller, address| {
        format!("{controller} is responsible for the data this service keeps. Address: {address}.")
    },
    dpo_text: |contact, email| {
        format!(
            "If you have a question about your data, contact {contact}: {email}. Never include your code."
        )
    },
    stored_heading: "What we keep",
    stored_intro: "This is everything this service keeps, and how each item is kept.",
    stored: StoredTexts {
        report_text: "What you write and the files you send, and the committee's answers. Only the committee can read this, and you with your code.",
        code_derived: "Two values calculated from your code, which let us find your report. Nobody can work out your code from them.",
        case_workflow: "The reference of your report (such as MP-7K2Q9X), its status, which committee member handles it, and its dates: received, confirmed, feedback, closed and deletion.",
        messages: "Which messages belong to a report, from whom (you or the committee) and on which day. Their content is encrypted.",
        files: "Files in pieces, under random numbers, with a rounded-up size.",
        sessions: "That you are signed in with your code, for as long as you are. We delete this when you are signed out, whether you sign out yourself or automatically.",
        form_tokens: "A random number of each form that was sent, so that a form counts only once. It is deleted after a few hours.",
        withdrawals: "If you withdraw your report: only its reference and the day. This way the committee knows the report was withdrawn on purpose.",
        left_out: "If you leave committee members out: which members. This lets the portal seal your report without their keys. It is deleted with your report.",
        limits: "How busy it was: per day, how many reports we had to turn away because it was too busy, and counters that keep track of our limits. They hold no content and no address.",
        members: "Details of the committee members: their names, their public keys, and whether they are signed in.",
        audit: "A log of what committee members do, with the reference of the report. Never the content, and nothing about you.",
        installation: "The service's own secret keys.",
        class_ciphertext: "encrypted",
        class_coarse_date: "the day only, no time",
        class_public: "says nothing about who you are",
        class_secret: "calculated from a secret, cannot be turned back",
        class_ephemeral: "a time that is deleted when it is no longer needed",
        class_member_data: "about committee members",
    },
    kept_as: "Kept as:",
    not_stored_heading: "What we do not keep",
    not_stored: &[
        "Your IP address.",
        "Details about your browser or device.",
        "Your code. Only you have it.",
        "What you write in readable form. It is encrypted before it is stored.",
        "The topics you choose, outside your encrypted report.",
        "Your name or e-mail address, unless you write them in your report yourself. They are then encrypted with the rest of it.",
    ],
    basis_heading: "Why are we allowed to do this?",
    basis: &[
        "We use this data to look into concerns about professional secrecy and privacy. That is a legitimate interest (Article 6(1)(f) of the GDPR, in Dutch the AVG).",
        "If you give your name or contact details, we use them only to contact you, because you asked us to.",
    ],
    retention_heading: "How long do we keep it?",
    retention: |n| {
        vec![
            format!(
                "After your report is closed, we keep everything for {} more days. Then we delete the report, the messages and the files. Your code no longer works after that.",
                n.retention_days
            ),
            "If you withdraw your report, we delete everything straight away.".to_owned(),
            format!(
                "For a withdrawn report, we keep only its reference and the day for {} days.",
                n.retention_days
            ),
            format!(
                "You stay signed in with your code until you sign out. {}",
                super::session_rule(n)
            ),
        ]
    },
    readers_heading: "Who can read what?",
    readers: &[
        "Only the committee members can read your report and messages. They do this on their own computers, with their own keys.",
        "Nobody at the server can read the content: no administrator and no hosting company. They only see the status, the dates and roughly how large messages are.",
        "You can read everything with your code.",
    ],
    rights_heading: "Your rights",
    rights_intro: "Under the GDPR (in Dutch, the AVG) you have the right to see your data, to have it corrected or completed, to have it deleted and to object. We do not know who you are, so you use these rights with your code:",
    rights_with_code: &[
        "See your data: sign in with your code. You see your report and all messages.",
        "Correct or complete your data: send the committee a message.",
        "Delete your data: withdraw your report. We then delete everything straight away.",
        "Object, or any other question: send the committee a message.",
    ],
    rights_without_code: "If you lose your code, nobody can find your report, not even us. Your report is then deleted when its time is up, as described above.",
    complaint_heading: "Making a complaint",
    complaint: "If you disagree with how we handle your data, you can complain to the Dutch Data Protection Authority, the Autoriteit Persoonsgegevens.",
    complaint_link: "Autoriteit Persoonsgegevens: www.autoriteitpersoonsgegevens.nl",
};

pub static WITHDRAW: WithdrawTexts = WithdrawTexts {
    thread_heading: "Withdrawing your report",
    thread_text: "If you no longer want the committee to have your report, you can withdraw it. We then delete everything straight away.",
    thread_link: "Withdraw report",
    confirm_title: "Are you sure you want to withdraw your report?",
    confirm_what: &[
        "We delete your report, all messages and all files straight away. This cannot be undone.",
        "Your code stops working.",
        "The committee only sees that a report was withdrawn on this day, with its reference. Not what it said.",
        "If the committee has already read your report or passed it on, we cannot undo that.",
    ],
    confirm_label: "Yes, I want to withdraw my report and have everything deleted",
    confirm_button: "Withdraw report",
    cancel: "No, back to my report",
    err_not_confirmed: "Tick the box if you really want to withdraw your report.",
    done_title: "Your report has been withdrawn",
    done_text: "Your report, the messages and the files have been deleted. Your code no longer works. If you share this computer with others, close the browser window too.",
};
