//! The choices of the report form and of the workflow: each an enum with a stable
//! key, used in forms and inside sealed messages, and a label in the typed texts.

use serde::{Deserialize, Serialize};

use crate::i18n::Texts;

/// Defines an enum of form choices with a stable key (used in forms and inside
/// sealed messages) and the list of all its variants in order.
macro_rules! choices {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $key:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $(
                #[doc = concat!("`", $key, "` in forms and sealed messages.")]
                #[serde(rename = $key)]
                $variant
            ),+
        }

        impl $name {
            /// Every variant, in the order forms list them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable key used in forms and inside sealed messages.
            pub fn key(self) -> &'static str {
                match self { $($name::$variant => $key),+ }
            }

            /// The variant with this key, if any.
            pub fn from_key(key: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|c| c.key() == key)
            }

            /// Position in `ALL`, for tallies kept in that order (the desk's
            /// statistics, and its status names, which follow the same order).
            pub fn index(self) -> usize {
                Self::ALL.iter().position(|c| *c == self).expect("every variant is in ALL")
            }
        }
    };
}

choices!(
    /// Who the reporter is.
    Role {
        SocialWorker = "social-worker",
        OtherProfessional = "other-professional",
        Volunteer = "volunteer",
        Intern = "intern",
        InformalCarer = "informal-carer",
        Client = "client",
        PreferNotToSay = "prefer-not-to-say",
    }
);

choices!(
    /// Kinds of concern; the portal never sees which were chosen (they are sealed).
    Concern {
        SharedWithVolunteers = "shared-with-volunteers",
        MunicipalNonCareStaff = "municipal-non-care-staff",
        PressureToBreakSecrecy = "pressure-to-break-secrecy",
        FraudReporting = "fraud-reporting",
        SharedWithFamilyWithoutConsent = "shared-with-family",
        OverSharingInMeetings = "over-sharing-in-meetings",
        ExcessiveRecording = "excessive-recording",
        UnauthorisedAccess = "unauthorised-access",
        FunderOrInsurerAccess = "funder-or-insurer-access",
        InsecureSharingOrBreach = "insecure-sharing-or-breach",
        ClientNotInformed = "client-not-informed",
        Other = "other",
    }
);

choices!(
    /// Whether the situation is still going on.
    Ongoing { Yes = "yes", No = "no", Unknown = "unknown" }
);

choices!(
    /// What the reporter hopes for.
    Hope { RegisterOnly = "register-only", Advice = "advice", Conversation = "conversation" }
);

choices!(
    /// Where a case is in the workflow.
    Status {
        Received = "received",
        Acknowledged = "acknowledged",
        UnderReview = "under-review",
        WaitingForReporter = "waiting-for-reporter",
        FeedbackGiven = "feedback-given",
        Closed = "closed",
    }
);

choices!(
    /// Why a case was closed.
    CloseReason {
        TakenIntoAnalysis = "taken-into-analysis",
        ReferredToAp = "referred-ap",
        ReferredToHvk = "referred-hvk",
        OutOfScope = "out-of-scope",
        NoResponse = "no-response",
    }
);

// Each label is named where it is taken from the texts (in the order their field
// documents) and chosen by a match on the variant, so the order of the variants
// above is free and a new variant does not compile until it has a label.

impl Role {
    /// What the form and the thread call this role, in the reader's language.
    pub fn label(self, t: &Texts) -> &'static str {
        let [
            social_worker,
            other_professional,
            volunteer,
            intern,
            informal_carer,
            client,
            unsaid,
        ] = t.role_options;
        match self {
            Role::SocialWorker => social_worker,
            Role::OtherProfessional => other_professional,
            Role::Volunteer => volunteer,
            Role::Intern => intern,
            Role::InformalCarer => informal_carer,
            Role::Client => client,
            Role::PreferNotToSay => unsaid,
        }
    }
}

impl Concern {
    /// What the form and the thread call this concern, in the reader's language.
    pub fn label(self, t: &Texts) -> &'static str {
        let [
            volunteers,
            municipal,
            pressure,
            fraud,
            family,
            meetings,
            recording,
            access,
            funder,
            breach,
            not_informed,
            other,
        ] = t.concern_options;
        match self {
            Concern::SharedWithVolunteers => volunteers,
            Concern::MunicipalNonCareStaff => municipal,
            Concern::PressureToBreakSecrecy => pressure,
            Concern::FraudReporting => fraud,
            Concern::SharedWithFamilyWithoutConsent => family,
            Concern::OverSharingInMeetings => meetings,
            Concern::ExcessiveRecording => recording,
            Concern::UnauthorisedAccess => access,
            Concern::FunderOrInsurerAccess => funder,
            Concern::InsecureSharingOrBreach => breach,
            Concern::ClientNotInformed => not_informed,
            Concern::Other => other,
        }
    }
}

impl Ongoing {
    /// The answer as the form words it, in the reader's language.
    pub fn label(self, t: &Texts) -> &'static str {
        let [yes, no, unknown] = t.ongoing_options;
        match self {
            Ongoing::Yes => yes,
            Ongoing::No => no,
            Ongoing::Unknown => unknown,
        }
    }
}

impl Hope {
    /// The answer as the form words it, in the reader's language.
    pub fn label(self, t: &Texts) -> &'static str {
        let [register_only, advice, conversation] = t.hope_options;
        match self {
            Hope::RegisterOnly => register_only,
            Hope::Advice => advice,
            Hope::Conversation => conversation,
        }
    }
}

impl Status {
    /// The status as the reporter's thread shows it, in the reader's language.
    pub fn label(self, t: &Texts) -> &'static str {
        let [
            received,
            acknowledged,
            under_review,
            waiting,
            feedback_given,
            closed,
        ] = t.statuses;
        match self {
            Status::Received => received,
            Status::Acknowledged => acknowledged,
            Status::UnderReview => under_review,
            Status::WaitingForReporter => waiting,
            Status::FeedbackGiven => feedback_given,
            Status::Closed => closed,
        }
    }
}

impl CloseReason {
    /// Why the case was closed, as the reporter's thread says it.
    pub fn label(self, t: &Texts) -> &'static str {
        let [analysis, ap, hvk, out_of_scope, no_response] = t.close_reasons;
        match self {
            CloseReason::TakenIntoAnalysis => analysis,
            CloseReason::ReferredToAp => ap,
            CloseReason::ReferredToHvk => hvk,
            CloseReason::OutOfScope => out_of_scope,
            CloseReason::NoResponse => no_response,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_choice_has_its_own_label_in_both_languages() {
        use crate::i18n::Lang;
        for lang in [Lang::Nl, Lang::En] {
            let t = lang.texts();
            let labels: Vec<&str> = Role::ALL.iter().map(|c| c.label(t)).collect();
            assert_eq!(labels, t.role_options);
            let labels: Vec<&str> = Concern::ALL.iter().map(|c| c.label(t)).collect();
            assert_eq!(labels, t.concern_options);
            let labels: Vec<&str> = Ongoing::ALL.iter().map(|c| c.label(t)).collect();
            assert_eq!(labels, t.ongoing_options);
            let labels: Vec<&str> = Hope::ALL.iter().map(|c| c.label(t)).collect();
            assert_eq!(labels, t.hope_options);
            let labels: Vec<&str> = Status::ALL.iter().map(|c| c.label(t)).collect();
            assert_eq!(labels, t.statuses);
            let labels: Vec<&str> = CloseReason::ALL.iter().map(|c| c.label(t)).collect();
            assert_eq!(labels, t.close_reasons);
        }
    }

    #[test]
    fn choice_keys_round_trip() {
        for c in Concern::ALL {
            assert_eq!(Concern::from_key(c.key()), Some(*c));
        }
        assert_eq!(Status::from_key("closed"), Some(Status::Closed));
        assert_eq!(Role::from_key("nonsense"), None);
    }
}
