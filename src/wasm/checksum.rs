//! SHA-256 of a stream, for the page's hashing worker: the inputs' bytes beside the first pass
//! that parses them, the mixes' lines beside the run that writes them.

use wasm_bindgen::prelude::*;

use crate::checksum::Hashing;

#[wasm_bindgen]
pub struct Sha256 {
    hashing: Hashing<std::io::Sink>,
}

#[wasm_bindgen]
impl Sha256 {
    #[wasm_bindgen(constructor)]
    #[allow(clippy::new_without_default)] // a JS class: JS has no Default
    pub fn new() -> Sha256 {
        Sha256 {
            hashing: Hashing::new(std::io::sink()),
        }
    }

    pub fn push(&mut self, bytes: &[u8]) {
        use std::io::Write;
        self.hashing
            .write_all(bytes)
            .expect("writing to a sink cannot fail");
    }

    /// The digest of every byte pushed, as hex.
    pub fn finish(self) -> String {
        self.hashing.finish().1
    }
}
