//! Held-out questions that leak into training: a training row whose question equals a held-out
//! question after [`crate::text::normalise`], or that shares a run of [`NGRAM`] words (the usual
//! decontamination test) with a held-out question or answer.

mod file;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_64;

use crate::checksum::sha256_hex;
use crate::error::Result;
use crate::read::Record;
use crate::text::{normal_hash, normalise};

/// Words in a shared run: 13, as the GPT-3 and later decontamination tests take it.
pub const NGRAM: usize = 13;

/// A held-out file, as the manifest records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldOutFile {
    pub path: String,
    pub sha256: String,
    pub questions: u64,
}

/// What names a held-out set: its files, and one checksum of them all, by which a task names the
/// set its worker must hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldOutInfo {
    pub files: Vec<HeldOutFile>,
    pub checksum: String,
}

/// Where a held-out text is: its file (a place in [`HeldOutInfo::files`]) and line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct HeldAt {
    file: u32,
    line: u64,
}

/// The held-out set: its questions' hashes and its texts' word runs, each with where it is.
#[derive(Debug, Default)]
pub struct HeldOut {
    files: Vec<HeldOutFile>,
    questions: HashMap<u64, HeldAt>,
    grams: HashMap<u64, HeldAt>,
}

/// How a training row leaks a held-out text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum How {
    /// Its question equals a held-out question.
    EqualQuestion,
    /// Its question (or its response) shares a run of words with a held-out text.
    SharedNgram { field: String },
}

/// A training row that leaks a held-out text, and which one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Leak {
    pub how: How,
    pub held_out_file: String,
    /// 0: none (a qna.yaml).
    pub held_out_line: u64,
}

impl HeldOut {
    /// Takes in a held-out file; an error names its file, line and field.
    pub fn add_file(&mut self, path: &str, bytes: &[u8]) -> Result<()> {
        let texts = file::held_texts(path, bytes)?;
        let number = self.files.len() as u32;
        let mut buffer = String::new();
        for t in &texts {
            let at = HeldAt {
                file: number,
                line: t.line,
            };
            if t.question {
                let hash = normal_hash(&[&t.text], &mut buffer);
                self.questions.entry(hash).or_insert(at);
            }
            grams(&t.text, |g| {
                self.grams.entry(g).or_insert(at);
            });
        }
        self.files.push(HeldOutFile {
            path: path.to_string(),
            sha256: sha256_hex(bytes),
            questions: texts.iter().filter(|t| t.question).count() as u64,
        });
        Ok(())
    }

    pub fn info(&self) -> HeldOutInfo {
        let all: String = (self.files.iter())
            .map(|f| format!("{}\n", f.sha256))
            .collect();
        HeldOutInfo {
            files: self.files.clone(),
            checksum: sha256_hex(all.as_bytes()),
        }
    }

    /// How `record` leaks a held-out text, if it does.
    pub fn check(&self, record: &Record) -> Option<Leak> {
        let leak = |how, at: &HeldAt| Leak {
            how,
            held_out_file: self.files[at.file as usize].path.clone(),
            held_out_line: at.line,
        };
        let hash = normal_hash(&[&record.question], &mut String::new());
        if let Some(at) = self.questions.get(&hash) {
            return Some(leak(How::EqualQuestion, at));
        }
        let fields = [
            ("question", Some(&record.question)),
            ("response", record.response.as_ref()),
        ];
        for (field, text) in fields {
            let mut found = None;
            grams(text.map_or("", String::as_str), |g| {
                found = found.or_else(|| self.grams.get(&g).copied());
            });
            if let Some(at) = found {
                let how = How::SharedNgram {
                    field: field.into(),
                };
                return Some(leak(how, &at));
            }
        }
        None
    }
}

/// Calls `each` with the hash of every run of [`NGRAM`] words of `text`, normalised, its words
/// split at anything neither a letter nor a digit (punctuation does not tell runs apart).
fn grams(text: &str, mut each: impl FnMut(u64)) {
    let normal = normalise(text);
    let words: Vec<&str> = (normal.split(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .collect();
    for run in words.windows(NGRAM) {
        each(xxh3_64(run.join(" ").as_bytes()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::Kind;

    fn record(question: &str, response: &str) -> Record {
        Record {
            kind: Kind::KeyFactsToQa,
            question: question.into(),
            response: Some(response.into()),
            document: String::new(),
            raw_document: String::new(),
            outline: String::new(),
            reasoning: None,
        }
    }

    #[test]
    fn equal_questions_and_shared_runs_are_found() {
        let mut held = HeldOut::default();
        let answer = "one two three four five six seven eight nine ten eleven twelve thirteen";
        let row = format!("{{\"question\": \"What is ﬁne?\", \"answer\": \"{answer}\"}}\n");
        held.add_file("held.jsonl", row.as_bytes()).unwrap();
        let equal = held.check(&record("  WHAT is\tfine? ", "no")).unwrap();
        assert_eq!((equal.how, equal.held_out_line), (How::EqualQuestion, 1));
        let shared = held.check(&record(
            "Q?",
            &format!("So: {}, and more.", answer.to_uppercase()),
        ));
        assert!(matches!(shared.unwrap().how, How::SharedNgram { field } if field == "response"));
        let twelve = answer.rsplit_once(' ').unwrap().0;
        assert_eq!(held.check(&record("Q?", twelve)), None);
    }

    #[test]
    fn a_bad_held_out_row_names_its_file_line_and_field() {
        let mut held = HeldOut::default();
        let e = held.add_file("h.jsonl", b"{\"question\": \"a\"}\n{\"question\": 3}\n");
        assert_eq!(
            e.unwrap_err().to_string(),
            "h.jsonl:2: field `question`: must be a string, found a number"
        );
        let e = held
            .add_file("h.jsonl", b"{\"prompt\": \"a\"}\n")
            .unwrap_err();
        assert!(
            e.to_string().starts_with("h.jsonl:1: field `question`:"),
            "{e}"
        );
    }
}
