//! One line of a mix, fields in the order training tools expect.

use serde::Serialize;

use super::message::{metadata, Message, Rendered};

#[derive(Serialize)]
struct OutputRow<'a> {
    question: &'a str,
    document_outline: &'a str,
    raw_document: &'a str,
    document: &'a str,
    messages: &'a [Message],
    metadata: String,
    unmask: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    token_length: Option<u32>,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    raft: Option<OracleField>,
}

/// A RAFT file's own field.
#[derive(Serialize)]
struct OracleField {
    oracle_passage: Option<u32>,
}

/// Appends the row's JSON line (with its newline) to `out`.
pub fn write_row(rendered: &Rendered, token_length: Option<u32>, out: &mut Vec<u8>) {
    let row = rendered.record;
    let line = OutputRow {
        question: &row.question,
        document_outline: &row.outline,
        raw_document: &row.raw_document,
        document: &row.document,
        messages: &rendered.messages,
        metadata: metadata(row, rendered.raft),
        unmask: true,
        token_length,
        raft: (rendered.raft.filter(|r| r.field)).map(|r| OracleField {
            oracle_passage: r.oracle_passage,
        }),
    };
    serde_json::to_writer(&mut *out, &line).expect("writing JSON to memory cannot fail");
    out.push(b'\n');
}
