//! The desk's side of the committee API. Everything it sends is ciphertext sealed
//! here or workflow metadata; the member's identity never leaves this process.
//!
//! The portal is not trusted (docs/ARCHITECTURE.md, "Trust model"): its URL must be
//! https unless it is on this computer or an onion service, every answer is read
//! within a size bound and parsed into the types of [`crate::protocol`], the sign-in
//! answers only a challenge of the one fixed format, and sealing uses the pinned
//! roster and the reporter key sealed inside the report, never the portal's lists.
//!
//! This file is long because it is the desk's whole side of the API, one method
//! per call with its size bound and its parsing; what to seal to and how messages
//! open lives in `sealing.rs`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use futures::StreamExt;
use serde::de::DeserializeOwned;
use tokio::sync::RwLock;

pub use super::error::PortalError;
use super::sealing::{Opened, left_out, open_message, reporter_key, sealing_set};
use crate::attachments::FileLimits;
use crate::case::{Body, CloseReason, Envelope, Status};
use crate::crypto::{self, Identity};
use crate::http::multipart::Incoming;
use crate::protocol::sign_in::{self, ChallengeError};
use crate::protocol::{
    AnswerRequest, AssignRequest, AttachmentId, CaseDetail, CaseId, CaseInfo, ChallengeRequest,
    ChallengeResponse, CreatedAttachment, ErrorBody, FloodDay, HistoryEntry, LeftOutCase,
    MAX_FLOOD_DAYS, MemberBrief, MemberId, MemberInfo, MessageKind, NotifySettings, ReportsRequest,
    RosterEntry, SealedReport, Seq, SignedIn, StatusRequest, WithdrawalInfo, paths,
};

/// The largest JSON answer the desk reads (a long case with every message).
pub const MAX_JSON_BYTES: usize = 32 << 20;
/// The largest error answer the desk reads.
const MAX_ERROR_BYTES: usize = 4096;

/// What a member may attach to one reply (the portal checks again).
pub const DESK_FILE_LIMITS: FileLimits = FileLimits {
    max_files: 10,
    max_file_bytes: 25 * 1024 * 1024,
    max_message_bytes: 100 * 1024 * 1024,
};

/// Whether a portal URL may be used: https anywhere; plain http only to this
/// computer (loopback) or to an onion service, where the transport is protected.
pub fn acceptable_portal_url(url: &str) -> Result<String, PortalError> {
    let origin = sign_in::origin_of(url).ok_or(PortalError::InsecureUrl)?;
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or("");
    if rest.split(['/', '?', '#']).next().unwrap_or("").is_empty() {
        return Err(PortalError::InsecureUrl);
    }
    if origin.starts_with("https://") {
        return Ok(origin);
    }
    let authority = &origin["http://".len()..];
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        authority.rsplit_once(':').map_or(authority, |(h, _)| h)
    };
    let loopback = host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if loopback || host.ends_with(".onion") {
        Ok(origin)
    } else {
        Err(PortalError::InsecureUrl)
    }
}

/// The desk's client of one portal's committee API: the member's identity and
/// its session with the portal.
pub struct Portal {
    base: String,
    origin: String,
    http: reqwest::Client,
    identity: Identity,
    session: RwLock<Option<SignedIn>>,
}

impl Portal {
    /// A client for the portal at `base`; refuses a URL that is not safe to use.
    pub fn new(base: &str, identity: Identity) -> Result<Self, PortalError> {
        let origin = acceptable_portal_url(base)?;
        Ok(Self {
            base: base.trim_end_matches('/').to_owned(),
            origin,
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(std::time::Duration::from_secs(60))
                .build()
                .expect("the HTTP client builds"),
            identity,
            session: RwLock::new(None),
        })
    }

    /// The member's identity, which opens messages and finds the reporter key.
    pub fn identity(&self) -> &Identity {
        &self.identity
    }

    /// The portal's origin as this desk knows it (the pins are kept per origin).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Signs in: asks for a challenge sealed to our recipient, checks that it is a
    /// sign-in challenge for this portal and key, and answers with its MAC.
    pub async fn sign_in(&self) -> Result<MemberBrief, PortalError> {
        let recipient = self.identity.to_public().to_string();
        let response = self
            .http
            .post(format!("{}{}", self.base, paths::CHALLENGE))
            .json(&ChallengeRequest { recipient })
            .send()
            .await?;
        let challenge: ChallengeResponse = decode(response).await?;
        let sealed = B64
            .decode(&challenge.sealed)
            .map_err(|_| PortalError::Decode)?;
        if sealed.len() > 4096 {
            return Err(ChallengeError::NotAChallenge.into());
        }
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let answer = sign_in::open_and_answer(
            &sealed,
            &self.identity,
            &challenge.challenge,
            &self.origin,
            now,
        )?;
        let response = self
            .http
            .post(format!("{}{}", self.base, paths::ANSWER))
            .json(&AnswerRequest {
                challenge: challenge.challenge,
                answer,
            })
            .send()
            .await?;
        if response.status() == reqwest::StatusCode::UNAUTHORIZED {
            return Err(PortalError::SignInRefused);
        }
        let signed: SignedIn = decode(response).await?;
        let member = signed.member.clone();
        *self.session.write().await = Some(signed);
        Ok(member)
    }

    /// The member signed in as, if there is a session.
    pub async fn member(&self) -> Option<MemberBrief> {
        self.session.read().await.as_ref().map(|s| s.member.clone())
    }

    async fn token(&self) -> Result<String, PortalError> {
        if let Some(s) = self.session.read().await.as_ref() {
            return Ok(s.token.clone());
        }
        self.sign_in().await?;
        Ok(self
            .session
            .read()
            .await
            .as_ref()
            .map(|s| s.token.clone())
            .unwrap_or_default())
    }

    /// Sends a request with the session token; after an expired session (401) it
    /// signs in again once and repeats the request.
    pub(super) async fn send(
        &self,
        build: impl Fn(&reqwest::Client, &str) -> reqwest::RequestBuilder,
    ) -> Result<reqwest::Response, PortalError> {
        for attempt in 0..2 {
            let token = self.token().await?;
            let request = build(&self.http, &self.base).bearer_auth(&token).build()?;
            let response = self.execute(request).await?;
            if response.status() == reqwest::StatusCode::UNAUTHORIZED && attempt == 0 {
                *self.session.write().await = None;
                continue;
            }
            return Ok(response);
        }
        Err(PortalError::SignInRefused)
    }

    /// Sends a request; a GET whose connection broke before an answer came is sent
    /// once more. A kept-alive connection that the portal or a proxy in front of it
    /// closed just as the request went out fails that way, and a GET changes nothing
    /// on the portal, so repeating it is safe; anything else is not repeated.
    async fn execute(&self, request: reqwest::Request) -> Result<reqwest::Response, PortalError> {
        let again = (request.method() == reqwest::Method::GET)
            .then(|| request.try_clone())
            .flatten();
        match self.http.execute(request).await {
            Err(e) if broken_connection(&e) && again.is_some() => {
                Ok(self.http.execute(again.expect("checked")).await?)
            }
            result => Ok(result?),
        }
    }

    async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, PortalError> {
        decode(self.send(|c, b| c.get(format!("{b}{path}"))).await?).await
    }

    /// Every case in brief, with its count of unread reporter messages.
    pub async fn cases(&self) -> Result<Vec<CaseInfo>, PortalError> {
        self.get(paths::CASES).await
    }

    /// A case; its id must be the one asked for.
    pub async fn case(&self, id: &CaseId) -> Result<CaseDetail, PortalError> {
        let detail: CaseDetail = self.get(&paths::case(id, "")).await?;
        if &detail.case.id != id {
            return Err(PortalError::Decode);
        }
        Ok(detail)
    }

    /// The cases reporters withdrew: reference and day only.
    pub async fn withdrawals(&self) -> Result<Vec<WithdrawalInfo>, PortalError> {
        self.get(paths::WITHDRAWALS).await
    }

    /// The cases whose reporter left this member out: references only.
    pub async fn left_out(&self) -> Result<Vec<LeftOutCase>, PortalError> {
        self.get(paths::LEFT_OUT).await
    }

    /// The committee's members, active and disabled, for names and assignment.
    pub async fn members(&self) -> Result<Vec<MemberInfo>, PortalError> {
        self.get(paths::MEMBERS).await
    }

    /// The committee roster as the portal lists it now.
    pub async fn roster(&self) -> Result<Vec<RosterEntry>, PortalError> {
        let roster: Vec<RosterEntry> = self.get(paths::ROSTER).await?;
        if roster.is_empty() || roster.len() > crypto::MAX_STANZAS - 2 {
            return Err(PortalError::Decode);
        }
        Ok(roster)
    }

    /// Where the portal notifies this member that there is new activity, if anywhere.
    pub async fn notifications(&self) -> Result<NotifySettings, PortalError> {
        let settings: NotifySettings = self.get(paths::NOTIFICATIONS).await?;
        // Shown on a page: only what parses as an address.
        match &settings.email {
            Some(e) if crate::notify::EmailAddress::parse(e).is_err() => Err(PortalError::Decode),
            _ => Ok(settings),
        }
    }

    /// Asks the portal to notify this member at `email`, or (with `None`) no longer.
    pub async fn set_notifications(&self, email: Option<String>) -> Result<(), PortalError> {
        let body = NotifySettings { email };
        expect_ok(
            self.send(|c, b| c.post(format!("{b}{}", paths::NOTIFICATIONS)).json(&body))
                .await?,
        )
        .await
    }

    /// The days on which the portal's report ceiling refused reports. The list is
    /// bounded and each day may appear once, in order; anything else is refused.
    pub async fn flood_days(&self) -> Result<Vec<FloodDay>, PortalError> {
        let days: Vec<FloodDay> = self.get(paths::FLOOD_DAYS).await?;
        let ordered = days.windows(2).all(|w| w[0].day < w[1].day);
        if days.len() > MAX_FLOOD_DAYS || !ordered {
            return Err(PortalError::Decode);
        }
        Ok(days)
    }

    /// The portal's audit entries about a case.
    pub async fn history(&self, id: &CaseId) -> Result<Vec<HistoryEntry>, PortalError> {
        self.get(&paths::case(id, "/history")).await
    }

    /// Changes a case's status; `reason` says why it was closed.
    pub async fn set_status(
        &self,
        id: &CaseId,
        status: Status,
        reason: Option<CloseReason>,
    ) -> Result<(), PortalError> {
        let body = StatusRequest { status, reason };
        let path = paths::case(id, "/status");
        expect_ok(
            self.send(|c, b| c.post(format!("{b}{path}")).json(&body))
                .await?,
        )
        .await
    }

    /// Assigns a case to a member, or to nobody.
    pub async fn assign(&self, id: &CaseId, member: Option<MemberId>) -> Result<(), PortalError> {
        let body = AssignRequest { member };
        let path = paths::case(id, "/assign");
        expect_ok(
            self.send(|c, b| c.post(format!("{b}{path}")).json(&body))
                .await?,
        )
        .await
    }

    /// Moves this member's read mark of a case up to message `up_to`, the last one
    /// the desk showed (so a message that arrives meanwhile stays unread).
    pub async fn mark_read(&self, id: &CaseId, up_to: Seq) -> Result<(), PortalError> {
        let path = format!("{}?up_to={}", paths::case(id, "/read"), up_to.get());
        expect_ok(self.send(|c, b| c.post(format!("{b}{path}"))).await?).await
    }

    /// The sealed reports of these cases, in batches the portal accepts; a case
    /// the portal does not return is simply missing from the answer.
    pub async fn reports(&self, ids: &[CaseId]) -> Result<Vec<SealedReport>, PortalError> {
        let mut out = Vec::with_capacity(ids.len());
        for batch in ids.chunks(ReportsRequest::MAX_IDS) {
            let body = ReportsRequest {
                ids: batch.to_vec(),
            };
            let got: Vec<SealedReport> = decode(
                self.send(|c, b| c.post(format!("{b}{}", paths::REPORTS)).json(&body))
                    .await?,
            )
            .await?;
            // Only what was asked for: a portal cannot slip in another case's report.
            if got.len() > batch.len() || got.iter().any(|r| !batch.contains(&r.id)) {
                return Err(PortalError::Decode);
            }
            out.extend(got);
        }
        Ok(out)
    }

    /// Records an export of a case in the portal's audit log.
    pub async fn record_export(&self, id: &CaseId) -> Result<(), PortalError> {
        let path = paths::case(id, "/exported");
        expect_ok(self.send(|c, b| c.post(format!("{b}{path}"))).await?).await
    }

    /// Ends the portal session, if there is one; never signs in to do so.
    pub async fn sign_out(&self) -> Result<(), PortalError> {
        let Some(session) = self.session.write().await.take() else {
            return Ok(());
        };
        let r = self
            .http
            .post(format!("{}{}", self.base, paths::SIGN_OUT))
            .bearer_auth(&session.token)
            .send()
            .await?;
        expect_ok(r).await
    }

    /// Seals a text on this computer and uploads it: a reply reaches the committee
    /// and the reporter, a note the committee only. `committee` is the roster the
    /// member confirmed: the portal's list for the case must be exactly that set,
    /// and the reporter's key must be the one sealed in the report. Retries when
    /// another member took the sequence number meanwhile.
    pub async fn write(
        &self,
        id: &CaseId,
        text: &str,
        kind: MessageKind,
        files: Vec<Incoming>,
        committee: &[RosterEntry],
    ) -> Result<i64, PortalError> {
        let detail = self.case(id).await?;
        let left_out = left_out(&detail, &self.identity)?;
        let mut recipients = sealing_set(&detail, committee, &left_out)?;
        if kind == MessageKind::Reply {
            let reporter = reporter_key(&detail, &self.identity)?;
            recipients.push(reporter.recipient().clone());
        }
        let mut infos = Vec::new();
        for f in files {
            let to = recipients.clone();
            let (sealed, mut info) = tokio::task::spawn_blocking(move || {
                crate::attachments::seal_to_vec(
                    f.spooled,
                    &f.name,
                    &f.content_type,
                    &to,
                    DESK_FILE_LIMITS,
                )
            })
            .await
            .map_err(|_| PortalError::Decode)?
            .map_err(|e| PortalError::Refused {
                status: 0,
                message: e.to_string(),
            })?;
            info.id = self.upload_attachment(id, sealed).await?.to_string();
            infos.push(info);
        }
        let ids = infos
            .iter()
            .map(|i| i.id.as_str())
            .collect::<Vec<_>>()
            .join(",");
        for attempt in 0..5 {
            let detail = if attempt == 0 {
                detail.clone()
            } else {
                self.case(id).await?
            };
            // The list may have changed between two attempts: check it again.
            sealing_set(&detail, committee, &left_out)?;
            let seq = detail.next_seq.get();
            let envelope = Envelope::new(
                detail.case.id.as_str(),
                seq,
                Body::Text {
                    text: text.to_owned(),
                },
            )
            .with_attachments(infos.clone());
            let sealed = crypto::seal_for(&envelope.to_bytes(), &recipients)?;
            let path = format!(
                "{}?kind={}&seq={seq}&attachments={ids}",
                paths::case(id, "/messages"),
                kind.key()
            );
            let response = self
                .send(|c, b| {
                    c.post(format!("{b}{path}"))
                        .header("content-type", "application/octet-stream")
                        .body(sealed.clone())
                })
                .await?;
            if response.status() == reqwest::StatusCode::CONFLICT {
                let message = error_message(response).await;
                if message.contains("sequence") {
                    continue;
                }
                return Err(PortalError::Refused {
                    status: 409,
                    message,
                });
            }
            expect_ok(response).await?;
            return Ok(seq);
        }
        Err(PortalError::Busy)
    }

    async fn upload_attachment(
        &self,
        id: &CaseId,
        sealed: Vec<u8>,
    ) -> Result<AttachmentId, PortalError> {
        let path = paths::case(id, "/attachments");
        let created: CreatedAttachment = decode(
            self.send(|c, b| {
                c.post(format!("{b}{path}"))
                    .header("content-type", "application/octet-stream")
                    .body(sealed.clone())
            })
            .await?,
        )
        .await?;
        Ok(created.id)
    }

    /// The ciphertext of an attachment as a stream from the portal, cut off with an
    /// error once it passes `max_bytes` (the sealed size of what the message says).
    pub async fn attachment_ciphertext(
        &self,
        id: &CaseId,
        attachment: &AttachmentId,
        max_bytes: u64,
    ) -> Result<
        impl futures::Stream<Item = std::io::Result<Vec<u8>>> + Unpin + Send + 'static,
        PortalError,
    > {
        let path = paths::attachment(id, attachment);
        let response = self.send(|c, b| c.get(format!("{b}{path}"))).await?;
        if !response.status().is_success() {
            return Err(PortalError::Refused {
                status: response.status().as_u16(),
                message: error_message(response).await,
            });
        }
        let mut seen = 0u64;
        Ok(response
            .bytes_stream()
            .map(move |r| {
                let b = r.map_err(std::io::Error::other)?;
                seen += b.len() as u64;
                if seen > max_bytes {
                    return Err(std::io::Error::other(
                        "the portal sent more data than the file can have",
                    ));
                }
                Ok(b.to_vec())
            })
            .boxed())
    }

    /// Opens a message of a case with this member's identity.
    pub fn open(
        &self,
        case_id: &CaseId,
        seq: i64,
        ciphertext_b64: &str,
    ) -> Result<Opened, PortalError> {
        open_message(&self.identity, case_id, seq, ciphertext_b64)
    }
}

/// Reads a body of at most `max` bytes; more is an error, not a truncation.
/// A connection that broke before the answer began, as opposed to a timeout or an
/// answer the desk refused.
fn broken_connection(e: &reqwest::Error) -> bool {
    (e.is_connect() || e.is_request()) && !e.is_timeout() && !e.is_body() && !e.is_decode()
}

async fn read_bounded(response: reqwest::Response, max: usize) -> Result<Vec<u8>, PortalError> {
    if response.content_length().is_some_and(|n| n > max as u64) {
        return Err(PortalError::TooLarge);
    }
    let mut out = Vec::new();
    let mut stream = response.bytes_stream();
    while let Some(piece) = stream.next().await {
        let piece = piece?;
        if out.len() + piece.len() > max {
            return Err(PortalError::TooLarge);
        }
        out.extend_from_slice(&piece);
    }
    Ok(out)
}

async fn error_message(response: reqwest::Response) -> String {
    let Ok(body) = read_bounded(response, MAX_ERROR_BYTES).await else {
        return String::new();
    };
    serde_json::from_slice::<ErrorBody>(&body)
        .map(|e| {
            e.error
                .chars()
                .filter(|c| !c.is_control())
                .take(200)
                .collect()
        })
        .unwrap_or_default()
}

pub(super) async fn expect_ok(response: reqwest::Response) -> Result<(), PortalError> {
    let status = response.status();
    if status.is_success() {
        Ok(())
    } else {
        Err(PortalError::Refused {
            status: status.as_u16(),
            message: error_message(response).await,
        })
    }
}

pub(super) async fn decode<T: DeserializeOwned>(
    response: reqwest::Response,
) -> Result<T, PortalError> {
    let status = response.status();
    if !status.is_success() {
        return Err(PortalError::Refused {
            status: status.as_u16(),
            message: error_message(response).await,
        });
    }
    let body = read_bounded(response, MAX_JSON_BYTES).await?;
    serde_json::from_slice(&body).map_err(|_| PortalError::Decode)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_remote_portal_must_be_https_and_loopback_or_onion_may_be_http() {
        for ok in [
            "https://meldpunt.example",
            "http://127.0.0.1:8080",
            "http://localhost:8080/",
            "http://[::1]:9000",
            "http://abcdefghijklmnop.onion",
        ] {
            assert!(acceptable_portal_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://meldpunt.example",
            "http://10.0.0.1",
            "ftp://x",
            "meldpunt.example",
            "http://127.0.0.1.evil.example",
            "http://onion.example",
        ] {
            assert!(acceptable_portal_url(bad).is_err(), "{bad}");
        }
    }
}
