//! The desk's side of the re-seal API: the count, the listing (checked to go
//! forward and stay within its bounds) and the two uploads, a file's streamed from
//! disk.

use std::io::{Read, Seek};

use super::client::{Portal, decode, expect_ok};
use super::error::PortalError;
use crate::protocol::reseal::{self, OutdatedCount, PendingCase, PendingPage, ResealedMessages};
use crate::protocol::{AttachmentId, CaseId, Seq};

/// The most cases one run takes on; a larger listing is a portal to distrust.
const MAX_CASES: usize = 1_000_000;

impl Portal {
    /// How many cases the portal says are sealed to an outdated roster.
    pub async fn outdated_cases(&self) -> Result<u64, PortalError> {
        let path = reseal::OUTDATED;
        let count: OutdatedCount =
            decode(self.send(|c, b| c.get(format!("{b}{path}"))).await?).await?;
        Ok(count.cases)
    }

    /// The whole listing, page by page; the pages must go forward in case order.
    pub(super) async fn pending(&self) -> Result<Vec<PendingCase>, PortalError> {
        let mut all: Vec<PendingCase> = Vec::new();
        loop {
            let path = match all.last() {
                Some(c) => format!("{}?after={}", reseal::PENDING, c.id),
                None => reseal::PENDING.to_owned(),
            };
            let page: PendingPage =
                decode(self.send(|c, b| c.get(format!("{b}{path}"))).await?).await?;
            let forward = page
                .cases
                .iter()
                .map(|c| c.id.as_str())
                .try_fold(all.last().map_or("", |c| c.id.as_str()), |prev, id| {
                    (id > prev).then_some(id)
                })
                .is_some();
            let bounded = page.cases.len() <= PendingPage::MAX_CASES
                && page.cases.iter().all(|c| {
                    c.messages.len() <= PendingPage::MAX_ITEMS
                        && c.attachments.len() <= PendingPage::MAX_ITEMS
                });
            if !forward || !bounded || all.len() + page.cases.len() > MAX_CASES {
                return Err(PortalError::Decode);
            }
            let empty = page.cases.is_empty();
            all.extend(page.cases);
            if !page.more || empty {
                return Ok(all);
            }
        }
    }

    /// Replaces some of a case's messages in one upload (swapped together).
    pub(super) async fn put_messages(
        &self,
        id: &CaseId,
        upload: &ResealedMessages,
    ) -> Result<(), PortalError> {
        let path = reseal::messages_path(id);
        expect_ok(
            self.send(|c, b| c.put(format!("{b}{path}")).json(upload))
                .await?,
        )
        .await
    }

    pub(super) async fn put_attachment(
        &self,
        id: &CaseId,
        seq: Seq,
        attachment: &AttachmentId,
        file: &std::fs::File,
    ) -> Result<(), PortalError> {
        let path = reseal::attachment_path(id, seq, attachment);
        expect_ok(
            self.send(|c, b| {
                let rewound = file.try_clone().and_then(|mut f| f.rewind().map(|()| f));
                let body = match rewound {
                    Ok(f) => reqwest::Body::wrap_stream(file_stream(f)),
                    // Refused by the portal as no age file; the run reports it.
                    _ => reqwest::Body::from(Vec::new()),
                };
                c.put(format!("{b}{path}"))
                    .header("content-type", "application/octet-stream")
                    .body(body)
            })
            .await?,
        )
        .await
    }
}

/// A file read in 64 KiB pieces, so an upload never holds the whole file.
fn file_stream(
    file: std::fs::File,
) -> impl futures::Stream<Item = std::io::Result<Vec<u8>>> + Send + 'static {
    futures::stream::unfold(Some(file), |file| async move {
        let mut f = file?;
        let mut buf = vec![0u8; 64 * 1024];
        match f.read(&mut buf) {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok(buf), Some(f)))
            }
            Err(e) => Some((Err(e), None)),
        }
    })
}
