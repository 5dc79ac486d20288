//! SHA-256 checksums for the manifest, computed as bytes stream past.

use sha2::{Digest, Sha256};

/// Who computes a file's SHA-256, chosen when its reading or writing starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hashing {
    /// The core, as the bytes pass.
    Here,
    /// The edge (the page, on a worker of its own), which gives the digest later.
    Elsewhere,
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
