//! English: the privacy statement and withdrawing a report.

use super::super::{PrivacyTexts, StoredTexts, WithdrawTexts};

pub static PRIVACY: PrivacyTexts = PrivacyTexts {
    title: "Privacy statement",
    intro: "This page says what this reporting point keeps, why, for how long and who can read it. It also says what your rights are.",
    controller_heading: "Who is responsible?",
    controller_text: |controller, address| {
        format!(
            "{controller} is responsible for the data of this reporting point. Address: {address}."
        )
    },
    dpo_text: |contact, email| {
        format!(
            "Do you have a question about your data? Contact {contact}: {email}. Never include your pickup code."
        )
    },
    stored_heading: "What we keep",
    stored_intro: "This is everything the reporting point keeps. Each item says how it is kept.",
    stored: StoredTexts {
        report_text: "What you write and the files you send, and the committee's answers. Only the committee can read this, and you with your code.",
        code_derived: "Two values calculated from your pickup code. They let us find your report again. Nobody can get your code back from them.",
        case_workflow: "The reference of your report (such as MP-7K2Q9X), its status, which committee member handles it, and its dates: received, confirmed, feedback, closed and deletion.",
        messages: "Which messages belong to a report, from whom (you or the committee) and on which day. Their content is encrypted.",
        files: "Files in pieces, under random numbers, with a rounded-up size.",
        sessions: "Your session when you have signed in with your code. It is deleted when you sign out or when the session ends.",
        form_tokens: "A random number of each form that was sent, so that a form counts only once. It is deleted after a few hours.",
        withdrawals: "If you withdraw your report: only its reference and the day. This way the committee knows the report was withdrawn on purpose.",
        left_out: "If you leave committee members out: which members. This lets the portal seal your report without their keys. It is deleted with your report.",
        limits: "How busy it was: per day, how many reports we had to turn away because it was too busy, and counters that keep track of our limits. They hold no content and no address.",
        members: "Details of the committee members: name, public key and their sign-in sessions.",
        audit: "A log of what committee members do, with the reference of the report. Never the content, and nothing about you.",
        installation: "Secret keys of the reporting point itself.",
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
        "Your pickup code. Only you have it.",
        "What you write in readable form. It is encrypted before it is stored.",
        "The topics you choose, outside your encrypted report.",
        "Your name or e-mail address. Only if you write them in your report yourself are they in it, encrypted.",
    ],
    basis_heading: "Why are we allowed to do this?",
    basis: &[
        "We use this data to look into concerns about professional secrecy and privacy. That is a legitimate interest (Article 6(1)(f) of the GDPR, in Dutch the AVG).",
        "Do you write down your name or contact details yourself? Then we use them only to contact you, because you ask for that yourself.",
    ],
    retention_heading: "How long do we keep it?",
    retention: |n| {
        vec![
            format!(
                "After your report is closed, we keep everything for {} more days. Then we delete the report, the messages and the files. Your code no longer works after that.",
                n.retention_days
            ),
            "Do you withdraw your report? Then we delete everything at once.".to_owned(),
            format!(
                "Of a withdrawn report we keep the reference and the day for {} days.",
                n.retention_days
            ),
            format!(
                "Your session ends when you sign out, when you do nothing for {}, and after {} in any case.",
                super::duration(n.session_idle_secs),
                super::duration(n.session_max_secs)
            ),
        ]
    },
    readers_heading: "Who can read what?",
    readers: &[
        "Only the committee members can read your report and messages. They do this on their own computers, with their own keys.",
        "Nobody at the server can read the content: no administrator and no hosting company. They only see the status, the dates and roughly how large messages are.",
        "You can read everything with your pickup code.",
    ],
    rights_heading: "Your rights",
    rights_intro: "Under the GDPR (AVG) you may see your data, have it corrected or completed, have it deleted and object. Because you are anonymous, we do not know who you are. So you use your rights with your pickup code:",
    rights_with_code: &[
        "See your data: sign in with your code. You see your report and all messages.",
        "Correct or complete: send the committee a message.",
        "Delete: withdraw your report. We then delete everything at once.",
        "Object, or any other question: send the committee a message.",
    ],
    rights_without_code: "Have you lost your code? Then nobody can find your report, not even us. Your report is deleted when the retention period is over.",
    complaint_heading: "Making a complaint",
    complaint: "Do you disagree with how we handle your data? Then you may complain to the Dutch Data Protection Authority, the Autoriteit Persoonsgegevens.",
    complaint_link: "Autoriteit Persoonsgegevens: autoriteitpersoonsgegevens.nl",
};

pub static WITHDRAW: WithdrawTexts = WithdrawTexts {
    thread_heading: "Withdrawing your report",
    thread_text: "Do you no longer want the committee to have your report? Then you can withdraw it. We then delete everything at once.",
    thread_link: "Withdraw report",
    confirm_title: "Are you sure you want to withdraw your report?",
    confirm_what: &[
        "We delete your report, all messages and all files at once. This cannot be undone.",
        "Your pickup code stops working.",
        "The committee only sees that a report was withdrawn on this day, with its reference. Not what it said.",
        "Has the committee already read or passed on your report? We cannot undo that.",
    ],
    confirm_label: "Yes, I want to withdraw my report and have everything deleted",
    confirm_button: "Withdraw report",
    cancel: "No, back to my report",
    err_not_confirmed: "Tick the box if you really want to withdraw your report.",
    done_title: "Your report has been withdrawn",
    done_text: "Your report, the messages and the files have been deleted. Your code no longer works. Are you on a computer you share with others? Then also close the browser window.",
};
