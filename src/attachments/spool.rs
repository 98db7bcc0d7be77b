//! The spool an upload streams into before its metadata is removed: an unnamed
//! temporary file (gone when closed, gone after a crash) holding age ciphertext
//! sealed to a key that exists only in this process. No plaintext reaches the disk,
//! and the file can be read back with seeking, as zip archives need.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;

use age::stream::{StreamReader, StreamWriter};

use crate::crypto::Identity;

pub struct Spool {
    writer: StreamWriter<File>,
    identity: Identity,
    len: u64,
    head: Vec<u8>,
}

/// How many leading bytes are kept to recognise the file type.
const HEAD: usize = 16;

impl Spool {
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

    pub fn write(&mut self, data: &[u8]) -> io::Result<()> {
        if self.head.len() < HEAD {
            let take = (HEAD - self.head.len()).min(data.len());
            self.head.extend_from_slice(&data[..take]);
        }
        self.len += data.len() as u64;
        self.writer.write_all(data)
    }

    pub fn len(&self) -> u64 {
        self.len
    }

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
    pub len: u64,
    pub head: Vec<u8>,
}

impl Spooled {
    /// A fresh seekable plaintext reader from the start.
    pub fn reader(&mut self) -> io::Result<StreamReader<&mut File>> {
        self.file.seek(SeekFrom::Start(0))?;
        let decryptor = age::Decryptor::new(&mut self.file).map_err(io::Error::other)?;
        decryptor
            .decrypt(std::iter::once(&self.identity as &dyn age::Identity))
            .map_err(io::Error::other)
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
}
