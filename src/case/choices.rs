//! The choices of the report form and of the workflow: each an enum with a stable
//! key, used in forms and inside sealed messages, and a label in the typed texts.

use serde::{Deserialize, Serialize};

use crate::i18n::Texts;

/// Defines an enum of form choices with a stable key (used in forms and inside
/// sealed messages) and the position of its label in the typed texts.
macro_rules! choices {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $key:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name { $(#[serde(rename = $key)] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn key(self) -> &'static str {
                match self { $($name::$variant => $key),+ }
            }

            pub fn from_key(key: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|c| c.key() == key)
            }

            /// Position in `ALL`, which is also the position of the label in `Texts`.
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

impl Role {
    pub fn label(self, t: &Texts) -> &'static str {
        t.role_options[self.index()]
    }
}
impl Concern {
    pub fn label(self, t: &Texts) -> &'static str {
        t.concern_options[self.index()]
    }
}
impl Ongoing {
    pub fn label(self, t: &Texts) -> &'static str {
        t.ongoing_options[self.index()]
    }
}
impl Hope {
    pub fn label(self, t: &Texts) -> &'static str {
        t.hope_options[self.index()]
    }
}
impl Status {
    pub fn label(self, t: &Texts) -> &'static str {
        t.statuses[self.index()]
    }
}
impl CloseReason {
    pub fn label(self, t: &Texts) -> &'static str {
        t.close_reasons[self.index()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choice_keys_round_trip() {
        for c in Concern::ALL {
            assert_eq!(Concern::from_key(c.key()), Some(*c));
        }
        assert_eq!(Status::from_key("closed"), Some(Status::Closed));
        assert_eq!(Role::from_key("nonsense"), None);
    }
}
