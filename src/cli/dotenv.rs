//! A `.env` file read as python-dotenv's `load_dotenv()` reads it, so that the notebook's
//! `.env` (TOKENIZER_MODEL_NAME, SAVE_GPT_OSS_FORMAT, CUT_SIZES, QA_PER_DOC, OUTPUT_DATA_FOLDER)
//! sets kmix up unchanged: `KEY=VALUE` lines, `export ` allowed, `#` comments, values bare, in
//! single quotes (as written) or double quotes (with `\n`, `\t`, `\"` and `\\` escapes).

use std::path::Path;

use crate::Error;

/// The variables `path` sets, in order; none when there is no such file.
pub fn read(path: &Path) -> Result<Vec<(String, String)>, Error> {
    let shown = path.display().to_string();
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io(format!("cannot read it: {e}")).in_file(shown)),
    };
    let mut vars = Vec::new();
    for (at, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").map_or(line, str::trim_start);
        let Some((key, value)) = line.split_once('=') else {
            return Err(Error::input("expected KEY=VALUE")
                .in_file(shown)
                .at_line(at as u64 + 1));
        };
        let key = key.trim();
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(Error::input(format!("`{key}` is not a variable name"))
                .in_file(shown)
                .at_line(at as u64 + 1));
        }
        let value = value_of(value.trim()).map_err(|message| {
            Error::input(message)
                .in_file(&shown)
                .at_line(at as u64 + 1)
                .field(key)
        })?;
        vars.push((key.to_string(), value));
    }
    Ok(vars)
}

fn value_of(raw: &str) -> Result<String, String> {
    let unclosed = |q: char| format!("the value's {q} quote is not closed on its line");
    if let Some(rest) = raw.strip_prefix('\'') {
        let end = rest.find('\'').ok_or_else(|| unclosed('\''))?;
        return Ok(rest[..end].to_string());
    }
    if let Some(rest) = raw.strip_prefix('"') {
        let mut value = String::new();
        let mut chars = rest.chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => return Ok(value),
                '\\' => match chars.next() {
                    Some('n') => value.push('\n'),
                    Some('t') => value.push('\t'),
                    Some(other @ ('"' | '\\' | '\'')) => value.push(other),
                    Some(other) => value.extend(['\\', other]),
                    None => break,
                },
                c => value.push(c),
            }
        }
        return Err(unclosed('"'));
    }
    // A bare value ends at a comment: ` #` (a `#` inside a word is part of it).
    let end = raw.find(" #").unwrap_or(raw.len());
    Ok(raw[..end].trim_end().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Result<Vec<(String, String)>, Error> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        std::fs::write(&path, text).unwrap();
        read(&path)
    }

    #[test]
    fn reads_the_notebooks_env_as_python_dotenv_does() {
        let vars = parsed(
            "# the student model\nTOKENIZER_MODEL_NAME=meta-llama/Llama-3.1-8B-Instruct\n\
             export CUT_SIZES = \"5,50\"\nQA_PER_DOC='3' \nSAVE_GPT_OSS_FORMAT=false # off\n\
             ESCAPED=\"a\\\"b\\nc\"\nHASH=a#b\n",
        )
        .unwrap();
        let pairs: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (&k[..], &v[..])).collect();
        assert_eq!(
            pairs,
            [
                ("TOKENIZER_MODEL_NAME", "meta-llama/Llama-3.1-8B-Instruct"),
                ("CUT_SIZES", "5,50"),
                ("QA_PER_DOC", "3"),
                ("SAVE_GPT_OSS_FORMAT", "false"),
                ("ESCAPED", "a\"b\nc"),
                ("HASH", "a#b"),
            ]
        );
    }

    #[test]
    fn a_bad_line_is_named_by_file_line_and_variable() {
        let e = parsed("CUT_SIZES=5\nQA_PER_DOC=\"3\n").unwrap_err();
        assert_eq!((e.line, e.field.as_deref()), (Some(2), Some("QA_PER_DOC")));
        assert!(e.file.unwrap().ends_with(".env"));
        assert_eq!(parsed("just words\n").unwrap_err().line, Some(1));
    }

    #[test]
    fn no_file_sets_nothing() {
        let dir = tempfile::tempdir().unwrap();
        assert!(read(&dir.path().join(".env")).unwrap().is_empty());
    }
}
