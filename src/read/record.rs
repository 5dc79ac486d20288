//! A Q&A pair with all its texts, as parsed from its row: what the second pass reads again and
//! what a mix's line is made from.

use super::generated::GeneratedFields;
use super::qna::Qna;
use super::records::json_problem;
use super::seed::SeedFields;
use super::Kind;
use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub kind: Kind,
    pub question: String,
    /// `None` when the row's response is null: kept, with null content, as the notebook keeps it.
    pub response: Option<String>,
    pub document: String,
    pub raw_document: String,
    pub outline: String,
    pub reasoning: Option<String>,
}

/// The Q&A pair `part` of a JSON row of the given kind (not qna.yaml: see [`qna_record`]).
pub fn parse_record(kind: Kind, part: u8, text: &str) -> Result<Record> {
    let parse_error = |e: serde_json::Error| Error::input(json_problem(&e));
    match kind {
        Kind::SeedData => {
            let example = serde_json::from_str::<SeedFields>(text)
                .map_err(parse_error)?
                .into_example()?;
            let (question, response) = example
                .pairs
                .into_iter()
                .nth(usize::from(part))
                .ok_or_else(|| Error::input("the file changed since it was read"))?;
            Ok(Record {
                kind,
                question,
                response: Some(response),
                raw_document: example.document.clone(),
                document: example.document,
                outline: example.outline,
                reasoning: None,
            })
        }
        kind => serde_json::from_str::<GeneratedFields>(text)
            .map_err(parse_error)?
            .into_record(kind),
    }
}

/// Q&A pair `part` of seed example `example` of a parsed qna.yaml; `None` if it has no such pair.
pub fn qna_record(qna: &Qna, example: usize, part: u8) -> Option<Record> {
    let seed = qna.seed_examples.get(example)?;
    let qa = seed.questions_and_answers.get(usize::from(part))?;
    Some(Record {
        kind: Kind::QnaYaml,
        question: qa.question.clone(),
        response: Some(qa.answer.clone()),
        document: seed.context.clone(),
        raw_document: seed.context.clone(),
        outline: qna.document_outline.clone(),
        reasoning: None,
    })
}
