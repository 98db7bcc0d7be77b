//! The workflow of a case: deadlines of EU Directive 2019/1937 as the Dutch Wbk
//! applies them, status changes, and how urgent a case is for the committee.

use time::{Date, Duration, Month};

use super::choices::{CloseReason, Status};

/// Adds calendar months, keeping the day where the month has it and otherwise taking
/// the month's last day (31 January + 1 month = 28 or 29 February).
pub fn add_months(date: Date, months: u32) -> Date {
    let total = date.month() as i32 - 1 + months as i32;
    let year = date.year() + total.div_euclid(12);
    let month = Month::try_from((total.rem_euclid(12) + 1) as u8).expect("1..=12");
    let last = time::util::days_in_month(month, year);
    Date::from_calendar_date(year, month, date.day().min(last)).expect("day clamped to the month")
}

/// Days the committee has to acknowledge a report.
pub const ACKNOWLEDGE_DAYS: i64 = 7;
/// Months after acknowledgement within which the reporter gets feedback.
pub const FEEDBACK_MONTHS: u32 = 3;

/// The day by which a report received on `received` must be acknowledged.
pub fn acknowledge_by(received: Date) -> Date {
    received + Duration::days(ACKNOWLEDGE_DAYS)
}

/// Feedback is due three months after acknowledgement; before acknowledgement the
/// latest possible date counts (three months after the acknowledgement deadline).
pub fn feedback_by(received: Date, acknowledged: Option<Date>) -> Date {
    add_months(
        acknowledged.unwrap_or_else(|| acknowledge_by(received)),
        FEEDBACK_MONTHS,
    )
}

/// The workflow columns of a case after a status change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workflow {
    /// The new status.
    pub status: Status,
    /// Why it was closed, when it is.
    pub close_reason: Option<CloseReason>,
    /// When it was acknowledged (set by the first status after "received").
    pub acknowledged_on: Option<Date>,
    /// When feedback is due.
    pub feedback_due_on: Date,
    /// When it was closed, while it is.
    pub closed_on: Option<Date>,
    /// When a closed case is deleted.
    pub purge_on: Option<Date>,
}

/// Why a status change was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// Closing without a reason.
    #[error("closing a case needs a reason")]
    ReasonRequired,
    /// A reason for a status other than closed.
    #[error("only closing takes a reason")]
    ReasonNotAllowed,
    /// Back to "received", which only a new report is.
    #[error("a case cannot go back to received")]
    BackToReceived,
}

/// Computes the workflow after moving a case to `to` on `today`. Any status after
/// "received" acknowledges the case (if not yet), which fixes the feedback date;
/// closing sets the purge date after the retention period; reopening clears it.
pub fn transition(
    received_on: Date,
    acknowledged_on: Option<Date>,
    to: Status,
    reason: Option<CloseReason>,
    today: Date,
    retention_days: i64,
) -> Result<Workflow, TransitionError> {
    match (to, reason) {
        (Status::Received, _) => return Err(TransitionError::BackToReceived),
        (Status::Closed, None) => return Err(TransitionError::ReasonRequired),
        (s, Some(_)) if s != Status::Closed => return Err(TransitionError::ReasonNotAllowed),
        _ => {}
    }
    let acknowledged_on = Some(acknowledged_on.unwrap_or(today));
    let closed = to == Status::Closed;
    Ok(Workflow {
        status: to,
        close_reason: reason,
        acknowledged_on,
        feedback_due_on: feedback_by(received_on, acknowledged_on),
        closed_on: closed.then_some(today),
        purge_on: closed.then(|| today + Duration::days(retention_days)),
    })
}

/// How pressing a case is for the committee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Urgency {
    /// The deadline has passed.
    Overdue,
    /// Due within seven days.
    DueThisWeek,
    /// Due later than that.
    Later,
    /// Nothing is due: feedback was given or the case is closed.
    Nothing,
}

/// The deadline that applies now: acknowledgement while received, feedback while
/// the committee is working on it, none after feedback or closing.
pub fn next_deadline(status: Status, received_on: Date, feedback_due_on: Date) -> Option<Date> {
    match status {
        Status::Received => Some(acknowledge_by(received_on)),
        Status::Acknowledged | Status::UnderReview | Status::WaitingForReporter => {
            Some(feedback_due_on)
        }
        Status::FeedbackGiven | Status::Closed => None,
    }
}

/// How pressing a deadline is on `today`.
pub fn urgency(deadline: Option<Date>, today: Date) -> Urgency {
    match deadline {
        None => Urgency::Nothing,
        Some(d) if d < today => Urgency::Overdue,
        Some(d) if d <= today + Duration::days(7) => Urgency::DueThisWeek,
        Some(_) => Urgency::Later,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn adding_months_clamps_to_the_end_of_shorter_months() {
        assert_eq!(add_months(date!(2027 - 01 - 31), 1), date!(2027 - 02 - 28));
        assert_eq!(add_months(date!(2028 - 01 - 31), 1), date!(2028 - 02 - 29));
        assert_eq!(add_months(date!(2026 - 11 - 30), 3), date!(2027 - 02 - 28));
        assert_eq!(add_months(date!(2027 - 11 - 30), 3), date!(2028 - 02 - 29));
        assert_eq!(add_months(date!(2026 - 10 - 31), 2), date!(2026 - 12 - 31));
        assert_eq!(add_months(date!(2026 - 12 - 15), 3), date!(2027 - 03 - 15));
        assert_eq!(add_months(date!(2027 - 05 - 31), 1), date!(2027 - 06 - 30));
    }

    #[test]
    fn deadlines_follow_the_directive() {
        let received = date!(2026 - 11 - 28);
        assert_eq!(acknowledge_by(received), date!(2026 - 12 - 05));
        assert_eq!(feedback_by(received, None), date!(2027 - 03 - 05));
        assert_eq!(
            feedback_by(received, Some(date!(2026 - 11 - 30))),
            date!(2027 - 02 - 28)
        );
        // A report on 24 February of a leap year is acknowledged by 2 March.
        assert_eq!(acknowledge_by(date!(2028 - 02 - 24)), date!(2028 - 03 - 02));
        assert_eq!(acknowledge_by(date!(2027 - 12 - 28)), date!(2028 - 01 - 04));
    }

    #[test]
    fn acknowledging_fixes_the_feedback_date_and_closing_needs_a_reason() {
        let received = date!(2027 - 01 - 25);
        let ack = transition(
            received,
            None,
            Status::Acknowledged,
            None,
            date!(2027 - 01 - 31),
            180,
        )
        .unwrap();
        assert_eq!(ack.acknowledged_on, Some(date!(2027 - 01 - 31)));
        assert_eq!(ack.feedback_due_on, date!(2027 - 04 - 30));
        assert_eq!(
            transition(
                received,
                ack.acknowledged_on,
                Status::Closed,
                None,
                date!(2027 - 02 - 01),
                180
            ),
            Err(TransitionError::ReasonRequired)
        );
        assert_eq!(
            transition(
                received,
                None,
                Status::UnderReview,
                Some(CloseReason::OutOfScope),
                date!(2027 - 02 - 01),
                180
            ),
            Err(TransitionError::ReasonNotAllowed)
        );
        let closed = transition(
            received,
            ack.acknowledged_on,
            Status::Closed,
            Some(CloseReason::ReferredToAp),
            date!(2027 - 02 - 01),
            180,
        )
        .unwrap();
        assert_eq!(closed.acknowledged_on, Some(date!(2027 - 01 - 31)));
        assert_eq!(closed.closed_on, Some(date!(2027 - 02 - 01)));
        assert_eq!(closed.purge_on, Some(date!(2027 - 07 - 31)));
        let reopened = transition(
            received,
            closed.acknowledged_on,
            Status::UnderReview,
            None,
            date!(2027 - 03 - 01),
            180,
        )
        .unwrap();
        assert_eq!(
            (reopened.closed_on, reopened.purge_on, reopened.close_reason),
            (None, None, None)
        );
        assert_eq!(
            transition(received, None, Status::Received, None, received, 180),
            Err(TransitionError::BackToReceived)
        );
    }

    #[test]
    fn a_case_not_yet_acknowledged_gets_acknowledged_by_any_later_status() {
        let w = transition(
            date!(2028 - 02 - 22),
            None,
            Status::WaitingForReporter,
            None,
            date!(2028 - 02 - 29),
            30,
        )
        .unwrap();
        assert_eq!(w.acknowledged_on, Some(date!(2028 - 02 - 29)));
        assert_eq!(w.feedback_due_on, date!(2028 - 05 - 29));
    }

    #[test]
    fn overdue_and_due_this_week_follow_the_injected_day() {
        let received = date!(2026 - 11 - 20);
        let ack_deadline = next_deadline(Status::Received, received, date!(2027 - 03 - 01));
        assert_eq!(ack_deadline, Some(date!(2026 - 11 - 27)));
        assert_eq!(
            urgency(ack_deadline, date!(2026 - 11 - 27)),
            Urgency::DueThisWeek
        );
        assert_eq!(
            urgency(ack_deadline, date!(2026 - 11 - 28)),
            Urgency::Overdue
        );
        assert_eq!(urgency(ack_deadline, date!(2026 - 11 - 19)), Urgency::Later);
        assert_eq!(
            urgency(ack_deadline, date!(2026 - 11 - 20)),
            Urgency::DueThisWeek
        );
        let feedback = next_deadline(Status::UnderReview, received, date!(2027 - 02 - 28));
        assert_eq!(
            urgency(feedback, date!(2027 - 02 - 21)),
            Urgency::DueThisWeek
        );
        assert_eq!(urgency(feedback, date!(2027 - 03 - 01)), Urgency::Overdue);
        assert_eq!(
            urgency(
                next_deadline(Status::Closed, received, date!(2027 - 02 - 28)),
                date!(2030 - 01 - 01)
            ),
            Urgency::Nothing
        );
        assert!(Urgency::Overdue < Urgency::DueThisWeek && Urgency::DueThisWeek < Urgency::Later);
    }
}
