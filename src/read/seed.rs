//! `final_seed_data.jsonl`: one row per source chunk × in-context example; its examples become Q&A.

use serde::Deserialize;
use serde_json::Value;

use super::fields::{optional, present, Required};
use crate::error::Result;

#[derive(Deserialize)]
pub struct SeedFields {
    #[serde(default, deserialize_with = "present")]
    icl_document: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    document_outline: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    icl_query_1: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    icl_response_1: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    icl_query_2: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    icl_response_2: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    icl_query_3: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    icl_response_3: Option<Value>,
}

pub struct SeedExample {
    pub document: String,
    pub outline: String,
    /// (question, answer) pairs present on the row, in order 1..3.
    pub pairs: Vec<(String, String)>,
}

impl SeedFields {
    pub fn into_example(self) -> Result<SeedExample> {
        let mut pairs = Vec::new();
        let numbered = [
            (self.icl_query_1, self.icl_response_1, 1),
            (self.icl_query_2, self.icl_response_2, 2),
            (self.icl_query_3, self.icl_response_3, 3),
        ];
        for (query, response, k) in numbered {
            let query = optional(query, &format!("icl_query_{k}"))?;
            let response = optional(response, &format!("icl_response_{k}"))?;
            match (query, response) {
                (Some(q), Some(r)) => pairs.push((q, r)),
                (Some(_), None) => {
                    return Err(crate::error::Error::input(format!(
                        "is missing while icl_query_{k} is set"
                    ))
                    .field(format!("icl_response_{k}")))
                }
                _ => {}
            }
        }
        let mut fields = Required::default();
        let document = fields.take(self.icl_document, "icl_document")?;
        let outline = fields.take(self.document_outline, "document_outline")?;
        fields.check()?;
        Ok(SeedExample {
            document,
            outline,
            pairs,
        })
    }
}
