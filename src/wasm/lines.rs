//! A task's lines as they cross the page's workers: their bytes in `Uint8Array`s of the page's
//! memory, beside the lengths the core tallies. The core's [`ChunkResult`] and [`Ready`] hold
//! the lengths; the arrays travel in these shapes (their fields declared here, once), never
//! copied into the coordinator's wasm memory.

use std::collections::HashMap;
use std::ops::Range;

use js_sys::{Array, ArrayBuffer, Uint8Array};
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsCast;

use crate::error::Error;
use crate::render::CutLines;
use crate::run::{ChunkResult, ContaminatedRow, RaftResult, Ready, RefusedRow};
use crate::tokens::RowTokens;

/// `render::CutLines` with its bytes in a JS array.
#[derive(Serialize, Deserialize)]
pub struct JsLines {
    #[serde(with = "serde_wasm_bindgen::preserve")]
    pub bytes: Uint8Array,
    pub lens: Vec<u32>,
}

/// `run::ChunkResult`, as a processor gives it and the coordinator's run takes it.
#[derive(Serialize, Deserialize)]
pub struct JsChunkResult {
    pub seq: u32,
    pub counts: Option<Vec<RowTokens>>,
    pub lines: Vec<JsLines>,
    #[serde(default)]
    pub refused: Vec<RefusedRow>,
    #[serde(default)]
    pub contaminated: Vec<ContaminatedRow>,
    #[serde(default)]
    pub documents: Vec<String>,
    #[serde(default)]
    pub raft: Option<RaftResult>,
}

/// `run::Ready`: a task's lines for every output file, to write in order.
#[derive(Serialize)]
pub struct JsReady {
    pub seq: u32,
    pub rows: usize,
    pub total: usize,
    pub lines: Vec<JsLines>,
}

impl JsChunkResult {
    /// A processor's result, each file's bytes copied into a buffer taken from `spares` (an
    /// array of ArrayBuffers, which loses those it gives) where one is large enough: memory the
    /// page has touched before costs far less than new memory.
    pub fn from_core(result: ChunkResult, spares: &Array) -> Self {
        let lines = (result.lines.into_iter())
            .map(|lines| {
                let bytes = buffer_for(spares, lines.bytes.len());
                bytes.copy_from(&lines.bytes);
                JsLines {
                    bytes,
                    lens: lines.lens,
                }
            })
            .collect();
        JsChunkResult {
            seq: result.seq,
            counts: result.counts,
            lines,
            refused: result.refused,
            contaminated: result.contaminated,
            documents: result.documents,
            raft: result.raft,
        }
    }

    /// The core's result (each file's lengths) and, apart, each file's bytes; checked to agree.
    pub fn into_core(self) -> Result<(ChunkResult, Vec<Uint8Array>), Error> {
        let agree = |l: &JsLines| u64::from(l.bytes.length()) == lengths(&l.lens);
        if !self.lines.iter().all(agree) {
            return Err(Error::input(format!(
                "task {} came back with lines whose bytes and lengths disagree",
                self.seq
            )));
        }
        let (bytes, lines) = (self.lines.into_iter())
            .map(|l| {
                let lines = CutLines {
                    bytes: Vec::new(),
                    lens: l.lens,
                };
                (l.bytes, lines)
            })
            .unzip();
        let result = ChunkResult {
            seq: self.seq,
            counts: self.counts,
            lines,
            refused: self.refused,
            contaminated: self.contaminated,
            documents: self.documents,
            raft: self.raft,
        };
        Ok((result, bytes))
    }
}

fn lengths(lens: &[u32]) -> u64 {
    lens.iter().map(|&len| u64::from(len)).sum()
}

/// The bytes of results taken back ahead of their turn, until the run gives their lines out.
#[derive(Default)]
pub struct HeldBytes(HashMap<u32, Vec<Uint8Array>>);

impl HeldBytes {
    /// Task `seq`'s bytes, one array per file its lines go to.
    pub fn hold(&mut self, seq: u32, bytes: Vec<Uint8Array>) {
        self.0.insert(seq, bytes);
    }

    /// A task now complete in order, with its bytes: `files` are the output files its lines
    /// go to (see `MixRun::files_of`); the others' lines are empty.
    pub fn give_out(&mut self, ready: Ready, files: Range<usize>) -> JsReady {
        let mut held = self.0.remove(&ready.seq).unwrap_or_default().into_iter();
        let lines = (ready.lines.into_iter().enumerate())
            .map(|(file, lines)| JsLines {
                bytes: (files.contains(&file))
                    .then(|| held.next())
                    .flatten()
                    .unwrap_or_else(|| Uint8Array::new_with_length(0)),
                lens: lines.lens,
            })
            .collect();
        JsReady {
            seq: ready.seq,
            rows: ready.rows,
            total: ready.total,
            lines,
        }
    }
}

/// `len` bytes at the start of the first of `spares` large enough (taken out of the array), or
/// of a new buffer with room to spare, so that it can be used again for a larger result.
fn buffer_for(spares: &Array, len: usize) -> Uint8Array {
    let len = len as u32;
    if len == 0 {
        // Empty lines are never written nor hashed, so a spare given them would not come back.
        return Uint8Array::new_with_length(0);
    }
    let fits = |b: &wasm_bindgen::JsValue| {
        b.dyn_ref::<ArrayBuffer>().map(|b| b.byte_length()) >= Some(len)
    };
    let buffer = match spares.find_index(&mut |b, _, _| fits(&b)) {
        -1 => ArrayBuffer::new(len + len / 4),
        at => {
            // Taken out, the last one filling its place.
            let (at, last) = (at as u32, spares.pop());
            let taken = if at < spares.length() {
                let taken = spares.get(at);
                spares.set(at, last);
                taken
            } else {
                last
            };
            taken.unchecked_into()
        }
    };
    Uint8Array::new_with_byte_offset_and_length(&buffer, 0, len)
}
