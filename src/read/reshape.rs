//! An added row in the knowledge rows' schema. `datasets.load_dataset("json")` infers one Arrow
//! schema per block of a file and fails when a later block disagrees (`metadata` an object where
//! the knowledge rows' is a string; a column or message field the first 10 MB lacks), so a blend
//! must hold one type per column: what the knowledge rows' columns cannot hold goes into the
//! `metadata` string, nothing is lost. A row that fits is written as the dataset has it.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::dataset::{compact, one_line};

/// The JSON type a column holds (or null).
#[derive(Clone, Copy)]
enum Type {
    Text,
    Bool,
    Integer,
}

/// The knowledge rows' columns but `messages` (checked message by message) and their types.
const COLUMNS: [(&str, Type); 7] = [
    ("question", Type::Text),
    ("document_outline", Type::Text),
    ("raw_document", Type::Text),
    ("document", Type::Text),
    ("metadata", Type::Text),
    ("unmask", Type::Bool),
    ("token_length", Type::Integer),
];

/// The knowledge rows' message fields, all text.
const FIELDS: [&str; 3] = ["role", "content", "thinking"];

/// A JSON object's members in order, each value's text as the row has it.
struct Members<'a>(Vec<(String, &'a RawValue)>);

impl<'de> Deserialize<'de> for Members<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Visit;
        impl<'de> Visitor<'de> for Visit {
            type Value = Members<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Members<'de>, M::Error> {
                let mut members = Vec::new();
                while let Some(member) = map.next_entry()? {
                    members.push(member);
                }
                Ok(Members(members))
            }
        }
        d.deserialize_map(Visit)
    }
}

/// Whether a JSON value (its text) is of the type; null is of every type, as in Arrow.
fn holds(raw: &str, ty: Type) -> bool {
    raw == "null"
        || match ty {
            Type::Text => raw.starts_with('"'),
            Type::Bool => raw == "true" || raw == "false",
            Type::Integer => raw.bytes().all(|b| b.is_ascii_digit() || b == b'-'),
        }
}

/// An added row that does not fit the knowledge rows' schema, as it is to be written.
#[derive(Debug)]
pub struct Reshaped<'a> {
    members: Vec<(String, Cow<'a, str>)>,
    /// Its `metadata` was there and not a string.
    pub not_text: bool,
    /// What was moved into `metadata`: columns by name, message fields as `messages[].name`.
    pub moved: Vec<String>,
}

/// The row reshaped, or None if it fits as it is (or is not a JSON object: rows are checked
/// before they are written).
pub fn reshape(json: &str) -> Option<Reshaped<'_>> {
    let Members(row) = serde_json::from_str(json).ok()?;
    let (mut members, mut moved, mut names) = (Vec::new(), Vec::new(), Vec::new());
    let mut metadata = None;
    for (name, raw) in row {
        let raw = raw.get();
        let column = COLUMNS.iter().find(|(c, _)| *c == name);
        if name == "metadata" {
            metadata = Some((members.len(), raw));
        } else if name == "messages" {
            match messages(raw) {
                Some((kept, extras, fields)) => {
                    members.push((name.clone(), kept.into()));
                    moved.push((name, extras.into()));
                    names.extend(fields);
                }
                None => members.push((name, raw.into())),
            }
        } else if column.is_some_and(|(_, ty)| holds(raw, *ty)) {
            members.push((name, raw.into()));
        } else {
            names.push(name.clone());
            moved.push((name, raw.into()));
        }
    }
    let not_text = metadata.is_some_and(|(_, raw)| !holds(raw, Type::Text));
    if moved.is_empty() && !not_text {
        return None;
    }
    let at = metadata.map_or(members.len(), |(at, _)| at);
    let text = metadata_string(metadata.map(|(_, raw)| raw), &moved);
    members.insert(at, ("metadata".into(), text.into()));
    Some(Reshaped {
        members,
        not_text,
        moved: names,
    })
}

/// The messages with only the knowledge rows' fields, and the other fields (an object per
/// message, as a JSON list) with their names; None if every message fits.
fn messages(raw: &str) -> Option<(String, String, Vec<String>)> {
    let list: Vec<Members> = serde_json::from_str(raw).unwrap_or_default();
    let fits = |(name, raw): &&(String, &RawValue)| {
        FIELDS.contains(&name.as_str()) && holds(raw.get(), Type::Text)
    };
    if list.iter().all(|m| m.0.iter().all(|f| fits(&f))) {
        return None;
    }
    let (mut kept, mut extras, mut names) = (Vec::new(), Vec::new(), Vec::new());
    for Members(fields) in &list {
        let (keep, other): (Vec<_>, Vec<_>) = fields.iter().partition(fits);
        for (name, _) in &other {
            let name = format!("messages[].{name}");
            if !names.contains(&name) {
                names.push(name);
            }
        }
        kept.push(object(keep.into_iter().map(pair)));
        extras.push(object(other.into_iter().map(pair)));
    }
    let list = |objects: Vec<String>| format!("[{}]", objects.join(","));
    Some((list(kept), list(extras), names))
}

fn pair<'a>((name, raw): &'a (String, &'a RawValue)) -> (&'a str, &'a str) {
    (name, raw.get())
}

/// The `metadata` string: a non-string `metadata` as compact JSON; with columns moved, an object
/// of the row's own `metadata` (under `metadata`, if not null) and each of them by name.
fn metadata_string(own: Option<&str>, moved: &[(String, Cow<str>)]) -> String {
    let text = match (own, moved.is_empty()) {
        (Some(own), true) => compact_text(own),
        (own, _) => {
            let own = own
                .filter(|raw| *raw != "null")
                .map(|raw| ("metadata", raw));
            object(
                own.into_iter()
                    .chain(moved.iter().map(|(n, r)| (n.as_str(), &**r))),
            )
        }
    };
    serde_json::to_string(&text).expect("a string is always JSON")
}

/// A JSON object of the members, compact.
fn object<'a>(members: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    let mut out = Vec::new();
    write_object(members, &mut out);
    String::from_utf8(out).expect("JSON text from UTF-8 parts is UTF-8")
}

fn write_object<'a>(members: impl Iterator<Item = (&'a str, &'a str)>, out: &mut Vec<u8>) {
    out.push(b'{');
    for (i, (name, raw)) in members.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        serde_json::to_writer(&mut *out, name).expect("writing JSON to memory cannot fail");
        out.push(b':');
        compact(raw, out);
    }
    out.push(b'}');
}

fn compact_text(json: &str) -> String {
    let mut out = Vec::new();
    compact(json, &mut out);
    String::from_utf8(out).expect("JSON text without white space is UTF-8")
}

impl Reshaped<'_> {
    fn write(&self, out: &mut Vec<u8>) {
        write_object(self.members.iter().map(|(n, r)| (n.as_str(), &**r)), out);
        out.push(b'\n');
    }
}

/// An added row's line in a blend: reshaped if it does not fit the knowledge rows' schema, else
/// as the dataset has it, on one line.
pub fn blend_line(json: &str, out: &mut Vec<u8>) {
    match reshape(json) {
        Some(row) => row.write(out),
        None => one_line(json, out),
    }
}

/// How many of a dataset's rows are reshaped, and why, for the report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reshapes {
    /// Rows whose `metadata` is not a string, written as one.
    pub not_text: u64,
    /// Rows with columns or message fields moved into it.
    pub moved: u64,
    /// What was moved, by name (the first few).
    pub names: Vec<String>,
}

/// Names of moved columns and fields the report gives.
const NAMES_SHOWN: usize = 5;

impl Reshapes {
    pub fn add(&mut self, row: &str) {
        let Some(row) = reshape(row) else { return };
        self.not_text += u64::from(row.not_text);
        self.moved += u64::from(!row.moved.is_empty());
        for name in row.moved {
            if self.names.len() < NAMES_SHOWN && !self.names.contains(&name) {
                self.names.push(name);
            }
        }
    }

    /// The report's note on the dataset `name`, if any of its rows are reshaped.
    pub fn note(&self, name: &str) -> Option<String> {
        let not_text = (self.not_text > 0).then(|| {
            format!(
                "metadata that is not a string written as a JSON string, as the knowledge rows carry it: {} rows",
                self.not_text
            )
        });
        let moved = (self.moved > 0).then(|| {
            format!(
                "what the knowledge rows have no column or field for ({}) moved into the metadata string: {} rows",
                self.names.join(", "),
                self.moved
            )
        });
        let parts: Vec<String> = not_text.into_iter().chain(moved).collect();
        (!parts.is_empty()).then(|| {
            format!(
                "{name} is written with one type per column, as datasets needs to load a blend: {}",
                parts.join("; ")
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(row: &str) -> String {
        let mut out = Vec::new();
        blend_line(row, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn rows_that_fit_are_written_as_they_are() {
        for row in [
            r#"{"messages": [{"role": "user", "content": "Hi"}], "metadata": "{\"a\": 1}", "unmask": false}"#,
            r#"{"messages": [{"role": "user", "content": "Hi", "thinking": null}], "metadata": null}"#,
            r#"{"question": "q", "messages": [{"role": "user", "content": "Hi"}], "token_length": 12}"#,
        ] {
            assert!(reshape(row).is_none(), "{row}");
            assert_eq!(line(row), format!("{row}\n"));
        }
    }

    #[test]
    fn metadata_that_is_not_a_string_becomes_its_compact_json() {
        let row = r#"{"messages": [{"role": "user", "content": "a b"}], "metadata": {"z": 1.50, "a": [1, 2e3]}, "unmask": true}"#;
        assert_eq!(
            line(row),
            r#"{"messages":[{"role":"user","content":"a b"}],"metadata":"{\"z\":1.50,\"a\":[1,2e3]}","unmask":true}"#.to_string() + "\n"
        );
        let row = reshape(row).unwrap();
        assert!(row.not_text && row.moved.is_empty());
        assert!(line(r#"{"messages": [], "metadata": 7}"#).contains(r#""metadata":"7""#));
    }

    #[test]
    fn columns_and_fields_the_knowledge_rows_lack_move_into_metadata() {
        let row = "{\"id\": 5, \"messages\": [{\"role\": \"user\", \"content\": \"x\", \"name\": \"ann\"},\n {\"role\": \"assistant\", \"content\": \"y\", \"thinking\": {\"steps\": 2}}], \"metadata\": \"m\", \"question\": 3}";
        let written = line(row);
        assert_eq!(
            written,
            r#"{"messages":[{"role":"user","content":"x"},{"role":"assistant","content":"y"}],"metadata":"{\"metadata\":\"m\",\"id\":5,\"messages\":[{\"name\":\"ann\"},{\"thinking\":{\"steps\":2}}],\"question\":3}"}"#.to_string() + "\n"
        );
        let reshaped = reshape(row).unwrap();
        assert!(!reshaped.not_text);
        assert_eq!(
            reshaped.moved,
            ["id", "messages[].name", "messages[].thinking", "question"]
        );
        // No metadata (or null): the moved columns alone, where it would be.
        for row in [
            r#"{"messages": [{"role": "user", "content": "x"}], "source": "web"}"#,
            r#"{"messages": [{"role": "user", "content": "x"}], "metadata": null, "source": "web"}"#,
        ] {
            assert_eq!(
                line(row),
                r#"{"messages":[{"role":"user","content":"x"}],"metadata":"{\"source\":\"web\"}"}"#
                    .to_string()
                    + "\n"
            );
        }
    }

    #[test]
    fn the_note_counts_rows_by_reason() {
        let mut reshapes = Reshapes::default();
        assert_eq!(reshapes.note("a.jsonl"), None);
        reshapes.add(r#"{"messages": [], "metadata": {"a": 1}}"#);
        reshapes.add(r#"{"messages": [], "metadata": {"a": 1}, "id": 1}"#);
        reshapes.add(r#"{"messages": [], "metadata": "x"}"#);
        assert_eq!((reshapes.not_text, reshapes.moved), (2, 1));
        let note = reshapes.note("a.jsonl").unwrap();
        assert!(
            note.contains("JSON string, as the knowledge rows carry it: 2 rows"),
            "{note}"
        );
        assert!(
            note.contains("(id) moved into the metadata string: 1 rows"),
            "{note}"
        );
    }
}
