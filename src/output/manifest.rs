//! `manifest.json` beside the mixes: everything needed to reproduce and check them. It holds no
//! time stamp, so the same inputs and parameters give the same manifest, byte for byte.

use serde::Serialize;

use super::contaminated::Contamination;
use super::raft::RaftReport;
use super::refused::RefusedRows;
use super::report::CutReport;
use crate::blend::{BlendParams, BlendReport};
use crate::mix::Mix;
use crate::read::{BadRows, InputFile, ReadOptions};
use crate::tokens::TokenizerInfo;

/// One written mix, as checked after writing.
#[derive(Debug, Clone, Serialize)]
pub struct OutputFile {
    pub file_name: String,
    pub rows: u64,
    pub bytes: u64,
    pub sha256: String,
}

/// What was read, and how.
#[derive(Serialize)]
pub struct ReadRecord<'a> {
    /// The folders and files the user chose, by name (never a full path: it would say more about
    /// their machine than about the data; each input's checksum identifies it).
    pub roots: &'a [String],
    #[serde(flatten)]
    pub options: ReadOptions,
}

#[derive(Serialize)]
pub struct Manifest<'a> {
    pub kmix_version: &'a str,
    pub read: ReadRecord<'a>,
    pub mix: &'a Mix,
    pub inputs: &'a [InputFile],
    pub bad_rows: &'a BadRows,
    /// Rows the chat template cannot render, left out under `--skip-bad-rows`; absent when
    /// none are, so that a manifest changes only where a run did.
    #[serde(skip_serializing_if = "RefusedRows::is_empty")]
    pub refused_rows: &'a RefusedRows,
    /// The held-out files (path, SHA-256), the rows found to leak them and whether they were left
    /// out; absent without held-out files.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub held_out: Option<&'a Contamination>,
    /// How the RAFT rows were made, and per cut how many carry their oracle; absent without.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raft: Option<&'a RaftReport>,
    pub tokenizer: Option<&'a TokenizerInfo>,
    pub report: &'a [CutReport],
    /// The blends and the trainer pre-flight, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blend: Option<BlendRecord<'a>>,
    pub outputs: &'a [OutputFile],
}

#[derive(Serialize)]
pub struct BlendRecord<'a> {
    pub params: &'a BlendParams,
    pub cuts: &'a [BlendReport],
}

impl Manifest<'_> {
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("the manifest is plain data");
        text.push('\n');
        text
    }
}
