//! Counters: the report ceiling's refusals per day, and the limits and cycles that
//! several portal instances on one database share (the `shared_counters` rows).
//! Each shared step is one conditional `update`, so two instances racing for the
//! last place are serialised by the row lock and only one gets it.

use sqlx::any::AnyQueryResult;
use time::Date;

use super::{Result, Storage, day, parse_day};

/// A statement on `shared_counters` that every POST or report may run.
type CounterStep<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>;

impl Storage {
    /// Runs a limiter step in its own transaction. On PostgreSQL the commit does not
    /// wait for the WAL flush: after a crash the limiter may forget its last few
    /// steps, which errs towards letting a few more requests through, and every
    /// POST no longer waits for a disk flush behind the row lock.
    async fn counter_step(&self, step: CounterStep<'_>) -> Result<AnyQueryResult> {
        let mut tx = self.writer().begin().await?;
        if self.postgres {
            sqlx::query("select set_config('synchronous_commit', 'off', true)")
                .execute(&mut *tx)
                .await?;
        }
        let done = step.execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(done)
    }

    /// Counts one report refused by the ceiling on `on`.
    pub async fn count_flood_refusal(&self, on: Date) -> Result<()> {
        sqlx::query(
            "insert into flood_days (day, refused) values ($1, 1) \
             on conflict (day) do update set refused = flood_days.refused + 1",
        )
        .bind(day(on))
        .execute(self.writer())
        .await?;
        Ok(())
    }

    /// Refusals per day from `from` on, oldest first.
    pub async fn flood_days(&self, from: Date) -> Result<Vec<(Date, i64)>> {
        let rows: Vec<(String, i64)> =
            sqlx::query_as("select day, refused from flood_days where day >= $1 order by day")
                .bind(day(from))
                .fetch_all(&self.pool)
                .await?;
        rows.into_iter()
            .map(|(d, n)| Ok((parse_day(&d)?, n)))
            .collect()
    }

    /// Forgets the refusal counts of days before `before`.
    pub async fn purge_flood_days(&self, before: Date) -> Result<()> {
        sqlx::query("delete from flood_days where day < $1")
            .bind(day(before))
            .execute(self.writer())
            .await?;
        Ok(())
    }

    /// One POST against the shared global limit (GCRA: `burst` at once, then one
    /// per `period_ms`). `None` when it may pass, otherwise the milliseconds to wait.
    pub async fn take_shared_rate(
        &self,
        now_ms: i64,
        period_ms: i64,
        burst: i64,
    ) -> Result<Option<i64>> {
        let window = period_ms.saturating_mul(burst);
        let step = sqlx::query(
            "update shared_counters \
             set mark = (case when mark > $1 then mark else $1 end) + $2 \
             where name = 'global_rate' \
             and (case when mark > $1 then mark else $1 end) + $2 - $1 <= $3",
        )
        .bind(now_ms)
        .bind(period_ms)
        .bind(window);
        let taken = self.counter_step(step).await?.rows_affected();
        if taken == 1 {
            return Ok(None);
        }
        let mark: i64 =
            sqlx::query_scalar("select mark from shared_counters where name = 'global_rate'")
                .fetch_one(&self.pool)
                .await?;
        Ok(Some(
            (mark.max(now_ms) + period_ms - now_ms - window).max(1),
        ))
    }

    /// Takes one of the `ceiling` places of clock hour `hour` (Unix hours) for a new
    /// report; `false` when they are all taken.
    pub async fn reserve_report(&self, hour: i64, ceiling: i64) -> Result<bool> {
        let step = sqlx::query(
            "update shared_counters \
             set used = case when mark = $1 then used + 1 else 1 end, mark = $1 \
             where name = 'report_ceiling' and (mark <> $1 or used < $2)",
        )
        .bind(hour)
        .bind(ceiling);
        let taken = self.counter_step(step).await?.rows_affected();
        Ok(taken == 1)
    }

    /// Gives back a place taken by [`Storage::reserve_report`] for a report that was
    /// not stored after all.
    pub async fn release_report(&self, hour: i64) -> Result<()> {
        let step = sqlx::query(
            "update shared_counters set used = used - 1 \
             where name = 'report_ceiling' and mark = $1 and used > 0",
        )
        .bind(hour);
        self.counter_step(step).await?;
        Ok(())
    }

    /// Reports taken in clock hour `hour` so far.
    pub async fn reports_in_hour(&self, hour: i64) -> Result<i64> {
        let used: Option<i64> = sqlx::query_scalar(
            "select used from shared_counters where name = 'report_ceiling' and mark = $1",
        )
        .bind(hour)
        .fetch_optional(&self.pool)
        .await?;
        Ok(used.unwrap_or(0))
    }

    /// Claims the housekeeping cycle due at `now` (Unix seconds) for this instance,
    /// the next one being due `every` seconds later; `false` when another instance
    /// has claimed it already.
    pub async fn claim_housekeeping(&self, now: i64, every: i64) -> Result<bool> {
        let claimed = sqlx::query(
            "update shared_counters set mark = $1 + $2, used = used + 1 \
             where name = 'housekeeping' and mark <= $1",
        )
        .bind(now)
        .bind(every)
        .execute(self.writer())
        .await?
        .rows_affected();
        Ok(claimed == 1)
    }
}
