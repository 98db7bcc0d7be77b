//! The portal's side of uploads: reading a reporter's form with the portal's
//! limits, the pages for what went wrong, and storing a message with its files
//! (sealed as pending attachments first, removed again when the message is not
//! stored) for both the report and the follow-up.

use axum::extract::Request;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::error::WebError;
use super::layout::{already_sent, message_page};
use super::state::SharedState;
use crate::attachments::FileLimits;
use crate::attachments::Target;
use crate::case::AttachmentInfo;
use crate::crypto::Recipient;
use crate::http::multipart::{self, Direct, Received, SealingUpload, UploadError};
use crate::http::urlencoded::Pairs;
use crate::i18n::Lang;
use crate::storage::Outcome;

/// Reads the form of a request: multipart (with files) or urlencoded. With
/// `direct`, files with nothing to clean are sealed as they arrive.
pub async fn read(
    state: &SharedState,
    request: Request,
    direct: Option<&Direct<'_>>,
) -> Result<SealingUpload, UploadError> {
    multipart::read_sealing(
        request,
        state.file_limits,
        state.spool_dir.as_deref(),
        state.max_body_bytes,
        direct,
    )
    .await
}

/// Where a message's files for `case_id` may be sealed while they arrive, once
/// `allow` accepts the fields read before them and names the recipients.
pub fn direct<'a>(
    state: &'a SharedState,
    case_id: &'a str,
    allow: &'a (dyn Fn(&Pairs) -> Option<Vec<Recipient>> + Send + Sync),
) -> Direct<'a> {
    Direct {
        storage: &state.storage,
        target: target(state, case_id, &[]),
        allow,
    }
}

/// Removes the files of a form that will not be stored (those sealed as they
/// arrived are pending attachments already; spools vanish when dropped).
pub async fn discard(state: &SharedState, files: &[Received]) {
    multipart::discard_sealed(&state.storage, files).await;
}

fn target<'a>(state: &SharedState, case_id: &'a str, recipients: &[Recipient]) -> Target<'a> {
    Target {
        case_id,
        recipients: recipients.to_vec(),
        pending_until: state.now().unix_timestamp() + PENDING_SECS,
        limits: state.file_limits,
        timeout: STRIP_TIMEOUT,
    }
}

/// The page for a form that could not be read (nothing was stored).
pub fn error_page(e: &UploadError, lang: Lang, limits: FileLimits) -> Response {
    let (status, title, text) = e.describe(lang.texts(), limits);
    message_page(lang, status, title, &text).into_response()
}

/// Stores a reporter's message with its files. The files are cleaned and sealed to
/// `recipients` as pending attachments of `case_id`; then `store` is called with
/// copies of them and their ids until it stores the message, at most `attempts` times while
/// a unique value (a reference, a sequence number) was taken meanwhile. Whenever
/// the message is not stored, its files are removed again.
///
/// Returns the stored files, or the page to answer with when nothing was stored
/// (a file could not be processed, or the form was sent before).
pub async fn store_message<F, Fut>(
    state: &SharedState,
    lang: Lang,
    files: Vec<Received>,
    case_id: &str,
    recipients: &[Recipient],
    attempts: usize,
    mut store: F,
) -> Result<Result<Vec<AttachmentInfo>, Response>, WebError>
where
    F: FnMut(Vec<AttachmentInfo>, Vec<String>) -> Fut,
    Fut: Future<Output = Result<Outcome, WebError>>,
{
    let files = match seal_files(state, files, case_id, recipients).await {
        Ok(f) => f,
        Err(e) => return Ok(Err(failed_page(lang, &e))),
    };
    let ids = ids(&files);
    for _ in 0..attempts {
        match store(files.clone(), ids.clone()).await {
            Ok(Outcome::Stored) => return Ok(Ok(files)),
            Ok(Outcome::FormAlreadyUsed) => {
                discard_stored(state, &files).await;
                return Ok(Err(already_sent(lang)));
            }
            Ok(Outcome::Conflict) => continue,
            Err(e) => {
                discard_stored(state, &files).await;
                return Err(e);
            }
        }
    }
    discard_stored(state, &files).await;
    Err(WebError::Contention)
}

/// Cleans and seals the spooled files of one message as pending attachments for
/// `case_id` (those sealed as they arrived are already). On failure every file of
/// the message is removed again.
async fn seal_files(
    state: &SharedState,
    files: Vec<Received>,
    case_id: &str,
    recipients: &[Recipient],
) -> Result<Vec<AttachmentInfo>, crate::attachments::AttachError> {
    let target = target(state, case_id, recipients);
    let mut stored: Vec<AttachmentInfo> = Vec::with_capacity(files.len());
    let mut files = files.into_iter();
    while let Some(f) = files.next() {
        let f = match f {
            Received::Sealed(info) => {
                stored.push(info);
                continue;
            }
            Received::Spooled(f) => f,
        };
        let result =
            crate::attachments::store(&state.storage, f.spooled, &f.name, &f.content_type, &target)
                .await;
        match result {
            Ok(info) => stored.push(info),
            Err(e) => {
                discard_stored(state, &stored).await;
                discard(state, &files.collect::<Vec<_>>()).await;
                return Err(e);
            }
        }
    }
    Ok(stored)
}

/// Removes pending attachments that will not be claimed (best effort: the
/// housekeeping removes what is left once their time has run out).
async fn discard_stored(state: &SharedState, stored: &[AttachmentInfo]) {
    for info in stored {
        if let Err(e) = state.storage.drop_attachment(&info.id).await {
            tracing::warn!(error = %e, "cannot remove a pending attachment; housekeeping will");
        }
    }
}

fn ids(stored: &[AttachmentInfo]) -> Vec<String> {
    stored.iter().map(|i| i.id.clone()).collect()
}

/// How long a pending attachment may wait for its message.
pub const PENDING_SECS: i64 = 3600;
/// How long cleaning and sealing one file may take.
const STRIP_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// The page for a file that could not be processed (nothing was stored).
fn failed_page(lang: Lang, e: &crate::attachments::AttachError) -> Response {
    use crate::attachments::AttachError;
    use crate::storage::StorageError;
    tracing::error!(error = %e, "an upload could not be stored");
    // The file's fault (too slow to clean, cut off) is a client error; ours is not,
    // and an unavailable database is a 503 as everywhere else.
    let status = match e {
        AttachError::Timeout | AttachError::CutOff => StatusCode::UNPROCESSABLE_ENTITY,
        AttachError::Storage(StorageError::Unavailable(_)) => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let t = lang.texts();
    message_page(lang, status, t.server_error_title, t.err_upload_failed).into_response()
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::attachments::Spool;
    use crate::crypto::{self, Identity};
    use crate::http::multipart::Incoming;
    use crate::storage::Storage;
    use crate::web::{AppState, CookiePolicy, TextLimits};

    /// A portal state on a fresh SQLite file (kept as long as the directory).
    async fn state() -> (SharedState, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let storage = Storage::connect(&url).await.unwrap();
        let secrets = storage.installation_secrets().await.unwrap();
        let state = Arc::new(AppState {
            storage,
            file_recipients: Vec::new(),
            secrets,
            cookie: CookiePolicy { secure: false },
            text_limits: TextLimits {
                long: 100,
                short: 10,
            },
            session_idle_secs: 60,
            session_max_secs: 60,
            form_ttl_secs: 60,
            public_origin: None,
            member_idle_secs: 60,
            challenge_secs: 60,
            retention_days: 1,
            file_limits: FileLimits {
                max_files: 2,
                max_file_bytes: 1 << 20,
                max_message_bytes: 1 << 20,
            },
            spool_dir: None,
            max_body_bytes: 1 << 20,
            site: crate::site::Site::parse(
                std::path::Path::new("site.example.toml"),
                crate::site::EXAMPLE,
            )
            .unwrap(),
            ceiling: crate::web::ceiling::Ceiling::new(10, false),
            known_sets: Default::default(),
        });
        (state, dir)
    }

    fn file(text: &str) -> Received {
        let mut spool = Spool::new(None).unwrap();
        spool.write(text.as_bytes()).unwrap();
        Received::Spooled(Incoming {
            name: "note.txt".to_owned(),
            content_type: "text/plain".to_owned(),
            spooled: spool.finish().unwrap(),
        })
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn a_message_is_tried_again_while_its_unique_values_are_taken() {
        let (state, _dir) = state().await;
        let case_id = crypto::hex(&crypto::random_bytes::<16>());
        let recipients = [Identity::generate().to_public()];
        let calls = AtomicUsize::new(0);
        let stored = store_message(
            &state,
            Lang::En,
            vec![file("one"), file("two")],
            &case_id,
            &recipients,
            3,
            |files, ids| {
                let call = calls.fetch_add(1, Ordering::SeqCst);
                async move {
                    assert_eq!(files.len(), 2);
                    assert_eq!(ids, [files[0].id.clone(), files[1].id.clone()]);
                    Ok(if call < 2 {
                        Outcome::Conflict
                    } else {
                        Outcome::Stored
                    })
                }
            },
        )
        .await
        .unwrap();
        assert_eq!(calls.load(Ordering::SeqCst), 3);
        let Ok(files) = stored else {
            panic!("stored on the third attempt")
        };
        for f in &files {
            assert!(state.storage.attachment(&f.id).await.unwrap().is_some());
        }
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn the_files_of_a_message_that_is_not_stored_are_removed_again() {
        let (state, _dir) = state().await;
        let case_id = crypto::hex(&crypto::random_bytes::<16>());
        let recipients = [Identity::generate().to_public()];
        let seen = std::sync::Mutex::new(Vec::new());
        let remember = |files: Vec<AttachmentInfo>| {
            seen.lock().unwrap().extend(files.into_iter().map(|f| f.id));
        };

        // Always taken: the attempts run out.
        let out = store_message(
            &state,
            Lang::En,
            vec![file("a")],
            &case_id,
            &recipients,
            3,
            |files, _| {
                remember(files);
                async { Ok(Outcome::Conflict) }
            },
        )
        .await;
        assert!(matches!(out, Err(WebError::Contention)));

        // The form was sent before: the page says so.
        let out = store_message(
            &state,
            Lang::En,
            vec![file("b")],
            &case_id,
            &recipients,
            3,
            |files, _| {
                remember(files);
                async { Ok(Outcome::FormAlreadyUsed) }
            },
        )
        .await
        .unwrap();
        assert_eq!(out.err().unwrap().status(), StatusCode::CONFLICT);

        // Storing failed.
        let out = store_message(
            &state,
            Lang::En,
            vec![file("c")],
            &case_id,
            &recipients,
            3,
            |files, _| {
                remember(files);
                async { Err(WebError::NoRecipients) }
            },
        )
        .await;
        assert!(matches!(out, Err(WebError::NoRecipients)));

        let seen = seen.into_inner().unwrap();
        assert_eq!(seen.len(), 5, "three attempts, then one each");
        for id in seen {
            assert!(state.storage.attachment(&id).await.unwrap().is_none());
        }
    }
}
