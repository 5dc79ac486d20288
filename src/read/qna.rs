//! `qna.yaml` in the InstructLab knowledge taxonomy format.

use serde::Deserialize;

use crate::error::{Error, Result};

#[derive(Debug, Deserialize)]
pub struct Qna {
    pub document_outline: String,
    pub seed_examples: Vec<QnaExample>,
}

#[derive(Debug, Deserialize)]
pub struct QnaExample {
    pub context: String,
    pub questions_and_answers: Vec<QuestionAnswer>,
}

#[derive(Debug, Deserialize)]
pub struct QuestionAnswer {
    pub question: String,
    pub answer: String,
}

/// Reads and parses the whole file (it is small: a few seed examples).
pub fn read(reader: &mut dyn std::io::Read, file: &str) -> Result<Qna> {
    let mut bytes = Vec::new();
    reader
        .read_to_end(&mut bytes)
        .map_err(|e| crate::source::read_error(e, file))?;
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64
            + 1;
        Error::input("the file is not valid UTF-8 text")
            .in_file(file)
            .at_line(line)
    })?;
    parse(text, file)
}

pub fn parse(text: &str, file: &str) -> Result<Qna> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(Error::input("the file is empty").in_file(file));
    }
    serde_yaml::from_str(text).map_err(|e| {
        let mut err = Error::input(yaml_message(&e)).in_file(file);
        if let Some(at) = e.location() {
            err = err.at_line(at.line() as u64).at_column(at.column() as u64);
        }
        err
    })
}

/// serde_yaml's message names the path (`seed_examples[0].context: ...`); kmix adds the location.
fn yaml_message(e: &serde_yaml::Error) -> String {
    super::records::without_location(e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_taxonomy_format() {
        let q = parse(
            "version: 3\ndomain: x\ndocument_outline: Outline\nseed_examples:\n  - context: |\n      Ctx\n    questions_and_answers:\n      - question: Q?\n        answer: A.\n",
            "qna.yaml",
        )
        .unwrap();
        assert_eq!(q.document_outline, "Outline");
        assert_eq!(q.seed_examples[0].context, "Ctx\n");
        assert_eq!(q.seed_examples[0].questions_and_answers[0].answer, "A.");
    }

    #[test]
    fn errors_name_file_line_and_field() {
        let e = parse(
            "document_outline: O\nseed_examples:\n  - context: C\n    questions_and_answers:\n      - question: Q\n",
            "qna.yaml",
        )
        .unwrap_err();
        let text = e.to_string();
        assert!(text.starts_with("qna.yaml:5:"), "{text}");
        assert!(text.contains("answer"), "{text}");
    }
}
