//! The spool an upload streams into before its metadata is removed: an unnamed
//! temporary file (gone when closed, gone after a crash) holding age ciphertext
//! sealed to a key that exists only in this process. No plaintext reaches the disk,
//! and the file can be read back with seeking, as zip archives need.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;

use age::stream::{StreamReader, StreamWriter};

use crate::crypto::Identity;

/// An upload being written: ciphertext in an unnamed temporary file, sealed to a key
/// that exists only in memory.
pub struct Spool {
    writer: StreamWriter<File>,
    identity: Identity,
    len: u64,
    head: Vec<u8>,
}

/// How many leading bytes are kept to recognise the file type.
const HEAD: usize = 16;

impl Spool {
    /// Opens a spool in `dir` (the system temp directory when `None`).
    pub fn new(dir: Option<&Path>) -> io::Result<Self> {
        let file = match dir {
            Some(d) => tempfile::tempfile_in(d)?,
            None => tempfile::tempfile()?,
        };
        let identity = Identity::generate();
        let recipient = identity.to_public();
        let encryptor =
            age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
                .map_err(io::Error::other)?;
        Ok(Self {
            writer: encryptor.wrap_output(file)?,
            identity,
            len: 0,
            head: Vec::with_capacity(HEAD),
        })
    }

    /// Appends plaintext (it reaches the disk only sealed).
    pub fn write(&mut self, data: &[u8]) -> io::Result<()> {
        if self.head.len() < HEAD {
            let take = (HEAD - self.head.len()).min(data.len());
            self.head.extend_from_slice(&data[..take]);
        }
        self.len += data.len() as u64;
        self.writer.write_all(data)
    }

    /// Plaintext bytes written so far.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether nothing was written.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Ends writing and opens the spool for reading.
    pub fn finish(self) -> io::Result<Spooled> {
        let mut file = self.writer.finish()?;
        file.seek(SeekFrom::Start(0))?;
        Ok(Spooled {
            file,
            identity: self.identity,
            len: self.len,
            head: self.head,
        })
    }
}

/// A finished spool, to be read (any number of times) as plaintext.
pub struct Spooled {
    file: File,
    identity: Identity,
    /// Plaintext length.
    pub len: u64,
    /// The first bytes, to recognise the kind of file by.
    pub head: Vec<u8>,
}

impl Spooled {
    /// A fresh seekable plaintext reader from the start.
    pub fn reader(&mut self) -> io::Result<PlainReader<'_>> {
        self.file.seek(SeekFrom::Start(0))?;
        let decryptor = age::Decryptor::new(&mut self.file).map_err(io::Error::other)?;
        let inner = decryptor
            .decrypt(std::iter::once(&self.identity as &dyn age::Identity))
            .map_err(io::Error::other)?;
        Ok(PlainReader {
            inner,
            pos: 0,
            len: self.len,
        })
    }

    /// The whole plaintext, for strippers that need it in memory; refuses more
    /// than `limit` bytes.
    pub fn read_all(&mut self, limit: u64) -> io::Result<Vec<u8>> {
        if self.len > limit {
            return Err(io::Error::other(
                "file too large to hold for metadata removal",
            ));
        }
        let mut out = Vec::with_capacity(self.len as usize);
        self.reader()?.read_to_end(&mut out)?;
        Ok(out)
    }
}

/// The plaintext of a spool, seekable like a file: a seek past the end is allowed
/// and reads nothing there. age's own reader panics when read after such a seek
/// (age 0.12.1, stream.rs:469), and a zip entry that points past the end of an
/// uploaded file makes the Office cleaner do exactly that.
pub struct PlainReader<'a> {
    inner: StreamReader<&'a mut File>,
    pos: u64,
    len: u64,
}

impl Read for PlainReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos >= self.len {
            return Ok(0);
        }
        let n = self.inner.read(buf)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for PlainReader<'_> {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let target = match to {
            SeekFrom::Start(p) => Some(p),
            SeekFrom::End(d) => self.len.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        }
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "seek before the start"))?;
        if target < self.len {
            self.inner.seek(SeekFrom::Start(target))?;
        }
        self.pos = target;
        Ok(target)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spool_reads_back_what_was_written_and_holds_only_ciphertext() {
        let dir = std::env::temp_dir();
        let mut spool = Spool::new(Some(&dir)).unwrap();
        let canary = b"spool-canary-0123456789";
        for _ in 0..1000 {
            spool.write(canary).unwrap();
        }
        let mut done = spool.finish().unwrap();
        assert_eq!(done.len, 23_000);
        assert_eq!(&done.head, &canary[..16]);
        let mut raw = Vec::new();
        done.file.seek(SeekFrom::Start(0)).unwrap();
        done.file.read_to_end(&mut raw).unwrap();
        assert!(!raw.windows(canary.len()).any(|w| w == canary));
        let mut plain = Vec::new();
        done.reader().unwrap().read_to_end(&mut plain).unwrap();
        assert_eq!(plain.len(), 23_000);
        let mut r = done.reader().unwrap();
        r.seek(SeekFrom::Start(22_977)).unwrap();
        let mut tail = Vec::new();
        r.read_to_end(&mut tail).unwrap();
        assert_eq!(tail, canary);
    }

    #[test]
    fn a_seek_past_the_end_reads_nothing_instead_of_panicking() {
        let mut spool = Spool::new(None).unwrap();
        spool.write(&[7u8; 70_000]).unwrap();
        let mut done = spool.finish().unwrap();
        let mut r = done.reader().unwrap();
        for to in [
            SeekFrom::Start(70_000),
            SeekFrom::Start(1 << 40),
            SeekFrom::End(5),
        ] {
            r.seek(to).unwrap();
            let mut buf = [0u8; 100];
            assert_eq!(r.read(&mut buf).unwrap(), 0);
        }
        assert!(r.seek(SeekFrom::Current(-(1 << 41))).is_err());
        assert_eq!(r.seek(SeekFrom::End(-3)).unwrap(), 69_997);
        let mut tail = Vec::new();
        r.read_to_end(&mut tail).unwrap();
        assert_eq!(tail, [7, 7, 7]);
    }
}
