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
    check_shape(text).map_err(|e| e.in_file(file))?;
    serde_yaml::from_str(text).map_err(|e| {
        let mut err = Error::input(yaml_message(&e)).in_file(file);
        if let Some(at) = e.location() {
            err = err.at_line(at.line() as u64).at_column(at.column() as u64);
        }
        err
    })
}

/// Deeper than any qna.yaml needs (it nests four levels); the YAML parser's time grows with the
/// square of the depth, so a deeper file is refused before it is parsed.
const MAX_DEPTH: usize = 64;
/// What aliases may expand to: each alias can repeat at most the whole file.
const MAX_ALIAS_EXPANSION: usize = 256 << 20;

/// Refuses, before parsing, the shapes that make a small YAML file cost unbounded time or memory:
/// flow collections nested too deep, and aliases that could multiply the file.
fn check_shape(text: &str) -> Result<()> {
    let (mut depth, mut aliases) = (0usize, 0usize);
    let mut quote: Option<char> = None;
    let mut previous = '\n';
    for (line_no, line) in text.lines().enumerate() {
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match (quote, c) {
                (Some('"'), '\\') => {
                    chars.next();
                }
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') if !previous.is_alphanumeric() => quote = Some(c),
                (None, '#') if previous.is_whitespace() => break,
                (None, '[' | '{') => {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return Err(Error::input(format!(
                            "the YAML nests deeper than {MAX_DEPTH} levels; a qna.yaml needs four"
                        ))
                        .at_line(line_no as u64 + 1));
                    }
                }
                (None, ']' | '}') => depth = depth.saturating_sub(1),
                // `*name`: an alias. (`* item`, a Markdown bullet in a context, is not.)
                (None, '*')
                    if matches!(previous, ' ' | '\n' | '[' | ',' | '-' | ':')
                        && chars
                            .peek()
                            .is_some_and(|n| n.is_alphanumeric() || *n == '_') =>
                {
                    aliases += 1;
                }
                _ => {}
            }
            previous = c;
        }
        previous = '\n';
    }
    if aliases.saturating_mul(text.len()) > MAX_ALIAS_EXPANSION {
        return Err(Error::input(format!(
            "the YAML uses {aliases} aliases (*name), which could expand this {} kB file beyond {} MB; \
             write the seed examples out instead",
            text.len() >> 10,
            MAX_ALIAS_EXPANSION >> 20
        )));
    }
    Ok(())
}

/// serde_yaml's message names the path (`seed_examples[0].context: ...`); kmix adds the location.
fn yaml_message(e: &serde_yaml::Error) -> String {
    super::records::without_location(e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_nesting_and_alias_bombs_are_refused_at_once() {
        let deep = format!("x: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        let started = std::time::Instant::now();
        let e = parse(&deep, "qna.yaml").unwrap_err();
        assert!(e.message.contains("nests deeper than 64"), "{e}");
        assert_eq!((e.file.as_deref(), e.line), (Some("qna.yaml"), Some(1)));
        assert!(started.elapsed().as_secs() < 2, "{:?}", started.elapsed());

        let context = "word ".repeat(200_000);
        let mut bomb = format!("document_outline: o\nseed_examples:\n  - &e\n    context: \"{context}\"\n    questions_and_answers: []\n");
        for _ in 0..2000 {
            bomb.push_str("  - *e\n");
        }
        let e = parse(&bomb, "qna.yaml").unwrap_err();
        assert!(e.message.contains("2000 aliases"), "{e}");
        // Brackets and stars inside quotes and comments are text, not structure.
        let fine = "document_outline: \"[[[*not an alias\"\n# [[[[ *x\nseed_examples: []\n";
        assert!(parse(fine, "qna.yaml").is_ok());
    }

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
