//! A tokenizer with its chat template, loaded from the bytes of its files.

use wasm_bindgen::prelude::*;

use super::convert::{from_js, to_js, IntoJs};
use super::types::{Messages, TokenizerInfoJs};
use crate::render::Message;
use crate::tokens::{ChatTokenizer, TokenizerFiles};

#[wasm_bindgen]
pub struct Tokenizer {
    pub(super) inner: ChatTokenizer,
}

#[wasm_bindgen]
impl Tokenizer {
    /// `now_ms`: what templates that print today's date see as now: milliseconds of local
    /// wall-clock time since 1970-01-01 00:00 (`Date.now()` less the time zone's offset).
    /// `chat_template_json`: the bytes of a `chat_template.json`, where the model has one.
    #[wasm_bindgen(constructor)]
    pub fn new(
        name: String,
        tokenizer_json: Vec<u8>,
        tokenizer_config_json: Option<Vec<u8>>,
        chat_template_jinja: Option<String>,
        now_ms: f64,
        chat_template_json: Option<Vec<u8>>,
    ) -> Result<Tokenizer, JsValue> {
        let files = TokenizerFiles {
            name,
            tokenizer_json,
            tokenizer_config_json,
            chat_template_jinja,
            chat_template_json,
            folder: None,
        };
        let inner = ChatTokenizer::load(&files, (now_ms / 1000.0) as i64).into_js()?;
        Ok(Tokenizer { inner })
    }

    /// The tokenizer's identity, as a run's settings and the manifest name it.
    pub fn info(&self) -> Result<TokenizerInfoJs, JsValue> {
        Ok(to_js(self.inner.info())?.unchecked_into())
    }

    /// The chat template's rendering of a conversation.
    pub fn render(&self, messages: Messages) -> Result<String, JsValue> {
        self.inner.render(&messages_from_js(messages)?).into_js()
    }

    /// Tokens of a conversation as rendered, as Python `len(encode(...))` counts them.
    pub fn count(&self, messages: Messages) -> Result<u32, JsValue> {
        self.inner.count(&messages_from_js(messages)?).into_js()
    }

    /// Tokens of a rendered text by the tokenizer library's own `encode`, none of kmix's ways
    /// of doing less work taken: the benchmark's baseline.
    #[wasm_bindgen(js_name = bareCountText)]
    pub fn bare_count_text(&self, text: &str) -> Result<u32, JsValue> {
        self.inner
            .bare_tokens_of_text(text)
            .map(|t| t.length)
            .into_js()
    }
}

pub(super) fn messages_from_js(messages: Messages) -> Result<Vec<Message>, JsValue> {
    from_js(messages.into(), "the conversation")
}
