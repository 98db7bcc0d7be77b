//! Reading stored attachments back: the chunk rows as a stream, and decryption of
//! such a stream (on the portal for a reporter, on the desk for a member) with the
//! header bound checked before the age parser sees it.

use std::io;

use futures::{AsyncReadExt, Stream, StreamExt, TryStreamExt};

use crate::crypto::Identity;
use crate::storage::Storage;

/// The stored chunks of an attachment as a stream, for downloads.
pub fn chunks(storage: Storage, id: String, count: i64) -> impl Stream<Item = io::Result<Vec<u8>>> {
    futures::stream::iter(0..count).then(move |idx| {
        let storage = storage.clone();
        let id = id.clone();
        async move {
            storage
                .chunk(&id, idx)
                .await
                .map_err(io::Error::other)?
                .ok_or_else(|| io::Error::other("a chunk is missing"))
        }
    })
}

/// Decrypts a stream of age ciphertext with `identity`, yielding at most `size`
/// bytes (the padding is dropped). The header is checked against the stanza bound
/// before the age library parses it: the ciphertext may come from a hostile portal.
pub fn decrypt<S>(
    ciphertext: S,
    identity: Identity,
    size: u64,
) -> impl Stream<Item = io::Result<Vec<u8>>>
where
    S: Stream<Item = io::Result<Vec<u8>>> + Unpin + Send + 'static,
{
    futures::stream::once(async move {
        let (head, rest) = read_head(ciphertext).await?;
        crate::crypto::check_header(&head).map_err(io::Error::other)?;
        let whole = futures::stream::iter([Ok(head)]).chain(rest);
        let decryptor = age::Decryptor::new_async_buffered(whole.into_async_read())
            .await
            .map_err(io::Error::other)?;
        decryptor
            .decrypt_async(std::iter::once(&identity as &dyn age::Identity))
            .map_err(io::Error::other)
    })
    .map(move |opened| {
        let state = opened.map(|r| (r, size));
        futures::stream::try_unfold(state, |state| async move {
            let (mut reader, left) = match state {
                Ok(s) => s,
                Err(e) => return Err(e),
            };
            if left == 0 {
                return Ok(None);
            }
            let mut buf = vec![0u8; (64 * 1024).min(left as usize)];
            let n = reader.read(&mut buf).await?;
            if n == 0 {
                return Err(io::Error::other("the file ended early"));
            }
            buf.truncate(n);
            Ok(Some((buf, Ok((reader, left - n as u64)))))
        })
    })
    .flatten()
}

/// Reads from a stream until the age header's end is in hand or the header bound
/// is passed: the bytes read, and the rest of the stream.
async fn read_head<S>(mut stream: S) -> io::Result<(Vec<u8>, S)>
where
    S: Stream<Item = io::Result<Vec<u8>>> + Unpin,
{
    let mut head = Vec::new();
    while head.len() <= crate::crypto::MAX_HEADER && !head.windows(5).any(|w| w == b"\n--- ") {
        match stream.next().await {
            Some(piece) => head.extend_from_slice(&piece?),
            None => break,
        }
    }
    Ok((head, stream))
}
