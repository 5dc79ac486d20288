//! Rows of the generation folders (summaries, key facts, document-based Q&A).

use serde::Deserialize;
use serde_json::Value;

use super::fields::{optional, present, Required};
use super::{Kind, Record};
use crate::error::Result;

/// The columns kmix reads; any others are ignored.
#[derive(Deserialize)]
pub struct GeneratedFields {
    #[serde(default, deserialize_with = "present")]
    question: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    response: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    document: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    raw_document: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    base_document: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    document_outline: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    parse_response_dict_reasoning_content: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    reasoning: Option<Value>,
}

impl GeneratedFields {
    /// `document_based_qa` names the source chunk `base_document`; its augmentation is the chunk itself
    /// when `document` is absent.
    pub fn into_record(self, kind: Kind) -> Result<Record> {
        let mut fields = Required::default();
        // Read in the order a person reads the row; every absent one is named together.
        let question = fields.take(self.question, "question")?;
        // A null response is kept (with null content), as the notebook keeps it; a missing one is not.
        let response = match self.response {
            Some(Value::Null) => None,
            response => Some(fields.take(response, "response")?),
        };
        let (document, raw_document) = if kind == Kind::DocumentBasedQa {
            let document = optional(self.document, "document")?;
            let raw = fields.take(self.base_document.or(self.raw_document), "base_document")?;
            (document.unwrap_or_else(|| raw.clone()), raw)
        } else {
            (
                fields.take(self.document, "document")?,
                fields.take(self.raw_document, "raw_document")?,
            )
        };
        let outline = fields.take(self.document_outline, "document_outline")?;
        fields.check()?;
        let parsed = optional(
            self.parse_response_dict_reasoning_content,
            "parse_response_dict_reasoning_content",
        )?;
        let column = optional(self.reasoning, "reasoning")?;
        Ok(Record {
            kind,
            question,
            response,
            document,
            raw_document,
            outline,
            // The notebook's builders give summaries the parsed reasoning, and every kind a
            // `reasoning` column; the parsed one first where a row has both.
            reasoning: if kind.is_summary() {
                parsed.or(column)
            } else {
                column
            },
        })
    }
}
