//! Conflicts of interest on the report form: the committee members a reporter may
//! leave out, and the parsing of that choice. The portal then seals the report and
//! everything after it without their keys.

use super::{Field, FieldError};
use crate::http::urlencoded::Pairs;
use crate::i18n::Texts;
use crate::storage::MemberRow;

/// The field each ticked member's id comes in.
pub const EXCLUDE: &str = "exclude";
/// A hidden field right after the list of members and before the file input: files
/// that arrive after it may be sealed at once, to the committee without the members
/// ticked above it. A browser sends fields in the order of the form.
pub const EXCLUSIONS_COMPLETE: &str = "exclusions_complete";

/// A member the reporter can leave out.
#[derive(Debug, Clone)]
pub struct Excludable {
    /// The member's id (the checkbox's value).
    pub id: String,
    /// The name the reporter sees.
    pub name: String,
    /// The member's key, which a left-out case is not sealed to.
    pub recipient: String,
}

/// The active members, who are the ones a report can be sealed to.
pub fn excludable(members: Vec<MemberRow>) -> Vec<Excludable> {
    members
        .into_iter()
        .filter(|m| m.active)
        .map(|m| Excludable {
            id: m.id,
            name: m.name,
            recipient: m.recipient,
        })
        .collect()
}

/// The member ids ticked among `pairs`, each once, in the order sent.
pub fn chosen(pairs: &Pairs) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for (_, v) in pairs.iter().filter(|(n, _)| n == EXCLUDE) {
        if !ids.contains(v) {
            ids.push(v.clone());
        }
    }
    ids
}

/// Whether a member was ticked after the marker, where files sealed at once may
/// already have reached them: such a form is refused, never stored.
pub fn chosen_after_marker(pairs: &Pairs) -> bool {
    pairs
        .iter()
        .position(|(n, _)| n == EXCLUSIONS_COMPLETE)
        .is_some_and(|at| pairs[at..].iter().any(|(n, _)| n == EXCLUDE))
}

/// The members left out: each one an active member, and at least one member left
/// who can read the report.
pub fn parse_left_out<'m>(
    ids: &[String],
    members: &'m [Excludable],
    t: &Texts,
) -> Result<Vec<&'m Excludable>, FieldError> {
    let error = |message: &str| FieldError {
        field: Field::Exclude,
        message: message.to_owned(),
    };
    let left_out = ids
        .iter()
        .map(|id| members.iter().find(|m| &m.id == id))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| error(t.err_invalid_choice))?;
    if !members.is_empty() && left_out.len() >= members.len() {
        return Err(error(t.err_exclude_everyone));
    }
    Ok(left_out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    fn members() -> Vec<Excludable> {
        ["anna", "bert"]
            .iter()
            .map(|n| Excludable {
                id: format!("id-{n}"),
                name: (*n).to_owned(),
                recipient: format!("age1{n}"),
            })
            .collect()
    }

    fn pairs(list: &[(&str, &str)]) -> Pairs {
        list.iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn one_of_two_members_can_be_left_out_but_not_both_nor_a_stranger() {
        let m = members();
        let t = Lang::Nl.texts();
        let one = parse_left_out(&["id-bert".into()], &m, t).unwrap();
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].name, "bert");
        let both = parse_left_out(&["id-anna".into(), "id-bert".into()], &m, t).unwrap_err();
        assert_eq!(both.message, t.err_exclude_everyone);
        let stranger = parse_left_out(&["id-carl".into()], &m, t).unwrap_err();
        assert_eq!(stranger.message, t.err_invalid_choice);
    }

    #[test]
    fn a_member_ticked_after_the_marker_is_noticed_and_one_before_it_is_not() {
        let before = pairs(&[(EXCLUDE, "id-bert"), (EXCLUSIONS_COMPLETE, "1")]);
        let after = pairs(&[(EXCLUSIONS_COMPLETE, "1"), (EXCLUDE, "id-bert")]);
        assert!(!chosen_after_marker(&before));
        assert!(chosen_after_marker(&after));
        assert_eq!(chosen(&pairs(&[(EXCLUDE, "a"), (EXCLUDE, "a")])), ["a"]);
    }
}
