//! SHA-256 of a stream, for the page where Web Crypto cannot hash a file whole (it has no
//! streaming digest): the mixes' lines on a hashing worker beside the run that writes them, and
//! files too large to hold in memory.

use sha2::Digest;
use wasm_bindgen::prelude::*;

use crate::checksum::hex;

#[wasm_bindgen]
pub struct Sha256 {
    hasher: sha2::Sha256,
}

#[wasm_bindgen]
impl Sha256 {
    #[wasm_bindgen(constructor)]
    #[allow(clippy::new_without_default)] // a JS class: JS has no Default
    pub fn new() -> Sha256 {
        Sha256 {
            hasher: sha2::Sha256::new(),
        }
    }

    pub fn push(&mut self, bytes: &[u8]) {
        self.hasher.update(bytes);
    }

    /// The digest of every byte pushed, as hex.
    pub fn finish(self) -> String {
        hex(&self.hasher.finalize())
    }
}
