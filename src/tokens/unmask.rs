//! The trainer's count as instructlab-training (0.16, which training_hub runs) prepares a row in
//! `process_messages_into_input_ids`: each message of a trained role is wrapped in unmask tokens
//! (its `thinking` or `reasoning_content` in reasoning-unmask tokens, where any trained message has
//! one), the chat template renders the wrapped messages, the text is encoded with the wrapping
//! tokens added as special tokens, and the wrapping tokens are taken out again. Where a wrapping
//! token splits the text, the pieces are encoded apart: so the count can differ from the plain
//! rendering's, by a token or so.

use serde_json::Value as Json;
use tokenizers::{AddedToken, Tokenizer};

use crate::error::{Error, Result};

const UNMASK_BEGIN: &str = "<|UNMASK_BEGIN|>";
const UNMASK_END: &str = "<|UNMASK_END|>";
const REASONING_BEGIN: &str = "<|UNMASK_REASONING_BEGIN|>";
const REASONING_END: &str = "<|UNMASK_REASONING_END|>";
const WRAPPERS: [&str; 4] = [UNMASK_BEGIN, UNMASK_END, REASONING_BEGIN, REASONING_END];
/// Added beside the wrappers, and so a token of its own wherever a text holds it; never removed.
const MASK: &str = "<|MASK|>";

/// The model's tokenizer with the wrapping tokens added, as the trainer's `configure_tokenizer`
/// adds them (special: never normalised, never stripped).
pub struct UnmaskTokenizer {
    tokenizer: Tokenizer,
    wrappers: [u32; 4],
}

impl UnmaskTokenizer {
    pub fn new(model: &Tokenizer) -> Result<Self> {
        let mut tokenizer = model.clone();
        let added: Vec<AddedToken> = (WRAPPERS.iter().chain([&MASK]))
            .map(|w| AddedToken::from(*w, true))
            .collect();
        tokenizer.add_special_tokens(added).map_err(|e| {
            Error::tokenizer(format!("cannot add the trainer's unmask tokens: {e}"))
        })?;
        let id = |w: &str| {
            tokenizer
                .token_to_id(w)
                .expect("the tokens were just added")
        };
        let wrappers = WRAPPERS.map(id);
        Ok(UnmaskTokenizer {
            tokenizer,
            wrappers,
        })
    }

    /// The tokens of a rendering of wrapped messages, the wrapping tokens left out.
    pub fn count(&self, rendered: &str) -> Result<u32> {
        let encoding = self
            .tokenizer
            .encode_fast(rendered, false)
            .map_err(|e| Error::tokenizer(format!("the tokenizer failed: {e}")))?;
        let ids = encoding.get_ids();
        Ok(ids.iter().filter(|id| !self.wrappers.contains(id)).count() as u32)
    }
}

/// Wraps the messages the trainer trains on: the assistant's, or, for a row with `unmask: true`,
/// every role but `system`.
pub fn wrap(messages: &mut [Json], unmask_all: bool) -> Result<()> {
    let trained = |m: &Json| {
        let role = m.get("role").and_then(Json::as_str).unwrap_or_default();
        if unmask_all {
            role != "system"
        } else {
            role == "assistant"
        }
    };
    let given = |m: &Json, key: &str| m.get(key).is_some_and(|v| !v.is_null());
    let reasoning = messages
        .iter()
        .any(|m| trained(m) && (given(m, "reasoning_content") || given(m, "thinking")));
    for message in messages.iter_mut().filter(|m| trained(m)) {
        wrap_field(message, "content", UNMASK_BEGIN, UNMASK_END)?;
        if reasoning {
            for key in ["reasoning_content", "thinking"] {
                wrap_field(message, key, REASONING_BEGIN, REASONING_END)?;
            }
        }
    }
    Ok(())
}

/// Wraps one field of a message, if it is there and not null; the trainer refuses anything but a
/// string.
fn wrap_field(message: &mut Json, key: &str, begin: &str, end: &str) -> Result<()> {
    match message.get_mut(key) {
        None | Some(Json::Null) => Ok(()),
        Some(Json::String(text)) => {
            *text = format!("{begin}{text}{end}");
            Ok(())
        }
        Some(_) => Err(Error::input(
            "is not a string, and the trainer (instructlab-training) unmasks only strings; count \
             with `--trainer-count template` to judge the row by its template alone",
        )
        .field(format!("messages[].{key}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn trained_roles_are_wrapped_with_their_reasoning() {
        let mut messages = vec![
            json!({"role": "system", "content": "S"}),
            json!({"role": "user", "content": "Q", "thinking": null}),
            json!({"role": "assistant", "content": "A", "thinking": ""}),
        ];
        wrap(&mut messages, false).unwrap();
        assert_eq!(messages[1]["content"], "Q");
        assert_eq!(messages[2]["content"], "<|UNMASK_BEGIN|>A<|UNMASK_END|>");
        assert_eq!(
            messages[2]["thinking"],
            "<|UNMASK_REASONING_BEGIN|><|UNMASK_REASONING_END|>"
        );
        wrap(&mut messages, true).unwrap();
        assert_eq!(messages[0]["content"], "S");
        assert_eq!(messages[1]["content"], "<|UNMASK_BEGIN|>Q<|UNMASK_END|>");
        assert!(messages[1]["thinking"].is_null());
    }

    #[test]
    fn null_content_stays_and_other_types_are_refused() {
        let mut messages = vec![json!({"role": "assistant", "content": null})];
        wrap(&mut messages, false).unwrap();
        assert!(messages[0]["content"].is_null());
        let mut parts = vec![json!({"role": "assistant", "content": [{"type": "text"}]})];
        let e = wrap(&mut parts, false).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("messages[].content"));
    }
}
