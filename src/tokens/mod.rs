//! Token counts as the student model sees the conversation: `len(encode(apply_chat_template(...)))`.

mod bounds;
mod clock;
mod config;
mod generation;
mod patterns;
mod pieces;
mod pyjson;
mod pystr;
mod seam;
mod shared;
mod template;
mod unmask;

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use tokenizers::{PostProcessor, Tokenizer};

use crate::checksum::sha256_hex;
use crate::error::{Error, Result};
use crate::render::Message;
pub use clock::parse_date;
pub use config::TokenizerConfig;
use pieces::{PieceCounter, TextTokens};
use seam::SeamRule;
pub use shared::SharedText;
pub use template::ChatTemplate;
use unmask::UnmaskTokenizer;

/// The files of a model's tokenizer, as found in its folder.
#[derive(Debug, Clone, Default)]
pub struct TokenizerFiles {
    /// A name for reports: the model folder's name, say.
    pub name: String,
    pub tokenizer_json: Vec<u8>,
    pub tokenizer_config_json: Option<Vec<u8>>,
    /// `chat_template.jinja`, which takes precedence over the others.
    pub chat_template_jinja: Option<String>,
    /// `chat_template.json`, which takes precedence over the config's template.
    pub chat_template_json: Option<Vec<u8>>,
    /// Where the files are (a folder's path), so that errors name a file a person can open.
    pub folder: Option<String>,
}

impl TokenizerFiles {
    /// One of the files as errors name it.
    fn path(&self, file: &str) -> String {
        match &self.folder {
            Some(folder) => format!("{}/{file}", folder.trim_end_matches('/')),
            None => file.to_string(),
        }
    }
}

/// What the manifest records of the tokenizer used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenizerInfo {
    pub name: String,
    pub tokenizer_json_sha256: String,
    pub chat_template_sha256: String,
    /// The date `strftime_now` gives templates that print today's date, `YYYY-MM-DD`.
    pub date: String,
}

/// A row's tokens, as the notebook counts them and as the trainer does.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowTokens {
    /// The notebook's `token_length`: `len(encode(rendered))`, special tokens added by `encode`.
    pub length: u32,
    /// InstructLab training's count, `apply_chat_template(messages, tokenize=True)`: the
    /// template's own tokens, none added (for Llama 3.1 one fewer than `length`).
    pub trained: u32,
    /// The end-of-sequence token is among the last three trained tokens (training drops a row
    /// where it is not); true when the tokenizer names no such token.
    pub ends_with_eos: bool,
}

pub struct ChatTokenizer {
    tokenizer: Tokenizer,
    /// Tokens `encode` adds around a text (the post-processor's special tokens).
    added_by_encode: u32,
    /// The tokenizer config's `eos_token`, as an id.
    eos: Option<u32>,
    template: ChatTemplate,
    /// Where the tokenizer guarantees that a text splits in two, if it does.
    seam: Option<SeamRule>,
    /// Counts texts without the library's bookkeeping, for the pipelines it knows.
    pieces: Option<PieceCounter>,
    /// The file the template came from, which its errors name.
    template_file: String,
    info: TokenizerInfo,
    /// The tokenizer as the trainer extends it, made when first asked for.
    unmask: OnceLock<UnmaskTokenizer>,
}

/// How the pre-flight (and any size in tokens) counts a row's trained tokens.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrainerCount {
    /// instructlab-training 0.16's `process_messages_into_input_ids` (what training_hub runs):
    /// trained messages wrapped in unmask tokens, rendered, the wrapping tokens taken out; a row
    /// trains when 20 <= tokens < the maximum sequence length.
    #[default]
    Unmask,
    /// The older path: `apply_chat_template(messages, tokenize=True)`, and a row needs its
    /// end-of-sequence token among the last three.
    Template,
}

impl TrainerCount {
    pub fn parse(text: &str) -> Result<Self> {
        match text.trim() {
            "unmask" => Ok(TrainerCount::Unmask),
            "template" => Ok(TrainerCount::Template),
            other => Err(Error::parameters(format!(
                "`{other}` is not a trainer count: `unmask` (instructlab-training 0.16, the \
                 default) or `template` (apply_chat_template and the end-of-sequence check)"
            ))
            .field("trainer_count")),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            TrainerCount::Unmask => "unmask",
            TrainerCount::Template => "template",
        }
    }
}

impl ChatTokenizer {
    /// `now_local` (local wall-clock seconds since 1970-01-01, see [`parse_date`]) is the time
    /// `strftime_now` gives templates that print today's date.
    pub fn load(files: &TokenizerFiles, now_local: i64) -> Result<Self> {
        let mut tokenizer = Tokenizer::from_bytes(&files.tokenizer_json).map_err(|e| {
            Error::tokenizer(format!("cannot load the tokenizer: {e}"))
                .in_file(files.path("tokenizer.json"))
        })?;
        // Python's tokenizer turns off any truncation or padding saved in tokenizer.json on encode.
        tokenizer
            .with_truncation(None)
            .map_err(|e| Error::tokenizer(format!("cannot turn truncation off: {e}")))?;
        tokenizer.with_padding(None);
        let config = match &files.tokenizer_config_json {
            Some(bytes) => TokenizerConfig::parse(bytes, &files.path("tokenizer_config.json"))?,
            None => TokenizerConfig::default(),
        };
        let from_json = match &files.chat_template_json {
            Some(bytes) => config::chat_template_json(bytes, &files.path("chat_template.json"))?,
            None => None,
        };
        // transformers' order: chat_template.jinja, chat_template.json, tokenizer_config.json.
        let (source, template_file) = match (&files.chat_template_jinja, from_json) {
            (Some(jinja), _) => (jinja.clone(), "chat_template.jinja"),
            (None, Some(json)) => (json, "chat_template.json"),
            (None, None) => match &config.chat_template {
                Some(template) => (template.clone(), "tokenizer_config.json"),
                None => {
                    return Err(Error::tokenizer(format!(
                    "the tokenizer `{}` has no chat template: neither tokenizer_config.json nor \
                         a chat_template.jinja or chat_template.json file gives one; add \
                         chat_template.jinja beside tokenizer.json",
                    files.name
                )))
                }
            },
        };
        let template_file = files.path(template_file);
        let added_by_encode = tokenizer
            .get_post_processor()
            .map_or(0, |p| p.added_tokens(false) as u32);
        let eos = config
            .special_tokens
            .iter()
            .find(|(name, _)| name == "eos_token")
            .and_then(|(_, text)| tokenizer.token_to_id(text));
        let template = ChatTemplate::new(&source, &config, now_local)
            .map_err(|e| e.in_file(&template_file))?;
        Ok(ChatTokenizer {
            seam: SeamRule::of(&tokenizer),
            pieces: PieceCounter::of(&tokenizer),
            tokenizer,
            added_by_encode,
            eos,
            template,
            template_file,
            unmask: OnceLock::new(),
            info: TokenizerInfo {
                // A name a person recognises: the model's, where the config says it.
                name: config
                    .name_or_path
                    .clone()
                    .unwrap_or_else(|| files.name.clone()),
                tokenizer_json_sha256: sha256_hex(&files.tokenizer_json),
                chat_template_sha256: sha256_hex(source.as_bytes()),
                date: clock::DateTime::from_unix(now_local).strftime("%Y-%m-%d"),
            },
        })
    }

    pub fn info(&self) -> &TokenizerInfo {
        &self.info
    }

    pub fn render(&self, messages: &[Message]) -> Result<String> {
        self.template
            .render(messages)
            .map_err(|e| e.in_file(&self.template_file))
    }

    /// Renders a conversation as read from a training file (each message with whatever keys it has).
    pub fn render_json(&self, messages: Vec<serde_json::Value>) -> Result<String> {
        self.template
            .render_json(messages)
            .map_err(|e| e.in_file(&self.template_file))
    }

    /// The trainer's tokens of a conversation given as JSON messages (a training file's row), as
    /// instructlab-training 0.16 counts them: `unmask_all` for a row with `unmask: true`.
    pub fn unmasked_tokens(&self, mut messages: Vec<Json>, unmask_all: bool) -> Result<u32> {
        unmask::wrap(&mut messages, unmask_all)?;
        let rendered = self.render_json(messages)?;
        self.unmasker()?.count(&rendered)
    }

    /// As [`Self::unmasked_tokens`], for a knowledge row's messages as its line has them.
    pub fn unmasked_tokens_of(&self, messages: &[Message]) -> Result<u32> {
        let json = |m: &Message| serde_json::json!({"role": m.role, "content": m.content, "thinking": m.thinking});
        self.unmasked_tokens(messages.iter().map(json).collect(), false)
    }

    fn unmasker(&self) -> Result<&UnmaskTokenizer> {
        if let Some(made) = self.unmask.get() {
            return Ok(made);
        }
        let made = UnmaskTokenizer::new(&self.tokenizer)?;
        Ok(self.unmask.get_or_init(|| made))
    }

    /// A rendered text's tokens, both ways, from one count.
    pub fn tokens_of_text(&self, text: &str) -> Result<RowTokens> {
        Ok(self.row_tokens(self.encode(text)?))
    }

    /// A rendered text's tokens by the tokenizer library's own `encode`, none of kmix's ways
    /// of doing less work taken: what the others are checked against, and the benchmark's
    /// baseline.
    pub fn bare_tokens_of_text(&self, text: &str) -> Result<RowTokens> {
        Ok(self.row_tokens(self.bare_encode(text)?))
    }

    /// Whether texts are counted piece by piece rather than by `encode`.
    pub fn counts_pieces(&self) -> bool {
        self.pieces.is_some()
    }

    /// The template's own tokens of a text, none added by `encode`.
    fn encode(&self, text: &str) -> Result<TextTokens> {
        match self
            .pieces
            .as_ref()
            .and_then(|p| p.count(&self.tokenizer, text))
        {
            Some(tokens) => Ok(tokens),
            None => self.bare_encode(text),
        }
    }

    fn bare_encode(&self, text: &str) -> Result<TextTokens> {
        let encoding = self
            .tokenizer
            .encode_fast(text, false)
            .map_err(|e| Error::tokenizer(format!("the tokenizer failed: {e}")))?;
        Ok(TextTokens::of(encoding.get_ids()))
    }

    /// A row's tokens from its trained count and (at least) its last three tokens.
    fn row_tokens(&self, trained: TextTokens) -> RowTokens {
        RowTokens {
            length: trained.count + self.added_by_encode,
            trained: trained.count,
            ends_with_eos: self.eos.is_none_or(|eos| trained.last().contains(&eos)),
        }
    }

    /// Whether this tokenizer guarantees a seam, so that [`Self::tokens_sharing`] saves work.
    pub fn shares_text(&self) -> bool {
        self.seam.is_some()
    }

    /// A conversation's tokens, exactly as [`Self::tokens`] counts them, where its user message
    /// begins with `shared`, a text that the rows before it may have shared: a row that shares
    /// the text `memo` holds is encoded from the seam after it on only.
    pub fn tokens_sharing(
        &self,
        messages: &[Message],
        shared: Option<&str>,
        memo: &mut SharedText,
    ) -> Result<RowTokens> {
        let text = self.render(messages)?;
        let seam = match (&self.seam, shared) {
            (Some(rule), Some(shared)) if !shared.is_empty() => memo
                .seam_in(&text, shared)
                .or_else(|| text.find(shared).map(|at| at + shared.len()))
                .filter(|&at| rule.splits_at(&text, at)),
            _ => None,
        };
        let Some(at) = seam else {
            return self.tokens_of_text(&text);
        };
        let (prefix, rest) = text.split_at(at);
        let rest = self.encode(rest)?;
        if rest.count < 3 {
            // The end-of-sequence check needs the last three tokens.
            return self.tokens_of_text(&text);
        }
        let prefix_tokens = match memo.tokens_of(prefix) {
            Some(tokens) => tokens,
            None => match self.tokens_before_seam(prefix)? {
                Some(tokens) => {
                    memo.remember(prefix, tokens);
                    tokens
                }
                None => return self.tokens_of_text(&text),
            },
        };
        Ok(self.row_tokens(rest.after(prefix_tokens)))
    }

    /// The tokens of `prefix` where it stands before a seam: those of `prefix` followed by a
    /// character the seam allows, less that character's own. The pieces before a seam do not
    /// depend on what follows it, so any row that goes on from this seam has these tokens first.
    fn tokens_before_seam(&self, prefix: &str) -> Result<Option<u32>> {
        const NEXT: &str = "X";
        let probe = format!("{prefix}{NEXT}");
        if !self
            .seam
            .as_ref()
            .is_some_and(|r| r.splits_at(&probe, prefix.len()))
        {
            return Ok(None);
        }
        let whole = self.encode(&probe)?.count;
        let next = self.encode(NEXT)?.count;
        Ok(whole.checked_sub(next))
    }

    pub fn count(&self, messages: &[Message]) -> Result<u32> {
        Ok(self.tokens(messages)?.length)
    }

    pub fn tokens(&self, messages: &[Message]) -> Result<RowTokens> {
        self.tokens_of_text(&self.render(messages)?)
    }
}
