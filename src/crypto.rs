//! All cryptography in one place: age recipients and identities, sealing and opening
//! padded messages, HKDF derivations, keyed tags and constant-time comparison.
//!
//! This file is long on purpose: no other module builds its own construction, so
//! everything a cryptographic review must read is here, and about 150 of its lines
//! are tests.

use std::io::{Read, Write};
use std::str::FromStr;

use age::secrecy::ExposeSecret;
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use rand::Rng;
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, Zeroizing};

pub use age::x25519::{Identity, Recipient};

/// Why sealing or opening failed.
#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    /// age could not seal.
    #[error("encryption failed: {0}")]
    Encrypt(age::EncryptError),
    /// age could not open (wrong key, altered or damaged ciphertext).
    #[error("decryption failed: {0}")]
    Decrypt(age::DecryptError),
    /// Reading or writing the age stream failed.
    #[error("I/O while streaming age data: {0}")]
    Io(std::io::Error),
    /// The plaintext is not a padded meldpunt message.
    #[error("the decrypted plaintext is not a padded meldpunt message")]
    BadPadding,
    /// There was nobody to seal to.
    #[error("no recipients to seal to")]
    NoRecipients,
    /// Refused before parsing: no header, or one too long or with too many stanzas.
    #[error("not an age file of meldpunt's (no header, or one too long or with too many stanzas)")]
    HeaderTooLarge,
}

impl From<age::EncryptError> for CryptoError {
    fn from(e: age::EncryptError) -> Self {
        CryptoError::Encrypt(e)
    }
}

impl From<age::DecryptError> for CryptoError {
    fn from(e: age::DecryptError) -> Self {
        CryptoError::Decrypt(e)
    }
}

impl From<std::io::Error> for CryptoError {
    fn from(e: std::io::Error) -> Self {
        CryptoError::Io(e)
    }
}

/// Why a recipients file was refused. Only line numbers are reported: a line may hold
/// key material, and that must not reach a terminal or a log.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RecipientsError {
    /// A secret key on this line: identities must stay off the server.
    #[error(
        "line {0} holds an age SECRET key; a recipients file may hold only public age1… recipients (keep identities off the server)"
    )]
    SecretKey(usize),
    /// This line is not an age X25519 recipient.
    #[error("line {0} is not an age X25519 recipient (expected age1… followed by 58 characters)")]
    Malformed(usize),
    /// This line repeats an earlier recipient.
    #[error("line {0} repeats a recipient that appears earlier in the file")]
    Duplicate(usize),
}

/// Parses an age recipients file: one `age1…` per line, `#` comments and blank lines
/// ignored. Any other line stops with an error that names it.
pub fn parse_recipients(text: &str) -> Result<Vec<Recipient>, RecipientsError> {
    let mut out: Vec<Recipient> = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line_no = index + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.to_ascii_uppercase().starts_with("AGE-SECRET-KEY-") {
            return Err(RecipientsError::SecretKey(line_no));
        }
        let recipient =
            Recipient::from_str(line).map_err(|_| RecipientsError::Malformed(line_no))?;
        if out.iter().any(|r| r.to_string() == recipient.to_string()) {
            return Err(RecipientsError::Duplicate(line_no));
        }
        out.push(recipient);
    }
    Ok(out)
}

/// The committee's recipient set with its short fingerprint, recorded with every
/// ciphertext so a later member change knows what must be sealed again.
#[derive(Clone)]
pub struct RecipientSet {
    recipients: Vec<Recipient>,
    fingerprint: String,
}

impl RecipientSet {
    /// The set of these recipients; an empty set is refused.
    pub fn new(recipients: Vec<Recipient>) -> Result<Self, CryptoError> {
        if recipients.is_empty() {
            return Err(CryptoError::NoRecipients);
        }
        let mut names: Vec<String> = recipients.iter().map(ToString::to_string).collect();
        names.sort();
        names.dedup();
        let digest = Sha256::digest(names.join("\n").as_bytes());
        let fingerprint = hex(&digest[..8]);
        Ok(Self {
            recipients,
            fingerprint,
        })
    }

    /// A short hash of the sorted recipients, stored with each message.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// The recipients, in the order given.
    pub fn recipients(&self) -> &[Recipient] {
        &self.recipients
    }
}

/// Smallest padded size; every message of up to this many bytes looks the same.
const MIN_BUCKET: usize = 1024;

/// Pads to the next power of two (at least [`MIN_BUCKET`]) so stored sizes leak only
/// a bucket, not a length: 4-byte big-endian length, the document, zeros.
fn pad(plaintext: &[u8]) -> Zeroizing<Vec<u8>> {
    let needed = plaintext.len() + 4;
    let bucket = needed.next_power_of_two().max(MIN_BUCKET);
    let mut out = Zeroizing::new(Vec::with_capacity(bucket));
    let len = u32::try_from(plaintext.len()).expect("messages are far below 4 GiB");
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(plaintext);
    out.resize(bucket, 0);
    out
}

fn unpad(mut padded: Vec<u8>) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let Some(len_bytes) = padded.get(..4) else {
        padded.zeroize();
        return Err(CryptoError::BadPadding);
    };
    let len = u32::from_be_bytes(len_bytes.try_into().expect("four bytes")) as usize;
    if len + 4 > padded.len() || padded[len + 4..].iter().any(|b| *b != 0) {
        padded.zeroize();
        return Err(CryptoError::BadPadding);
    }
    padded.copy_within(4..len + 4, 0);
    padded[len..].zeroize();
    padded.truncate(len);
    Ok(Zeroizing::new(padded))
}

/// Seals a message to the committee set plus, when given, the case's reporter.
pub fn seal(
    plaintext: &[u8],
    committee: &RecipientSet,
    reporter: Option<&Recipient>,
) -> Result<Vec<u8>, CryptoError> {
    let mut all: Vec<&dyn age::Recipient> = committee
        .recipients
        .iter()
        .map(|r| r as &dyn age::Recipient)
        .collect();
    if let Some(r) = reporter {
        all.push(r);
    }
    seal_to(&pad(plaintext), all)
}

/// Seals a message to a list of recipients (the desk's replies and notes).
pub fn seal_for(plaintext: &[u8], recipients: &[Recipient]) -> Result<Vec<u8>, CryptoError> {
    if recipients.is_empty() {
        return Err(CryptoError::NoRecipients);
    }
    seal_to(
        &pad(plaintext),
        recipients
            .iter()
            .map(|r| r as &dyn age::Recipient)
            .collect(),
    )
}

/// Seals to a single recipient, e.g. a reporter session's state.
pub fn seal_to_one(plaintext: &[u8], recipient: &Recipient) -> Result<Vec<u8>, CryptoError> {
    seal_to(&pad(plaintext), vec![recipient as &dyn age::Recipient])
}

fn seal_to(padded: &[u8], recipients: Vec<&dyn age::Recipient>) -> Result<Vec<u8>, CryptoError> {
    let encryptor = age::Encryptor::with_recipients(recipients.into_iter())?;
    let mut out = Vec::with_capacity(padded.len() + 512);
    let mut writer = encryptor.wrap_output(&mut out)?;
    writer.write_all(padded)?;
    writer.finish()?;
    Ok(out)
}

/// Opens a sealed message with any identity able to (a member's key or a reporter's
/// derived key) and removes the padding.
pub fn open(
    ciphertext: &[u8],
    identity: &dyn age::Identity,
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    check_header(ciphertext)?;
    // Buffered: the header is parsed line by line, not byte by byte (a tenth of
    // the cost of opening a short message otherwise).
    let decryptor = age::Decryptor::new_buffered(ciphertext)?;
    let mut reader = decryptor.decrypt(std::iter::once(identity))?;
    let mut padded = Vec::with_capacity(ciphertext.len());
    if let Err(e) = reader.read_to_end(&mut padded) {
        padded.zeroize();
        return Err(e.into());
    }
    unpad(padded)
}

/// The most stanzas a header sealed for meldpunt may have: the committee (members
/// and backup keys), the reporter and a grease stanza, with room to spare. The age
/// library's header parser takes time quadratic in the number of stanzas (400 took
/// 0.9 s in a release build), so longer headers are refused before it sees them.
pub const MAX_STANZAS: usize = 100;

/// The longest header [`MAX_STANZAS`] stanzas can make.
pub const MAX_HEADER: usize = 64 * 1024;

/// Refuses an age file whose header is longer than [`MAX_HEADER`] or has more than
/// [`MAX_STANZAS`] stanzas, before the age library parses it: whoever hands us a
/// file (a reporter, a member, a hostile portal) could otherwise make one header
/// cost seconds of CPU. `start` is the whole file or at least its first
/// [`MAX_HEADER`] bytes.
pub fn check_header(start: &[u8]) -> Result<(), CryptoError> {
    let scanned = &start[..start.len().min(MAX_HEADER)];
    let end = match scanned.windows(5).position(|w| w == b"\n--- ") {
        Some(end) => end,
        // Not age at all when short; a header too long to be ours otherwise.
        None => return Err(CryptoError::HeaderTooLarge),
    };
    let stanzas = scanned[..end]
        .split(|b| *b == b'\n')
        .filter(|l| l.starts_with(b"-> "))
        .count();
    if stanzas > MAX_STANZAS {
        return Err(CryptoError::HeaderTooLarge);
    }
    Ok(())
}

/// The number of X25519 recipient stanzas in an age file's header, or `None` when
/// the bytes are not a well-formed age file or have more than [`MAX_STANZAS`]
/// stanzas. Lets the portal check that a message sealed elsewhere reaches every
/// recipient it must, without being able to read it.
pub fn x25519_stanza_count(file: &[u8]) -> Option<usize> {
    let scanned = &file[..file.len().min(MAX_HEADER)];
    let end = scanned.windows(5).position(|w| w == b"\n--- ")?;
    let header = std::str::from_utf8(&file[..end]).ok()?;
    if header.lines().filter(|l| l.starts_with("-> ")).count() > MAX_STANZAS {
        return None;
    }
    age::Decryptor::new_buffered(file).ok()?;
    Some(
        header
            .lines()
            .filter(|l| l.starts_with("-> X25519 "))
            .count(),
    )
}

/// Opens an age file without removing message padding (attachments are padded with
/// zeros after their content; their size is in the message that lists them).
pub fn open_raw(
    ciphertext: &[u8],
    identity: &dyn age::Identity,
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    check_header(ciphertext)?;
    let decryptor = age::Decryptor::new_buffered(ciphertext)?;
    let mut reader = decryptor.decrypt(std::iter::once(identity))?;
    let mut out = Zeroizing::new(Vec::with_capacity(ciphertext.len()));
    reader.read_to_end(&mut out)?;
    Ok(out)
}

/// Opens a sealed message and seals the same plaintext again to `recipients`
/// (re-sealing after a committee change); the plaintext is also returned so the
/// caller can check what it is before uploading.
pub fn reseal(
    ciphertext: &[u8],
    identity: &dyn age::Identity,
    recipients: &[Recipient],
) -> Result<(Zeroizing<Vec<u8>>, Vec<u8>), CryptoError> {
    let plain = open(ciphertext, identity)?;
    let sealed = seal_for(&plain, recipients)?;
    Ok((plain, sealed))
}

/// Re-seals an age stream (a stored file, padding and all) from `input` to
/// `output` without holding it in memory: age decrypts and encrypts in 64 KiB
/// chunks. Returns the plaintext size and the SHA-256 of its first `content_len`
/// bytes (a file's content before its padding), so the caller can check that the
/// stream is the file its message describes. A file this identity cannot open is
/// `CryptoError::Decrypt(NoMatchingKeys)`, as for messages.
pub fn reseal_stream<R: Read, W: Write>(
    mut input: R,
    output: W,
    identity: &dyn age::Identity,
    recipients: &[Recipient],
    content_len: u64,
) -> Result<(u64, [u8; 32]), CryptoError> {
    if recipients.is_empty() {
        return Err(CryptoError::NoRecipients);
    }
    let mut head = Vec::with_capacity(MAX_HEADER);
    (&mut input)
        .take(MAX_HEADER as u64)
        .read_to_end(&mut head)?;
    check_header(&head)?;
    let decryptor = age::Decryptor::new_buffered(std::io::BufReader::with_capacity(
        64 * 1024,
        std::io::Cursor::new(head).chain(input),
    ))?;
    let mut reader = decryptor.decrypt(std::iter::once(identity))?;
    let encryptor =
        age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient))?;
    let mut writer = encryptor.wrap_output(output)?;
    let mut buf = Zeroizing::new(vec![0u8; 64 * 1024]);
    let mut total = 0u64;
    let mut hasher = Sha256::new();
    loop {
        let n = reader.read(&mut buf)?;
        if n == 0 {
            break;
        }
        let content = content_len.saturating_sub(total).min(n as u64) as usize;
        hasher.update(&buf[..content]);
        writer.write_all(&buf[..n])?;
        total += n as u64;
    }
    writer.finish()?.flush()?;
    Ok((total, hasher.finalize().into()))
}

/// An age X25519 identity from 32 secret bytes. age has no raw-bytes constructor, so
/// the bytes go through the Bech32 form that `AGE-SECRET-KEY-1…` strings use.
pub fn identity_from_bytes(secret: &[u8; 32]) -> Identity {
    let hrp = bech32::Hrp::parse("age-secret-key-").expect("valid human-readable part");
    let mut lower =
        bech32::encode::<bech32::Bech32>(hrp, secret).expect("74 characters fit the limit");
    let upper = Zeroizing::new(lower.to_uppercase());
    lower.zeroize();
    Identity::from_str(&upper).expect("a Bech32 encoding of 32 bytes is a valid identity")
}

/// Parses an `AGE-SECRET-KEY-1…` line (as in an age-keygen file) into an identity.
pub fn parse_identity(text: &str) -> Option<Identity> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .find_map(|l| Identity::from_str(l).ok())
}

/// Text of an identity file in age-keygen's format, for the demo key.
pub fn identity_file_text(identity: &Identity) -> Zeroizing<String> {
    Zeroizing::new(format!(
        "# created by meldpunt for the local demonstration only\n# public key: {}\n{}\n",
        identity.to_public(),
        identity.to_string().expose_secret()
    ))
}

/// Text of a member's identity file in age-keygen's format.
pub fn identity_file_text_for_member(identity: &Identity) -> Zeroizing<String> {
    Zeroizing::new(format!(
        "# meldpunt committee identity\n# public key: {}\n{}\n",
        identity.to_public(),
        identity.to_string().expose_secret()
    ))
}

/// HKDF-SHA256: extract with `salt`, expand to 32 bytes under `info`.
pub fn hkdf32(ikm: &[u8], salt: &[u8], info: &[u8]) -> Zeroizing<[u8; 32]> {
    let hk = Hkdf::<Sha256>::new(Some(salt), ikm);
    let mut out = Zeroizing::new([0u8; 32]);
    hk.expand(info, out.as_mut())
        .expect("32 bytes is a valid HKDF-SHA256 output length");
    out
}

/// HMAC-SHA256 tag, for form tokens.
pub fn hmac_tag(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().into()
}

/// One link of a hash chain: SHA-256 over the previous hash and length-prefixed
/// fields, so no two different entries hash alike.
pub fn chain_hash(prev: &[u8], fields: &[&[u8]]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"meldpunt v1 audit");
    h.update(prev);
    for f in fields {
        h.update((f.len() as u64).to_be_bytes());
        h.update(f);
    }
    h.finalize().into()
}

/// A writer that hashes (SHA-256) and counts what passes through it.
pub struct HashingWriter<W> {
    inner: W,
    hasher: Sha256,
    count: u64,
}

impl<W: Write> HashingWriter<W> {
    /// Wraps `inner`; nothing hashed yet.
    pub fn new(inner: W) -> Self {
        Self {
            inner,
            hasher: Sha256::new(),
            count: 0,
        }
    }

    /// The inner writer, the number of bytes and their SHA-256.
    pub fn finish(self) -> (W, u64, [u8; 32]) {
        (self.inner, self.count, self.hasher.finalize().into())
    }
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.count += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// SHA-256 of `data`.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// Constant-time equality for secrets and tags.
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

/// Fresh random bytes from the operating system's generator.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    rand::rng().fill_bytes(&mut out);
    out
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 15)] as char);
    }
    s
}

/// The bytes of a hex string (either case), or `None` for anything else.
pub fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    let digit = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    s.as_bytes()
        .chunks(2)
        .map(|pair| Some(digit(pair[0])? << 4 | digit(pair[1])?))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keypair() -> (Identity, Recipient) {
        let id = Identity::generate();
        let r = id.to_public();
        (id, r)
    }

    /// Length of the payload after the age header. The header itself varies by a
    /// random "grease" stanza age adds to every file; it carries no information.
    pub(crate) fn payload_len(ct: &[u8]) -> usize {
        let mac_line = ct.windows(5).position(|w| w == b"\n--- ").unwrap() + 1;
        let end = mac_line + ct[mac_line..].iter().position(|b| *b == b'\n').unwrap() + 1;
        ct.len() - end
    }

    #[test]
    fn padding_hides_lengths_within_a_bucket() {
        let (_, r) = keypair();
        let set = RecipientSet::new(vec![r]).unwrap();
        let small = seal(b"x", &set, None).unwrap();
        let large = seal(&[b'y'; 900], &set, None).unwrap();
        assert_eq!(payload_len(&small), payload_len(&large));
        let bigger = seal(&[b'z'; 1100], &set, None).unwrap();
        assert!(payload_len(&bigger) > payload_len(&large));
        let big = seal(&[b'z'; 2000], &set, None).unwrap();
        assert_eq!(payload_len(&bigger), payload_len(&big));
    }

    #[test]
    fn sealed_text_opens_for_committee_and_reporter_but_not_a_stranger() {
        let (committee_id, committee) = keypair();
        let (reporter_id, reporter) = keypair();
        let (stranger_id, _) = keypair();
        let set = RecipientSet::new(vec![committee]).unwrap();
        let ct = seal(b"hello", &set, Some(&reporter)).unwrap();
        assert_eq!(&open(&ct, &committee_id).unwrap()[..], b"hello");
        assert_eq!(&open(&ct, &reporter_id).unwrap()[..], b"hello");
        assert!(open(&ct, &stranger_id).is_err());
    }

    #[test]
    fn a_flipped_byte_fails_closed() {
        let (id, r) = keypair();
        let set = RecipientSet::new(vec![r]).unwrap();
        let mut ct = seal(b"hello", &set, None).unwrap();
        let last = ct.len() - 20;
        ct[last] ^= 1;
        assert!(open(&ct, &id).is_err());
    }

    #[test]
    fn recipients_file_accepts_comments_and_names_bad_lines() {
        let (_, a) = keypair();
        let (_, b) = keypair();
        let ok = format!("# committee\n\n{a}\n  {b}  \n");
        assert_eq!(parse_recipients(&ok).unwrap().len(), 2);
        let secret = Identity::generate();
        let with_secret = format!("{a}\n{}\n", secret.to_string().expose_secret());
        assert_eq!(
            parse_recipients(&with_secret).err(),
            Some(RecipientsError::SecretKey(2))
        );
        assert_eq!(
            parse_recipients("# x\nage1nonsense\n").err(),
            Some(RecipientsError::Malformed(2))
        );
        assert_eq!(
            parse_recipients(&format!("{a}\n{a}\n")).err(),
            Some(RecipientsError::Duplicate(2))
        );
    }

    /// Found by the `recipients` fuzz target: a line that copies our own message text
    /// "appears" in the message. What matters is that a message is a fixed template
    /// plus a line number, whatever the file holds.
    #[test]
    fn recipients_error_messages_are_fixed_templates_whatever_the_input() {
        let crash = b"line 1 is not an age X25519\n#\t\x10\n8\n\x08\x10\n8\n88";
        let text = std::str::from_utf8(crash).unwrap();
        let shape = |m: &str| {
            m.chars()
                .filter(|c| !c.is_ascii_digit())
                .collect::<String>()
        };
        let err = parse_recipients(text).unwrap_err();
        assert_eq!(err, RecipientsError::Malformed(1));
        assert_eq!(
            shape(&err.to_string()),
            shape(&RecipientsError::Malformed(0).to_string())
        );
    }

    #[test]
    fn recipients_error_messages_never_contain_the_line() {
        let secret = Identity::generate();
        let text = secret.to_string().expose_secret().to_owned();
        let err = parse_recipients(&text).unwrap_err().to_string();
        assert!(!err.contains(&text[15..]));
    }

    #[test]
    fn identity_from_bytes_matches_the_age_test_vector() {
        // From age's own test vectors: this secret key belongs to this recipient.
        let id = Identity::from_str(
            "AGE-SECRET-KEY-1GQ9778VQXMMJVE8SK7J6VT8UJ4HDQAJUVSFCWCM02D8GEWQ72PVQ2Y5J33",
        )
        .unwrap();
        let bytes: [u8; 32] = bech32_bytes(
            "AGE-SECRET-KEY-1GQ9778VQXMMJVE8SK7J6VT8UJ4HDQAJUVSFCWCM02D8GEWQ72PVQ2Y5J33",
        );
        let rebuilt = identity_from_bytes(&bytes);
        assert_eq!(rebuilt.to_public().to_string(), id.to_public().to_string());
    }

    fn bech32_bytes(s: &str) -> [u8; 32] {
        let (_, data) = bech32::decode(s).unwrap();
        data.try_into().unwrap()
    }

    #[test]
    fn stanza_counting_refuses_what_is_not_age() {
        let (_, a) = keypair();
        let (_, b) = keypair();
        let set = RecipientSet::new(vec![a]).unwrap();
        assert_eq!(
            x25519_stanza_count(&seal(b"x", &set, Some(&b)).unwrap()),
            Some(2)
        );
        assert_eq!(
            x25519_stanza_count(&seal(b"x", &set, None).unwrap()),
            Some(1)
        );
        assert_eq!(x25519_stanza_count(b"plain text reply"), None);
        // Too many stanzas: refused by counting lines, before age parses the header.
        let many: String = (0..=MAX_STANZAS)
            .map(|_| "-> X25519 AAAA\nAAAA\n")
            .collect();
        let file = format!("age-encryption.org/v1\n{many}--- AAAA\n");
        assert_eq!(x25519_stanza_count(file.as_bytes()), None);
        assert_eq!(
            x25519_stanza_count(b"age-encryption.org/v1\n-> X25519 abc\n--- xyz\n"),
            None
        );
    }

    #[test]
    fn hex_round_trips() {
        let bytes = [0u8, 1, 0xab, 0xff];
        assert_eq!(hex(&bytes), "0001abff");
        assert_eq!(unhex("0001abff").unwrap(), bytes);
        assert!(unhex("0g").is_none());
        assert!(unhex("abc").is_none());
    }

    #[test]
    fn a_resealed_stream_opens_for_the_new_set_only_and_hashes_its_content() {
        let (old, old_r) = keypair();
        let (new, new_r) = keypair();
        let (other, _) = keypair();
        let mut padded = b"file content".to_vec();
        padded.resize(200_000, 0);
        let sealed = seal_to(&padded, vec![&old_r as &dyn age::Recipient]).unwrap();
        let mut out = Vec::new();
        let (total, digest) = reseal_stream(
            &sealed[..],
            &mut out,
            &old,
            std::slice::from_ref(&new_r),
            12,
        )
        .unwrap();
        assert_eq!(total, 200_000);
        assert_eq!(digest, sha256(b"file content"));
        assert_eq!(open_raw(&out, &new).unwrap().as_slice(), padded.as_slice());
        assert!(open_raw(&out, &old).is_err());
        assert!(matches!(
            reseal_stream(&sealed[..], Vec::new(), &other, &[new_r], 12),
            Err(CryptoError::Decrypt(age::DecryptError::NoMatchingKeys))
        ));
    }
}
