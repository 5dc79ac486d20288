//! `tokenizer_config.json`: the chat template(s) and the special tokens templates may use.

use serde_json::Value;

use crate::error::{Error, Result};

/// The special tokens `transformers` passes to a chat template (its `special_tokens_map`).
const SPECIAL_TOKENS: [&str; 7] = [
    "bos_token",
    "eos_token",
    "unk_token",
    "sep_token",
    "pad_token",
    "cls_token",
    "mask_token",
];

#[derive(Debug, Clone, Default)]
pub struct TokenizerConfig {
    pub chat_template: Option<String>,
    /// The model the tokenizer was saved from (`name_or_path`), when the config says.
    pub name_or_path: Option<String>,
    /// (name, text) of each special token the config sets.
    pub special_tokens: Vec<(String, String)>,
    pub additional_special_tokens: Vec<String>,
}

impl TokenizerConfig {
    pub fn parse(bytes: &[u8], file: &str) -> Result<Self> {
        let config = json_file(bytes, file)?;
        let special_tokens = SPECIAL_TOKENS
            .iter()
            .filter_map(|&name| token_text(config.get(name)).map(|t| (name.to_string(), t)))
            .collect();
        let additional_special_tokens = match config.get("additional_special_tokens") {
            Some(Value::Array(items)) => items.iter().filter_map(|t| token_text(Some(t))).collect(),
            _ => Vec::new(),
        };
        let name_or_path = ["name_or_path", "_name_or_path"]
            .iter()
            .find_map(|key| config.get(*key)?.as_str())
            .filter(|name| !name.is_empty())
            .map(str::to_string);
        Ok(TokenizerConfig {
            chat_template: chat_template(config.get("chat_template"), file)?,
            name_or_path,
            special_tokens,
            additional_special_tokens,
        })
    }
}

/// A token is written either as its text or as a serialised `AddedToken` with `content`.
fn token_text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => o.get("content")?.as_str().map(str::to_string),
        _ => None,
    }
}

/// The template of a `chat_template.json` (`{"chat_template": ...}`, as newer transformers save it).
pub fn chat_template_json(bytes: &[u8], file: &str) -> Result<Option<String>> {
    chat_template(json_file(bytes, file)?.get("chat_template"), file)
}

/// A tokenizer file's JSON; an error names the file, line and column.
fn json_file(bytes: &[u8], file: &str) -> Result<Value> {
    serde_json::from_slice(bytes).map_err(|e| {
        Error::tokenizer(crate::read::json_problem(&e))
            .in_file(file)
            .at_line(e.line() as u64)
            .at_column(e.column() as u64)
    })
}

/// `chat_template` is a string, or a list of `{name, template}` of which `default` is used, as
/// `transformers` does when no name is asked for.
fn chat_template(value: Option<&Value>, file: &str) -> Result<Option<String>> {
    let bad = |why: &str| {
        Err(Error::tokenizer(why.to_string())
            .in_file(file)
            .field("chat_template"))
    };
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(Value::Array(items)) => {
            let named = |wanted: &str| {
                items.iter().find_map(|item| {
                    (item.get("name")?.as_str()? == wanted)
                        .then(|| item.get("template")?.as_str().map(str::to_string))
                        .flatten()
                })
            };
            match named("default") {
                Some(t) => Ok(Some(t)),
                None => bad("is a list of named templates without one named `default`"),
            }
        }
        Some(_) => bad("must be a string or a list of {name, template}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_templates_and_tokens_in_every_form() {
        let c = TokenizerConfig::parse(
            br#"{"chat_template": [{"name": "tool_use", "template": "T"}, {"name": "default", "template": "D"}],
                "bos_token": {"__type": "AddedToken", "content": "<s>"}, "eos_token": "</s>", "pad_token": null}"#,
            "tokenizer_config.json",
        )
        .unwrap();
        assert_eq!(c.chat_template.as_deref(), Some("D"));
        assert_eq!(
            c.special_tokens,
            vec![
                ("bos_token".into(), "<s>".into()),
                ("eos_token".into(), "</s>".into())
            ]
        );
    }

    #[test]
    fn a_list_without_default_is_an_error() {
        let e = TokenizerConfig::parse(
            br#"{"chat_template": [{"name": "x", "template": "T"}]}"#,
            "c.json",
        )
        .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("chat_template"));
    }
}
