//! The report ceiling: at most so many new reports per clock hour, all clients
//! together, so that a flood cannot bury real reports or fill the disk. Past it the
//! report form answers a "busy, try again later" page; each refusal is counted per
//! day (and nothing finer) for the committee. On one instance the hour's count lives
//! in memory; with `--shared-limits` it lives in the database, so that several
//! instances together keep one ceiling.

use std::sync::Mutex;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use time::OffsetDateTime;

use super::layout::message_page;
use crate::i18n::Lang;
use crate::storage::{Storage, StorageError};

/// Where the hour's count is kept.
enum Count {
    /// This instance alone: (hour, reports taken in it).
    Memory(Mutex<(i64, u32)>),
    /// In the database, shared by every instance on it.
    Shared,
}

/// The ceiling of new reports per clock hour.
pub struct Ceiling {
    per_hour: u32,
    count: Count,
}

/// A place taken for a report; given back when the report is not stored.
#[must_use = "a place not given back stays taken for the hour"]
pub struct Place {
    hour: i64,
}

fn hour_of(now: OffsetDateTime) -> i64 {
    now.unix_timestamp().div_euclid(3600)
}

impl Ceiling {
    /// At most `per_hour` reports per clock hour, counted in the database when
    /// `shared`.
    pub fn new(per_hour: u32, shared: bool) -> Self {
        let count = if shared {
            Count::Shared
        } else {
            Count::Memory(Mutex::new((0, 0)))
        };
        Self { per_hour, count }
    }

    fn memory(m: &Mutex<(i64, u32)>) -> std::sync::MutexGuard<'_, (i64, u32)> {
        // The counter is two integers written in one step: a panic elsewhere cannot
        // leave it half-written, so a poisoned lock is still good.
        m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Whether the hour is full already: checked before a report's body is read,
    /// so a flood costs no file processing.
    pub async fn is_full(
        &self,
        storage: &Storage,
        now: OffsetDateTime,
    ) -> Result<bool, StorageError> {
        let hour = hour_of(now);
        Ok(match &self.count {
            Count::Memory(m) => {
                let (h, used) = *Self::memory(m);
                h == hour && used >= self.per_hour
            }
            Count::Shared => storage.reports_in_hour(hour).await? >= i64::from(self.per_hour),
        })
    }

    /// Takes a place for a report about to be stored; `None` when the hour is full.
    pub async fn take(
        &self,
        storage: &Storage,
        now: OffsetDateTime,
    ) -> Result<Option<Place>, StorageError> {
        let hour = hour_of(now);
        let taken = match &self.count {
            Count::Memory(m) => {
                let mut w = Self::memory(m);
                if w.0 != hour {
                    *w = (hour, 0);
                }
                let free = w.1 < self.per_hour;
                if free {
                    w.1 += 1;
                }
                free
            }
            Count::Shared => {
                storage
                    .reserve_report(hour, i64::from(self.per_hour))
                    .await?
            }
        };
        Ok(taken.then_some(Place { hour }))
    }

    /// Gives a place back: the report was not stored.
    pub async fn give_back(&self, storage: &Storage, place: Place) {
        match &self.count {
            Count::Memory(m) => {
                let mut w = Self::memory(m);
                if w.0 == place.hour {
                    w.1 = w.1.saturating_sub(1);
                }
            }
            Count::Shared => {
                if let Err(e) = storage.release_report(place.hour).await {
                    // The place stays taken until the hour ends: the ceiling errs
                    // on the side of refusing.
                    tracing::warn!(error = %e, "cannot give back a report ceiling place");
                }
            }
        }
    }
}

/// Reads and drops a request body the portal will not use: at most `bound` bytes
/// (plus a chunk) and for at most ten seconds, then stops reading.
pub async fn drain(body: axum::body::Body, bound: u64) {
    use futures::StreamExt;
    let mut stream = body.into_data_stream();
    let read = async {
        let mut seen = 0u64;
        while let Some(Ok(chunk)) = stream.next().await {
            seen += chunk.len() as u64;
            if seen > bound {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(std::time::Duration::from_secs(10), read).await;
}

/// The "busy, try again later" page (503 with Retry-After until the next hour),
/// after counting the refusal for the committee. Nothing of the report was stored
/// and its form token was not used, so the same form can be sent again later.
pub async fn busy(storage: &Storage, lang: Lang, now: OffsetDateTime) -> Response {
    if let Err(e) = storage.count_flood_refusal(now.date()).await {
        tracing::warn!(error = %e, "cannot count a refusal of the report ceiling");
    }
    let t = lang.texts();
    let wait = 3600 - now.unix_timestamp().rem_euclid(3600);
    let mut response = message_page(
        lang,
        StatusCode::SERVICE_UNAVAILABLE,
        t.busy_title,
        t.busy_text,
    )
    .into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(wait));
    response
}
