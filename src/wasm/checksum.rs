//! SHA-256 of a stream, for the page's hashing worker: the input files once the first pass has
//! indexed them, the mixes' lines beside the run that writes them.

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
