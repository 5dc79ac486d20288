//! Rows of the generation folders (summaries, key facts, document-based Q&A).

use serde::Deserialize;
use serde_json::Value;

use super::fields::{optional, required};
use super::{Kind, Record};
use crate::error::Result;

/// The columns kmix reads; any others are ignored.
#[derive(Deserialize)]
pub struct GeneratedFields {
    question: Option<Value>,
    response: Option<Value>,
    document: Option<Value>,
    raw_document: Option<Value>,
    base_document: Option<Value>,
    document_outline: Option<Value>,
    parse_response_dict_reasoning_content: Option<Value>,
}

impl GeneratedFields {
    /// `document_based_qa` names the source chunk `base_document`; its augmentation is the chunk itself
    /// when `document` is absent.
    pub fn into_record(self, kind: Kind) -> Result<Record> {
        // Checked in the order a person reads the row, so the first problem is the one reported.
        let question = required(self.question, "question")?;
        let response = required(self.response, "response")?;
        let (document, raw_document) = if kind == Kind::DocumentBasedQa {
            let document = optional(self.document, "document")?;
            let raw = required(self.base_document.or(self.raw_document), "base_document")?;
            (document.unwrap_or_else(|| raw.clone()), raw)
        } else {
            (
                required(self.document, "document")?,
                required(self.raw_document, "raw_document")?,
            )
        };
        Ok(Record {
            kind,
            question,
            response,
            document,
            raw_document,
            outline: required(self.document_outline, "document_outline")?,
            reasoning: optional(
                self.parse_response_dict_reasoning_content,
                "parse_response_dict_reasoning_content",
            )?,
        })
    }
}
