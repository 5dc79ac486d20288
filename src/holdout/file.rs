//! A held-out file's questions and answers: JSON Lines rows with `question` (and `answer` or
//! `response`) or `messages` (user turns ask, assistant turns answer), or a qna.yaml.

use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::read::{json_problem, read_qna};

/// One held-out text, with the line it is on (0: none, in a qna.yaml).
pub struct HeldText {
    pub line: u64,
    pub text: String,
    /// A question (else an answer).
    pub question: bool,
}

/// Every question and answer of a held-out file.
pub fn held_texts(path: &str, bytes: &[u8]) -> Result<Vec<HeldText>> {
    if path.ends_with(".yaml") || path.ends_with(".yml") {
        return qna_texts(path, bytes);
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|_| Error::input("a held-out file must be UTF-8 JSON Lines").in_file(path))?;
    let mut texts = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line_no = n as u64 + 1;
        let at = |e: Error| e.in_file(path).at_line(line_no);
        let line = line.trim_start_matches('\u{feff}').trim();
        if line.is_empty() {
            continue;
        }
        let row: Map<String, Value> = serde_json::from_str(line)
            .map_err(|e| at(Error::input(json_problem(&e)).at_column(e.column() as u64)))?;
        row_texts(&row, line_no, &mut texts).map_err(at)?;
    }
    if texts.iter().all(|t| !t.question) {
        return Err(Error::input("a held-out file holds no question").in_file(path));
    }
    Ok(texts)
}

fn qna_texts(path: &str, bytes: &[u8]) -> Result<Vec<HeldText>> {
    let qna = read_qna(&mut &bytes[..], path)?;
    let pairs = qna
        .seed_examples
        .into_iter()
        .flat_map(|e| e.questions_and_answers);
    let texts = pairs.flat_map(|qa| {
        let held = |text, question| HeldText {
            line: 0,
            text,
            question,
        };
        [held(qa.question, true), held(qa.answer, false)]
    });
    Ok(texts.collect())
}

/// A row's texts: its `question` and `answer`/`response`, or its `messages`' user and
/// assistant turns.
fn row_texts(row: &Map<String, Value>, line: u64, texts: &mut Vec<HeldText>) -> Result<()> {
    let held = |text: &str, question| HeldText {
        line,
        text: text.to_string(),
        question,
    };
    if let Some(messages) = row.get("messages") {
        let messages = messages
            .as_array()
            .ok_or_else(|| Error::input("must be a list of messages").field("messages"))?;
        for (i, m) in messages.iter().enumerate() {
            let field = format!("messages[{i}]");
            let text = |name: &str| string(m.get(name), &format!("{field}.{name}"));
            let question = match text("role")? {
                Some("user") => true,
                Some("assistant") => false,
                _ => continue,
            };
            let content = text("content")?.unwrap_or_default();
            texts.push(held(content, question));
        }
        return Ok(());
    }
    let question = string(row.get("question"), "question")?.ok_or_else(|| {
        Error::input("a held-out row needs `question` (or `messages`)").field("question")
    })?;
    texts.push(held(question, true));
    for name in ["answer", "response"] {
        if let Some(answer) = string(row.get(name), name)? {
            texts.push(held(answer, false));
        }
    }
    Ok(())
}

/// A string field, absent or null: none; any other type is an error naming it.
fn string<'a>(value: Option<&'a Value>, field: &str) -> Result<Option<&'a str>> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(Error::input(format!(
            "must be a string, found {}",
            match other {
                Value::Bool(_) => "a boolean",
                Value::Number(_) => "a number",
                Value::Array(_) => "a list",
                _ => "an object",
            }
        ))
        .field(field)),
    }
}
