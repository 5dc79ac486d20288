//! Where a rendered text can be cut in two and its tokens are the tokens of the two parts, by the
//! tokenizer's own pipeline: the guarantee that lets a text shared by many rows be counted once.
//!
//! The seam is always right after a newline, before a character that is not white space: that is
//! where every Q&A row's question follows the augmentation it shares with its siblings
//! (`"{outline}\n{document}\n\n"`). Two pipelines give the guarantee, each shown from its parts
//! and recognised from the loaded tokenizer; any other part (a normalizer, pre-tokenizer or
//! added-token option not listed here) gives no rule and every row is counted whole.
//!
//! 1. [`SeamRule::NewlineTokens`] (SentencePiece-style, e.g. Gemma): newlines are added tokens.
//!    Added tokens are matched first, on the raw text, longest first, and every other stretch of
//!    text is normalized, pre-tokenized and modelled on its own. If every added token holding a
//!    newline is a run of newlines only, and `"\n"` is one of them, the run of newlines that ends at
//!    the seam is matched by tokens that end there (the next character is no newline), whatever
//!    follows; so the stretch after the seam is tokenized as it would be alone.
//! 2. [`SeamRule::PreTokenizer`] (byte-level BPE, e.g. Llama 3, Qwen, GPT-OSS, DeepSeek): the
//!    pre-tokenizer's patterns (a table below, each read for this) never put a newline and a
//!    following non-white-space character in one piece, a piece can start at any newline, no
//!    pattern looks behind, and after a newline a pattern tests only whether the next character
//!    is white space (or one of a few listed characters). So a piece ends at the seam, the pieces
//!    before it do not depend on what follows, and those after it are the pieces of the rest
//!    alone. The model tokenizes each piece on its own. No added token may hold a newline or start
//!    at the seam, and a normalizer may only be one that leaves `\n` and an ASCII character
//!    beside it alone (Unicode forms, lowercase), in which case the rest must start with one.
//!
//! Neither rule holds with added tokens that strip white space or must be single words, or when
//! special tokens are to be encoded as text.

use serde_json::Value;
use tokenizers::Tokenizer;

use super::patterns::{known_steps, Step, BYTE_LEVEL_PATTERN};

/// How a tokenizer guarantees a token boundary after a newline, if it does.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum SeamRule {
    NewlineTokens,
    PreTokenizer {
        /// A normalizer changes the text (the rest must then start with an ASCII character).
        normalized: bool,
        /// Characters a piece may hold after a newline besides white space.
        after_newline: Vec<char>,
        /// The first characters of the added tokens: none of them may start the rest.
        added_first: Vec<char>,
    },
}

/// What a normalizer does, as far as the rules care.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Normalizer {
    /// Nothing at all.
    Identity,
    /// Unicode forms and lowercase: each leaves `\n` and a following ASCII character alone, and
    /// normalizes a text cut there as the two parts.
    Unicode,
    /// Works on each stretch between added tokens on its own, whatever its place (replacing,
    /// prepending): fine where added tokens make the seam.
    PerStretch,
}

impl SeamRule {
    /// The rule the loaded tokenizer guarantees, if any.
    pub(super) fn of(tokenizer: &Tokenizer) -> Option<SeamRule> {
        if tokenizer.get_encode_special_tokens() {
            return None;
        }
        let added: Vec<_> = tokenizer.get_added_tokens_decoder().into_values().collect();
        if added.iter().any(|t| t.lstrip || t.rstrip || t.single_word) {
            return None;
        }
        let normalizer = match tokenizer.get_normalizer() {
            None => Normalizer::Identity,
            Some(n) => normalizer_kind(&serde_json::to_value(n).ok()?)?,
        };
        let pre_tokenizer = tokenizer
            .get_pre_tokenizer()
            .map(serde_json::to_value)
            .transpose()
            .ok()?;
        let with_newline: Vec<_> = added.iter().filter(|t| t.content.contains('\n')).collect();
        if !with_newline.is_empty() {
            let runs_of_newlines = with_newline
                .iter()
                .all(|t| !t.normalized && t.content.bytes().all(|b| b == b'\n'));
            let single = with_newline.iter().any(|t| t.content == "\n");
            let per_stretch = pre_tokenizer.as_ref().is_none_or(splits_each_stretch_alike);
            return (runs_of_newlines && single && per_stretch).then_some(SeamRule::NewlineTokens);
        }
        let normalized = match normalizer {
            Normalizer::Identity => false,
            Normalizer::Unicode => true,
            Normalizer::PerStretch => return None,
        };
        if normalized && added.iter().any(|t| t.normalized) {
            return None; // they would be matched on normalized text
        }
        let mut added_first: Vec<char> = added
            .iter()
            .filter_map(|t| t.content.chars().next())
            .collect();
        added_first.sort_unstable();
        added_first.dedup();
        Some(SeamRule::PreTokenizer {
            normalized,
            after_newline: pre_tokenizer_after_newline(pre_tokenizer.as_ref()?)?,
            added_first,
        })
    }

    /// The tokens of `text` are those of `text[..at]` followed by those of `text[at..]` alone
    /// (`at` just after a newline).
    pub(super) fn splits_at(&self, text: &str, at: usize) -> bool {
        let (Some(before), Some(rest)) = (text.get(..at), text.get(at..)) else {
            return false;
        };
        let Some(next) = rest.chars().next() else {
            return false;
        };
        if !before.ends_with('\n') {
            return false;
        }
        match self {
            SeamRule::NewlineTokens => next != '\n',
            SeamRule::PreTokenizer {
                normalized,
                after_newline,
                added_first,
            } => {
                !next.is_whitespace()
                    && !after_newline.contains(&next)
                    && added_first.binary_search(&next).is_err()
                    && (!normalized || next.is_ascii_graphic())
            }
        }
    }
}

fn normalizer_kind(n: &Value) -> Option<Normalizer> {
    match n["type"].as_str()? {
        "Sequence" => n["normalizers"]
            .as_array()?
            .iter()
            .map(normalizer_kind)
            .try_fold(Normalizer::Identity, |acc, kind| {
                let kind = kind?;
                Some(
                    if acc == Normalizer::PerStretch || kind == Normalizer::PerStretch {
                        Normalizer::PerStretch
                    } else if acc == Normalizer::Unicode || kind == Normalizer::Unicode {
                        Normalizer::Unicode
                    } else {
                        Normalizer::Identity
                    },
                )
            }),
        "NFC" | "NFD" | "NFKC" | "NFKD" | "Lowercase" => Some(Normalizer::Unicode),
        "Replace" | "Prepend" => Some(Normalizer::PerStretch),
        _ => None,
    }
}

/// A pre-tokenizer that treats every stretch between added tokens alike, wherever it stands (no
/// prefix space or metaspace added to the first stretch only).
fn splits_each_stretch_alike(pre: &Value) -> bool {
    match pre["type"].as_str() {
        Some("Sequence") => pre["pretokenizers"]
            .as_array()
            .is_some_and(|steps| steps.iter().all(splits_each_stretch_alike)),
        Some("Split") => pre["pattern"]["String"].is_string(),
        Some("ByteLevel") => pre["add_prefix_space"] == false,
        _ => false,
    }
}

/// The characters a piece may hold after a newline besides white space, if the pre-tokenizer is
/// made of known patterns of which one covers every newline.
fn pre_tokenizer_after_newline(pre: &Value) -> Option<Vec<char>> {
    let mut covered = false;
    let mut after_newline = Vec::new();
    for step in known_steps(pre)? {
        let pattern = match step {
            Step::Split(pattern) => pattern,
            Step::ByteLevel { use_regex: true } => &BYTE_LEVEL_PATTERN,
            Step::ByteLevel { use_regex: false } => continue, // bytes mapped one by one
        };
        covered |= pattern.covers_newlines;
        after_newline.extend_from_slice(pattern.after_newline);
    }
    covered.then_some(after_newline)
}
