//! A row as the training conversation and metadata the notebook writes.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::raft::RaftRow;
use crate::read::{Kind, Record};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// `user`, `assistant` (or `system`): borrowed when kmix writes it, owned when read back.
    pub role: Cow<'static, str>,
    /// `null` only for an assistant whose row's response is null.
    pub content: Option<String>,
    /// `null` for the user; the reasoning text (or "") for the assistant.
    pub thinking: Option<String>,
}

pub fn conversation(row: &Record) -> [Message; 2] {
    let outline = &row.outline;
    let user = match row.kind {
        // Key facts teach recall: the document stays out of the context.
        Kind::KeyFactsToQa => format!("In {outline}, {}", row.question),
        _ => format!("{outline}\n{}\n\n{}", row.document, row.question),
    };
    [
        Message {
            role: "user".into(),
            content: Some(user),
            thinking: None,
        },
        Message {
            role: "assistant".into(),
            content: row.response.as_deref().map(clean_response),
            thinking: Some(row.reasoning.clone().unwrap_or_default()),
        },
    ]
}

/// A record with its training conversation, built once: counted, then written as its line.
pub struct Rendered<'a> {
    pub record: &'a Record,
    pub messages: [Message; 2],
    /// A RAFT row's: where its oracle passage is.
    pub raft: Option<RaftLine>,
}

/// What a RAFT row's line adds to the knowledge row's: which of the passages in its user message
/// is the oracle (1-based; null when it carries none), in its metadata and, in a RAFT file, as a
/// field of its own (a blend keeps to the knowledge rows' fields, so that it loads as one schema).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RaftLine {
    pub oracle_passage: Option<u32>,
    pub field: bool,
}

impl<'a> Rendered<'a> {
    pub fn new(record: &'a Record) -> Self {
        Rendered {
            record,
            messages: conversation(record),
            raft: None,
        }
    }

    /// The record's RAFT row: the same answer, asked over `raft`'s passages.
    pub fn raft(record: &'a Record, raft: &RaftRow) -> Self {
        let [_, assistant] = conversation(record);
        let user = Message {
            role: "user".into(),
            content: Some(raft.user.clone()),
            thinking: None,
        };
        Rendered {
            record,
            messages: [user, assistant],
            raft: Some(RaftLine {
                oracle_passage: raft.oracle_passage,
                field: true,
            }),
        }
    }

    /// Written into a blend: the knowledge rows' fields alone.
    pub fn in_blend(&mut self) {
        if let Some(raft) = self.raft.as_mut() {
            raft.field = false;
        }
    }

    /// The part of the user message before the question: the augmentation (or source chunk)
    /// that every Q&A row of it repeats. None for key facts, whose message leaves it out.
    pub fn shared_context(&self) -> Option<&str> {
        match self.record.kind {
            Kind::KeyFactsToQa => None,
            _ => self.messages[0]
                .content
                .as_deref()?
                .strip_suffix(self.record.question.as_str()),
        }
    }
}

/// Removes the teacher's `[END]` and `[ANSWER]` markers, then trims white space as the notebook's
/// polars `strip_chars()` does: Unicode White_Space, which keeps the separators U+001C..U+001F.
pub fn clean_response(response: &str) -> String {
    response
        .replace("[END]", "")
        .replace("[ANSWER]", "")
        .trim()
        .to_string()
}

/// The `metadata` column: a JSON string, as the training step expects; a RAFT row's names its
/// dataset so and says where its oracle passage is.
pub fn metadata(row: &Record, raft: Option<RaftLine>) -> String {
    #[derive(Serialize)]
    struct Metadata<'a> {
        sdg_document: &'a str,
        dataset: &'a str,
        raw_document: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        oracle_passage: Option<Option<u32>>,
    }
    serde_json::to_string(&Metadata {
        sdg_document: &row.document,
        dataset: match raft {
            Some(_) => "raft_knowledge_qa",
            None => "document_knowledge_qa",
        },
        raw_document: &row.raw_document,
        oracle_passage: raft.map(|r| r.oracle_passage),
    })
    .expect("serialising strings cannot fail")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_go_and_white_space_is_trimmed() {
        assert_eq!(clean_response("[ANSWER] Yes. [END]"), "Yes.");
        assert_eq!(clean_response("  Yes.\n[END]"), "Yes.");
        assert_eq!(clean_response("\u{1f}a b\u{a0}"), "\u{1f}a b");
    }
}
