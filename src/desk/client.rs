//! The desk's side of the committee API. Everything it sends is ciphertext sealed
//! here or workflow metadata; the member's identity never leaves this process.

use std::str::FromStr;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::json;
use tokio::sync::RwLock;

use crate::attachments::FileLimits;
use crate::case::{Body, Envelope, EnvelopeError};
use crate::crypto::{self, CryptoError, Identity, Recipient};
use crate::http::multipart::Incoming;
use crate::protocol::{CaseDetail, CaseInfo, ChallengeResponse, HistoryEntry, MemberInfo};

#[derive(Debug, thiserror::Error)]
pub enum PortalError {
    #[error("the portal cannot be reached: {0}")]
    Network(#[from] reqwest::Error),
    #[error("the portal refused the request ({status}): {message}")]
    Refused { status: u16, message: String },
    #[error("the portal did not accept this identity (not an active member?)")]
    SignInRefused,
    #[error("the portal sent an answer the desk does not understand")]
    Decode,
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    #[error(transparent)]
    Envelope(#[from] EnvelopeError),
    #[error("someone else wrote to this case at the same moment; try again")]
    Busy,
}

impl PortalError {
    pub fn is_not_found(&self) -> bool {
        matches!(self, PortalError::Refused { status: 404, .. })
    }
}

#[derive(Deserialize, Debug, Clone)]
pub struct SignedIn {
    pub token: String,
    pub member: MemberBrief,
}

#[derive(Deserialize, Debug, Clone)]
pub struct MemberBrief {
    pub id: String,
    pub name: String,
}

/// What a member may attach to one reply (the portal checks again).
pub const DESK_FILE_LIMITS: FileLimits = FileLimits {
    max_files: 10,
    max_file_bytes: 25 * 1024 * 1024,
    max_message_bytes: 100 * 1024 * 1024,
};

pub struct Portal {
    base: String,
    http: reqwest::Client,
    identity: Identity,
    session: RwLock<Option<SignedIn>>,
}

/// What a sealed message turned out to be for this member.
pub enum Opened {
    Envelope(Box<Envelope>),
    /// Sealed before this member joined, or to other keys.
    NotForMe,
}

impl Portal {
    pub fn new(base: &str, identity: Identity) -> Self {
        Self {
            base: base.trim_end_matches('/').to_owned(),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(std::time::Duration::from_secs(60))
                .build()
                .expect("the HTTP client builds"),
            identity,
            session: RwLock::new(None),
        }
    }

    pub fn identity(&self) -> &Identity {
        &self.identity
    }

    /// Signs in: asks for a challenge sealed to our recipient, opens it, answers.
    pub async fn sign_in(&self) -> Result<MemberBrief, PortalError> {
        let recipient = self.identity.to_public().to_string();
        let challenge: ChallengeResponse = decode(
            self.http
                .post(format!("{}/api/v1/sign-in/challenge", self.base))
                .json(&json!({ "recipient": recipient }))
                .send()
                .await?,
        )
        .await?;
        let sealed = B64
            .decode(&challenge.sealed)
            .map_err(|_| PortalError::Decode)?;
        let nonce =
            crypto::open(&sealed, &self.identity).map_err(|_| PortalError::SignInRefused)?;
        let answer = std::str::from_utf8(&nonce).map_err(|_| PortalError::Decode)?;
        let response = self
            .http
            .post(format!("{}/api/v1/sign-in/answer", self.base))
            .json(&json!({ "challenge": challenge.challenge, "answer": answer }))
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
    async fn send(
        &self,
        build: impl Fn(&reqwest::Client, &str) -> reqwest::RequestBuilder,
    ) -> Result<reqwest::Response, PortalError> {
        for attempt in 0..2 {
            let token = self.token().await?;
            let response = build(&self.http, &self.base)
                .bearer_auth(&token)
                .send()
                .await?;
            if response.status() == reqwest::StatusCode::UNAUTHORIZED && attempt == 0 {
                *self.session.write().await = None;
                continue;
            }
            return Ok(response);
        }
        Err(PortalError::SignInRefused)
    }

    pub async fn cases(&self) -> Result<Vec<CaseInfo>, PortalError> {
        decode(self.send(|c, b| c.get(format!("{b}/api/v1/cases"))).await?).await
    }

    pub async fn case(&self, id: &str) -> Result<CaseDetail, PortalError> {
        let id = path_segment(id);
        decode(
            self.send(|c, b| c.get(format!("{b}/api/v1/cases/{id}")))
                .await?,
        )
        .await
    }

    pub async fn members(&self) -> Result<Vec<MemberInfo>, PortalError> {
        decode(
            self.send(|c, b| c.get(format!("{b}/api/v1/members")))
                .await?,
        )
        .await
    }

    pub async fn history(&self, id: &str) -> Result<Vec<HistoryEntry>, PortalError> {
        let id = path_segment(id);
        decode(
            self.send(|c, b| c.get(format!("{b}/api/v1/cases/{id}/history")))
                .await?,
        )
        .await
    }

    pub async fn set_status(
        &self,
        id: &str,
        status: &str,
        reason: Option<&str>,
    ) -> Result<(), PortalError> {
        let id = path_segment(id);
        let body = json!({ "status": status, "reason": reason });
        expect_ok(
            self.send(|c, b| c.post(format!("{b}/api/v1/cases/{id}/status")).json(&body))
                .await?,
        )
        .await
    }

    pub async fn assign(&self, id: &str, member: Option<&str>) -> Result<(), PortalError> {
        let id = path_segment(id);
        let body = json!({ "member": member });
        expect_ok(
            self.send(|c, b| c.post(format!("{b}/api/v1/cases/{id}/assign")).json(&body))
                .await?,
        )
        .await
    }

    pub async fn mark_read(&self, id: &str) -> Result<(), PortalError> {
        let id = path_segment(id);
        expect_ok(
            self.send(|c, b| c.post(format!("{b}/api/v1/cases/{id}/read")))
                .await?,
        )
        .await
    }

    pub async fn record_export(&self, id: &str) -> Result<(), PortalError> {
        let id = path_segment(id);
        expect_ok(
            self.send(|c, b| c.post(format!("{b}/api/v1/cases/{id}/exported")))
                .await?,
        )
        .await
    }

    pub async fn sign_out(&self) -> Result<(), PortalError> {
        if self.session.read().await.is_some() {
            let r = self
                .send(|c, b| c.post(format!("{b}/api/v1/sign-out")))
                .await?;
            *self.session.write().await = None;
            expect_ok(r).await?;
        }
        Ok(())
    }

    /// Seals a text on this computer and uploads it: a reply reaches the committee
    /// and the reporter, a note the committee only. Retries when another member
    /// took the sequence number meanwhile.
    pub async fn write(
        &self,
        id: &str,
        text: &str,
        note: bool,
        files: Vec<Incoming>,
    ) -> Result<i64, PortalError> {
        let detail = self.case(id).await?;
        let mut recipients = Vec::new();
        for r in &detail.seal_to.committee {
            recipients.push(Recipient::from_str(r).map_err(|_| PortalError::Decode)?);
        }
        if !note {
            recipients.push(
                Recipient::from_str(&detail.seal_to.reporter).map_err(|_| PortalError::Decode)?,
            );
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
            info.id = self.upload_attachment(id, sealed).await?;
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
            let seq = detail.next_seq;
            let envelope = Envelope::new(
                &detail.case.id,
                seq,
                Body::Text {
                    text: text.to_owned(),
                },
            )
            .with_attachments(infos.clone());
            let sealed = crypto::seal_for(&envelope.to_bytes(), &recipients)?;
            let kind = if note { "note" } else { "reply" };
            let case_id = path_segment(id);
            let response = self
                .send(|c, b| {
                    c.post(format!(
                        "{b}/api/v1/cases/{case_id}/messages?kind={kind}&seq={seq}&attachments={ids}"
                    ))
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

    async fn upload_attachment(&self, id: &str, sealed: Vec<u8>) -> Result<String, PortalError> {
        #[derive(Deserialize)]
        struct Created {
            id: String,
        }
        let case_id = path_segment(id);
        let created: Created = decode(
            self.send(|c, b| {
                c.post(format!("{b}/api/v1/cases/{case_id}/attachments"))
                    .header("content-type", "application/octet-stream")
                    .body(sealed.clone())
            })
            .await?,
        )
        .await?;
        Ok(created.id)
    }

    /// The ciphertext of an attachment as a stream from the portal.
    pub async fn attachment_ciphertext(
        &self,
        id: &str,
        attachment: &str,
    ) -> Result<
        impl futures::Stream<Item = std::io::Result<Vec<u8>>> + Unpin + Send + 'static,
        PortalError,
    > {
        use futures::StreamExt;
        let (case_id, att) = (path_segment(id), path_segment(attachment));
        let response = self
            .send(|c, b| c.get(format!("{b}/api/v1/cases/{case_id}/attachments/{att}")))
            .await?;
        if !response.status().is_success() {
            return Err(PortalError::Refused {
                status: response.status().as_u16(),
                message: error_message(response).await,
            });
        }
        Ok(response
            .bytes_stream()
            .map(|r| r.map(|b| b.to_vec()).map_err(std::io::Error::other))
            .boxed())
    }

    /// Opens a message of a case with this member's identity.
    pub fn open(
        &self,
        case_id: &str,
        seq: i64,
        ciphertext_b64: &str,
    ) -> Result<Opened, PortalError> {
        let sealed = B64
            .decode(ciphertext_b64)
            .map_err(|_| PortalError::Decode)?;
        match crypto::open(&sealed, &self.identity) {
            Ok(plain) => Ok(Opened::Envelope(Box::new(Envelope::from_bytes(
                &plain, case_id, seq,
            )?))),
            Err(CryptoError::Decrypt(age::DecryptError::NoMatchingKeys)) => Ok(Opened::NotForMe),
            Err(e) => Err(e.into()),
        }
    }
}

/// Case ids are hex; anything else is replaced so it cannot change the URL's path.
fn path_segment(id: &str) -> String {
    if !id.is_empty() && id.bytes().all(|b| b.is_ascii_hexdigit()) {
        id.to_owned()
    } else {
        "invalid".to_owned()
    }
}

async fn error_message(response: reqwest::Response) -> String {
    #[derive(Deserialize)]
    struct E {
        error: String,
    }
    response
        .json::<E>()
        .await
        .map(|e| e.error)
        .unwrap_or_default()
}

async fn expect_ok(response: reqwest::Response) -> Result<(), PortalError> {
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

async fn decode<T: DeserializeOwned>(response: reqwest::Response) -> Result<T, PortalError> {
    let status = response.status();
    if !status.is_success() {
        return Err(PortalError::Refused {
            status: status.as_u16(),
            message: error_message(response).await,
        });
    }
    response.json::<T>().await.map_err(|_| PortalError::Decode)
}
