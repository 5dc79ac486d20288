//! SHA-256 checksums for the manifest, computed as bytes stream past, or by the edge.

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// Who computes a file's SHA-256, chosen when its reading or writing starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hashing {
    /// The core, as the bytes pass.
    Here,
    /// The edge (the page: natively where a file fits in memory, or on a worker of its own),
    /// which gives the digest later.
    Elsewhere,
}

/// One file's SHA-256, as it comes: hashed here as its bytes pass, or given by the edge.
pub enum Checksum {
    Hashing(Sha256),
    /// Hashed by the edge, which has not given the digest yet.
    Awaited,
    /// Hashed by the edge: the digest it gave (hex).
    Given(String),
}

impl Checksum {
    pub fn new(hashing: Hashing) -> Self {
        match hashing {
            Hashing::Here => Checksum::Hashing(Sha256::new()),
            Hashing::Elsewhere => Checksum::Awaited,
        }
    }

    /// The file's next bytes (the edge hashes them itself when it is to give the digest).
    pub fn update(&mut self, bytes: &[u8]) {
        if let Checksum::Hashing(hasher) = self {
            hasher.update(bytes);
        }
    }

    /// The edge's digest of the file: 64 lowercase hex digits, given once.
    pub fn give(&mut self, digest: String) -> Result<()> {
        match self {
            Checksum::Awaited if is_sha256_hex(&digest) => {
                *self = Checksum::Given(digest);
                Ok(())
            }
            Checksum::Awaited => Err(Error::input(
                "the file's checksum is to be a SHA-256 as 64 hex digits",
            )),
            _ => Err(Error::input("the file was hashed already")),
        }
    }

    /// The digest (hex).
    pub fn finish(self) -> Result<String> {
        match self {
            Checksum::Hashing(hasher) => Ok(hex(&hasher.finalize())),
            Checksum::Given(digest) => Ok(digest),
            Checksum::Awaited => Err(Error::input(
                "the file was to be hashed by the edge, which gave no checksum",
            )),
        }
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// A SHA-256 digest as hex: 64 lowercase hex digits.
pub fn is_sha256_hex(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

pub fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}
