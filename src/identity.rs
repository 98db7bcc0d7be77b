//! A committee member's identity file: a plain age-keygen file, or one encrypted
//! with a passphrase (age scrypt, binary or armored, as `age -p` or `meldpunt
//! keygen` write it). The identity never leaves the member's computer.

use std::io::{BufReader, Read, Write};
use std::path::Path;

use age::armor::{ArmoredReader, ArmoredWriter, Format};
use age::secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use crate::crypto::{self, Identity};

/// Why an identity file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    /// The file could not be read.
    #[error("cannot read the identity file: {0}")]
    Read(std::io::Error),
    /// The file could not be written.
    #[error("cannot write the identity file: {0}")]
    Write(std::io::Error),
    /// No `AGE-SECRET-KEY-1…` line in it.
    #[error("the identity file holds no age identity (AGE-SECRET-KEY-1…)")]
    NoIdentity,
    /// The passphrase does not open it.
    #[error("the passphrase does not open the identity file")]
    WrongPassphrase,
    /// It is encrypted to a key, which the desk cannot ask for.
    #[error("the identity file is encrypted to a key, not a passphrase")]
    NotPassphrase,
    /// Encrypting a new identity file failed.
    #[error("encryption failed: {0}")]
    Encrypt(age::EncryptError),
}

impl From<age::EncryptError> for IdentityError {
    fn from(e: age::EncryptError) -> Self {
        IdentityError::Encrypt(e)
    }
}

/// An identity file as read from disk, before any passphrase.
pub enum IdentityFile {
    /// A plain `age-keygen` identity, usable at once.
    Plain(Identity),
    /// An age file to open with a passphrase.
    Encrypted(Vec<u8>),
}

fn is_age_file(bytes: &[u8]) -> bool {
    bytes.starts_with(b"age-encryption.org/v1")
        || bytes.starts_with(b"-----BEGIN AGE ENCRYPTED FILE-----")
}

/// Reads an identity file, plain or passphrase-protected (armoured or not).
pub fn read(path: &Path) -> Result<IdentityFile, IdentityError> {
    let bytes = Zeroizing::new(std::fs::read(path).map_err(IdentityError::Read)?);
    if is_age_file(&bytes) {
        return Ok(IdentityFile::Encrypted(bytes.to_vec()));
    }
    let text = std::str::from_utf8(&bytes).map_err(|_| IdentityError::NoIdentity)?;
    crypto::parse_identity(text)
        .map(IdentityFile::Plain)
        .ok_or(IdentityError::NoIdentity)
}

impl IdentityFile {
    /// Opens the file; `passphrase` is needed only when it is encrypted.
    pub fn unlock(&self, passphrase: Option<&SecretString>) -> Result<Identity, IdentityError> {
        match self {
            IdentityFile::Plain(id) => Ok(id.clone()),
            IdentityFile::Encrypted(bytes) => {
                let passphrase = passphrase.ok_or(IdentityError::WrongPassphrase)?;
                let decryptor =
                    age::Decryptor::new_buffered(ArmoredReader::new(BufReader::new(&bytes[..])))
                        .map_err(|_| IdentityError::NoIdentity)?;
                if !decryptor.is_scrypt() {
                    return Err(IdentityError::NotPassphrase);
                }
                let key = age::scrypt::Identity::new(passphrase.clone());
                let mut reader = decryptor
                    .decrypt(std::iter::once(&key as &dyn age::Identity))
                    .map_err(|_| IdentityError::WrongPassphrase)?;
                let mut plain = Zeroizing::new(Vec::new());
                reader
                    .read_to_end(&mut plain)
                    .map_err(|_| IdentityError::WrongPassphrase)?;
                let text = std::str::from_utf8(&plain).map_err(|_| IdentityError::NoIdentity)?;
                crypto::parse_identity(text).ok_or(IdentityError::NoIdentity)
            }
        }
    }

    /// Whether a passphrase is needed before it can be used.
    pub fn is_encrypted(&self) -> bool {
        matches!(self, IdentityFile::Encrypted(_))
    }
}

/// Writes a new identity encrypted with a passphrase (armored age scrypt). The work
/// factor is set explicitly: age would otherwise calibrate it to the machine.
pub fn write_encrypted(
    path: &Path,
    identity: &Identity,
    passphrase: SecretString,
    work_factor: u8,
) -> Result<(), IdentityError> {
    let mut recipient = age::scrypt::Recipient::new(passphrase);
    recipient.set_work_factor(work_factor);
    let encryptor =
        age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))?;
    let mut out = Vec::new();
    {
        let armored = ArmoredWriter::wrap_output(&mut out, Format::AsciiArmor)
            .map_err(IdentityError::Write)?;
        let mut w = encryptor
            .wrap_output(armored)
            .map_err(IdentityError::Write)?;
        w.write_all(crypto::identity_file_text_for_member(identity).as_bytes())
            .map_err(IdentityError::Write)?;
        w.finish()
            .and_then(|a| a.finish())
            .map_err(IdentityError::Write)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(IdentityError::Write)?;
    file.write_all(&out)
        .and_then(|()| file.sync_all())
        .map_err(IdentityError::Write)
}

/// Reads a passphrase without echo from the terminal.
pub fn prompt_passphrase(prompt: &str) -> std::io::Result<SecretString> {
    rpassword::prompt_password(prompt).map(SecretString::from)
}

/// Reads a passphrase from the first line of a file.
pub fn passphrase_from_file(path: &Path) -> std::io::Result<SecretString> {
    let text = Zeroizing::new(std::fs::read_to_string(path)?);
    Ok(SecretString::from(
        text.lines().next().unwrap_or("").to_owned(),
    ))
}

/// The public recipient of an identity, for printing.
pub fn recipient_of(identity: &Identity) -> String {
    identity.to_public().to_string()
}

/// Exposes the secret key text (for writing an identity file); use sparingly.
pub fn secret_text(identity: &Identity) -> Zeroizing<String> {
    Zeroizing::new(identity.to_string().expose_secret().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_identity_written_with_a_passphrase_opens_only_with_it() {
        let dir = tempfile_dir();
        let path = dir.join("key.age");
        let identity = Identity::generate();
        write_encrypted(
            &path,
            &identity,
            SecretString::from("correct horse".to_owned()),
            10,
        )
        .unwrap();
        let file = read(&path).unwrap();
        assert!(file.is_encrypted());
        let opened = file
            .unlock(Some(&SecretString::from("correct horse".to_owned())))
            .unwrap();
        assert_eq!(recipient_of(&opened), recipient_of(&identity));
        assert!(matches!(
            file.unlock(Some(&SecretString::from("wrong".to_owned()))),
            Err(IdentityError::WrongPassphrase)
        ));
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("AGE-SECRET-KEY"));
        std::fs::remove_dir_all(dir).unwrap();
    }

    fn tempfile_dir() -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "meldpunt-id-{}",
            crypto::hex(&crypto::random_bytes::<8>())
        ));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
