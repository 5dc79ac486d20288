//! Rows of the generation folders (summaries, key facts, document-based Q&A).

use serde::Deserialize;
use serde_json::Value;

use super::fields::{optional, required};
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

pub struct GeneratedRow {
    pub question: String,
    pub response: String,
    pub document: String,
    pub raw_document: String,
    pub outline: String,
    pub reasoning: Option<String>,
}

impl GeneratedFields {
    /// `document_based_qa` names the source chunk `base_document`; its augmentation is the chunk itself
    /// when `document` is absent.
    pub fn into_row(self, based_on_document: bool) -> Result<GeneratedRow> {
        // Checked in the order a person reads the row, so the first problem is the one reported.
        let question = required(self.question, "question")?;
        let response = required(self.response, "response")?;
        let (document, raw_document) = if based_on_document {
            let document = optional(self.document, "document")?;
            let raw = required(self.base_document.or(self.raw_document), "base_document")?;
            (document.unwrap_or_else(|| raw.clone()), raw)
        } else {
            (
                required(self.document, "document")?,
                required(self.raw_document, "raw_document")?,
            )
        };
        Ok(GeneratedRow {
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
