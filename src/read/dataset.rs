//! Chat datasets blended beside the knowledge mix: rows in the training format (`messages` =
//! [{role, content, ...}], optional `metadata` and `unmask`), checked in the first pass and noted
//! by position, so that they are read again only when counted or written.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::fields::{expected, optional, wrong_type};
use super::reshape::Reshapes;
use crate::error::{Error, Result};

/// Roles the training format knows (`pretraining` is InstructLab's unmasked text).
const ROLES: [&str; 6] = [
    "system",
    "user",
    "assistant",
    "tool",
    "developer",
    "pretraining",
];

/// Where a dataset's row is in its (decompressed) file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub offset: u64,
    pub len: u32,
    /// The line it starts on, for errors found when it is counted.
    pub line: u64,
}

/// One added dataset, indexed.
#[derive(Debug, Clone, Serialize)]
pub struct DatasetIndex {
    /// The name the blend knows it by: its file name (`skills.jsonl`).
    pub name: String,
    /// Position of its file in [`super::Index::files`].
    pub file: u32,
    #[serde(skip)]
    pub rows: Vec<Span>,
    /// Its rows that the blends write reshaped, for the report.
    #[serde(skip)]
    pub reshapes: Reshapes,
}

/// The name that blends, shares and recipes use for the knowledge mix itself.
pub const KNOWLEDGE: &str = "knowledge";

/// The name that blends, shares and recipes use for the RAFT rows, when they are made.
pub const RAFT: &str = "raft";

/// A dataset's name: its file name, whichever folder it is in.
pub fn dataset_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// A training file's row, as the trainer takes it.
#[derive(Debug)]
pub struct ChatRow {
    pub messages: Vec<Value>,
    /// `unmask: true`: the trainer trains on every role but `system`, not the assistant's alone.
    pub unmask: bool,
}

/// The row's messages, checked: a list of objects, each with a known `role` and text `content`.
pub fn chat_messages(text: &str) -> Result<ChatRow> {
    let mut row: Map<String, Value> = serde_json::from_str(text)
        .map_err(|e| Error::input(super::json_problem(&e)).at_column(e.column() as u64))?;
    let messages = match row.remove("messages") {
        Some(Value::Array(messages)) => messages,
        None => {
            return Err(Error::input(
                "is missing: a training row holds its conversation in `messages`",
            )
            .field("messages"))
        }
        Some(other) => return Err(expected(&other, "messages", "a list of messages")),
    };
    if messages.is_empty() {
        return Err(Error::input("is empty: the row has no conversation").field("messages"));
    }
    for (i, message) in messages.iter().enumerate() {
        let field = |name: &str| format!("messages[{i}].{name}");
        let Value::Object(message) = message else {
            return Err(expected(
                message,
                &format!("messages[{i}]"),
                "an object with `role` and `content`",
            ));
        };
        let role = optional(message.get("role").cloned(), &field("role"))?
            .ok_or_else(|| Error::input("is missing").field(field("role")))?;
        if !ROLES.contains(&role.as_str()) {
            return Err(Error::input(format!(
                "`{role}` is not a role of the training format ({})",
                ROLES.join(", ")
            ))
            .field(field("role")));
        }
        match message.get("content") {
            Some(Value::String(_)) => {}
            None => return Err(Error::input("is missing").field(field("content"))),
            Some(other) => return Err(wrong_type(other, &field("content"))),
        }
    }
    let unmask = match row.get("unmask") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(unmask)) => *unmask,
        Some(_) => return Err(Error::input("must be true or false").field("unmask")),
    };
    Ok(ChatRow { messages, unmask })
}

/// The JSON text on one line: a JSON Lines row as it is; a row that spans lines (in a JSON array)
/// with the white space outside its strings dropped, nothing else changed (key order, numbers and
/// escapes stay as the dataset has them).
pub fn one_line(json: &str, out: &mut Vec<u8>) {
    if !json.contains(['\n', '\r']) {
        out.extend_from_slice(json.trim().as_bytes());
        out.push(b'\n');
        return;
    }
    compact(json, out);
    out.push(b'\n');
}

/// The JSON text with the white space outside its strings dropped.
pub(super) fn compact(json: &str, out: &mut Vec<u8>) {
    let (mut in_string, mut escaped) = (false, false);
    for &b in json.as_bytes() {
        if in_string {
            in_string = escaped || b != b'"';
            escaped = !escaped && b == b'\\';
        } else if b == b'"' {
            in_string = true;
        } else if b.is_ascii_whitespace() {
            continue;
        }
        out.push(b);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_checked_field_by_field() {
        let ok = r#"{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello", "x": 1}]}"#;
        assert_eq!(chat_messages(ok).unwrap().messages.len(), 2);
        for (row, needle) in [
            (r#"{"text": "x"}"#, "field `messages`: is missing"),
            (
                r#"{"messages": "x"}"#,
                "field `messages`: must be a list of messages, found a string",
            ),
            (r#"{"messages": []}"#, "field `messages`: is empty"),
            (
                r#"{"messages": [{"content": "x"}]}"#,
                "field `messages[0].role`: is missing",
            ),
            (
                r#"{"messages": [{"role": "human", "content": "x"}]}"#,
                "`human` is not a role",
            ),
            (
                r#"{"messages": [{"role": "user", "content": 5}]}"#,
                "field `messages[0].content`: must be a string, found a number",
            ),
            (
                r#"{"messages": [{"role": "user"}]}"#,
                "field `messages[0].content`: is missing",
            ),
            (
                r#"{"messages": [{"role": "user", "content": "x"}], "unmask": "yes"}"#,
                "field `unmask`",
            ),
            (
                r#"{"messages": [1]}"#,
                "field `messages[0]`: must be an object",
            ),
        ] {
            let e = chat_messages(row).unwrap_err().to_string();
            assert!(e.contains(needle), "{row}: {e}");
        }
    }

    #[test]
    fn one_line_keeps_everything_but_white_space() {
        let mut out = Vec::new();
        one_line(
            "{\n  \"a\": \"x \\\" y\\\\\",\n  \"b\": [1.50, 2e3]\n}",
            &mut out,
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"a\":\"x \\\" y\\\\\",\"b\":[1.50,2e3]}\n"
        );
    }
}
