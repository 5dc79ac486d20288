//! A text's tokens counted as the tokenizer library's `encode` counts them, without its
//! bookkeeping: the library tracks offsets and alignments for every byte through every step, and
//! that is most of its time; a count needs none of it.
//!
//! Only for the byte-level BPE pipelines kmix was checked with (Llama 3, Qwen, GPT-OSS, DeepSeek),
//! each step done here with the library's semantics:
//! 1. added tokens matched on the raw text (leftmost, longest first), then the normalized ones in
//!    each stretch between them once that stretch is normalized;
//! 2. the normalizer on each stretch: none, or Unicode forms, run by the library's own normalizer
//!    unless a quick check shows the stretch is in that form already;
//! 3. the split patterns, in order, each a pattern of [`super::patterns`] (matches and the gaps
//!    between them both pieces), run by `regex-automata`; a pattern's closing `\s+(?!\S)|\s+`,
//!    which needs a look-ahead that engine lacks, is run as `\s+` and then given back its last
//!    character wherever `\s+(?!\S)` would have stopped short of a non-space;
//! 4. each piece's bytes mapped to characters (ByteLevel) and tokenized by the model's own
//!    `tokenize`, remembered per thread.
//!
//! [`PieceCounter::of`] gives none for any other pipeline, and [`PieceCounter::count`] none for a
//! text the model fails on: both are then counted by `encode`. The differential tests
//! (`tests/pieces.rs`) hold this against `encode`.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};

use ahash::AHashMap;
use aho_corasick::{AhoCorasick, MatchKind};
use regex_automata::meta::Regex;
use regex_automata::{Anchored, Input};
use serde_json::Value;
use tokenizers::{Model, ModelWrapper, NormalizedString, Normalizer, Tokenizer};
use unicode_normalization_alignments::{
    is_nfc_quick, is_nfd_quick, is_nfkc_quick, is_nfkd_quick, IsNormalized,
};

use super::patterns::{known_steps, Step, BYTE_LEVEL_PATTERN};

/// The last characters of a pattern that need a look-ahead.
const SPACES_BEFORE_NON_SPACE: &str = r"|\s+(?!\S)|\s+";

/// Pieces longer than this are not remembered (long runs of punctuation or white space, rare).
const MEMO_PIECE_BYTES: usize = 64;
/// A thread's memo is emptied when it holds this many pieces, which bounds its memory.
const MEMO_PIECES: usize = 1 << 19;

pub(super) struct PieceCounter {
    raw_added: Option<AddedTokens>,
    normalized_added: Option<AddedTokens>,
    /// The Unicode forms the normalizer makes, in order (none: no normalizer).
    forms: Vec<Form>,
    splits: Vec<Split>,
    /// Which memo, in each thread, holds this counter's pieces.
    id: u64,
}

/// A text's tokens: how many, and the last three (the end-of-sequence check needs them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct TextTokens {
    pub count: u32,
    last: [u32; 3],
}

impl TextTokens {
    pub(super) fn of(ids: &[u32]) -> Self {
        let mut tokens = TextTokens::default();
        ids.iter().for_each(|&id| tokens.push(id));
        tokens
    }

    fn push(&mut self, id: u32) {
        self.last = [self.last[1], self.last[2], id];
        self.count += 1;
    }

    fn extend(&mut self, piece: &TextTokens) {
        let n = piece.count.min(3) as usize;
        piece.last[3 - n..].iter().for_each(|&id| self.push(id));
        self.count += piece.count - n as u32;
    }

    /// These tokens with `count` more before them.
    pub(super) fn after(self, count: u32) -> Self {
        TextTokens {
            count: self.count + count,
            ..self
        }
    }

    /// The last (up to) three ids, oldest first.
    pub(super) fn last(&self) -> &[u32] {
        &self.last[3 - self.count.min(3) as usize..]
    }
}

struct AddedTokens {
    matcher: AhoCorasick,
    ids: Vec<u32>,
}

#[derive(Debug, Clone, Copy)]
enum Form {
    Nfc,
    Nfd,
    Nfkc,
    Nfkd,
}

/// One split pattern, as `regex-automata` runs it.
struct Split {
    regex: Regex,
    /// For a pattern that ends in `\s+(?!\S)|\s+` (run as `\s+`): its other alternatives,
    /// anchored, to tell which alternative a white-space match came from.
    others: Option<Regex>,
}

enum Stretch<'t> {
    Added(u32),
    Text(&'t str),
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

thread_local! {
    static MEMO: RefCell<Memo> = RefCell::new(Memo::default());
}

/// Pieces' tokens by their bytes, for one counter at a time.
#[derive(Default)]
struct Memo {
    owner: u64,
    pieces: AHashMap<Box<[u8]>, TextTokens>,
}

impl PieceCounter {
    pub(super) fn of(tokenizer: &Tokenizer) -> Option<PieceCounter> {
        let ModelWrapper::BPE(bpe) = tokenizer.get_model() else {
            return None;
        };
        if bpe.dropout.is_some_and(|p| p > 0.0) || tokenizer.get_encode_special_tokens() {
            return None;
        }
        let forms = match tokenizer.get_normalizer() {
            None => Vec::new(),
            Some(n) => forms_of(&serde_json::to_value(n).ok()?)?,
        };
        let splits = splits_of(&serde_json::to_value(tokenizer.get_pre_tokenizer()?).ok()?)?;
        let added = tokenizer.get_added_tokens_decoder();
        if added
            .values()
            .any(|t| t.lstrip || t.rstrip || t.single_word)
        {
            return None;
        }
        let (mut raw, mut normalized) = (Vec::new(), Vec::new());
        for (id, token) in added {
            if token.normalized {
                let mut content = NormalizedString::from(token.content.as_str());
                if let Some(n) = tokenizer.get_normalizer() {
                    n.normalize(&mut content).ok()?;
                }
                normalized.push((content.get().to_string(), id));
            } else {
                raw.push((token.content, id));
            }
        }
        Some(PieceCounter {
            raw_added: AddedTokens::new(raw)?,
            normalized_added: AddedTokens::new(normalized)?,
            forms,
            splits,
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
        })
    }

    /// The text's tokens, none added by `encode`; none if the model fails on a piece.
    pub(super) fn count(&self, tokenizer: &Tokenizer, text: &str) -> Option<TextTokens> {
        let model = tokenizer.get_model();
        MEMO.with_borrow_mut(|memo| {
            if memo.owner != self.id {
                *memo = Memo {
                    owner: self.id,
                    pieces: AHashMap::new(),
                };
            }
            let mut tokens = TextTokens::default();
            for stretch in stretches(self.raw_added.as_ref(), text) {
                let raw = match stretch {
                    Stretch::Added(id) => {
                        tokens.push(id);
                        continue;
                    }
                    Stretch::Text(raw) => raw,
                };
                let normalized = self.normalize(tokenizer, raw)?;
                for stretch in stretches(self.normalized_added.as_ref(), &normalized) {
                    match stretch {
                        Stretch::Added(id) => tokens.push(id),
                        Stretch::Text(text) => self.split(0, text, &mut |piece| {
                            tokens.extend(&memo.tokens(piece, model)?);
                            Some(())
                        })?,
                    }
                }
            }
            Some(tokens)
        })
    }

    /// The stretch as the normalizer leaves it.
    fn normalize<'t>(
        &self,
        tokenizer: &Tokenizer,
        text: &'t str,
    ) -> Option<std::borrow::Cow<'t, str>> {
        let unchanged = text.is_ascii() || self.forms.iter().all(|f| f.holds(text));
        match tokenizer.get_normalizer() {
            Some(normalizer) if !unchanged => {
                let mut normalized = NormalizedString::from(text);
                normalizer.normalize(&mut normalized).ok()?;
                Some(normalized.get().to_string().into())
            }
            _ => Some(text.into()),
        }
    }

    /// Hands each piece of `text` that the split patterns from `step` on make to `piece`.
    fn split(
        &self,
        step: usize,
        text: &str,
        piece: &mut dyn FnMut(&str) -> Option<()>,
    ) -> Option<()> {
        let Some(split) = self.splits.get(step) else {
            return piece(text);
        };
        let mut at = 0;
        while let Some((start, end)) = split.next_match(text, at) {
            if end == start {
                return None; // no known pattern matches nothing; never loop on it
            }
            if start > at {
                self.split(step + 1, &text[at..start], piece)?;
            }
            self.split(step + 1, &text[start..end], piece)?;
            at = end;
        }
        if at < text.len() {
            self.split(step + 1, &text[at..], piece)?;
        }
        Some(())
    }
}

impl Memo {
    fn tokens(&mut self, piece: &str, model: &ModelWrapper) -> Option<TextTokens> {
        if let Some(tokens) = self.pieces.get(piece.as_bytes()) {
            return Some(*tokens);
        }
        let mapped: String = piece.bytes().map(|b| BYTE_CHARS[b as usize]).collect();
        let ids: Vec<u32> = model.tokenize(&mapped).ok()?.iter().map(|t| t.id).collect();
        let tokens = TextTokens::of(&ids);
        if piece.len() <= MEMO_PIECE_BYTES {
            if self.pieces.len() >= MEMO_PIECES {
                self.pieces.clear();
            }
            self.pieces.insert(piece.as_bytes().into(), tokens);
        }
        Some(tokens)
    }
}

impl AddedTokens {
    /// None: the tokens cannot be matched as the library matches them; Some(None): no tokens.
    fn new(tokens: Vec<(String, u32)>) -> Option<Option<AddedTokens>> {
        if tokens.is_empty() {
            return Some(None);
        }
        let matcher = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(tokens.iter().map(|(content, _)| content))
            .ok()?;
        let ids = tokens.into_iter().map(|(_, id)| id).collect();
        Some(Some(AddedTokens { matcher, ids }))
    }
}

/// The stretches of `text`: added tokens and the text between them, in order.
fn stretches<'t>(added: Option<&AddedTokens>, text: &'t str) -> Vec<Stretch<'t>> {
    let Some(added) = added else {
        return vec![Stretch::Text(text)];
    };
    let mut out = Vec::new();
    let mut at = 0;
    for found in added.matcher.find_iter(text) {
        if found.start() > at {
            out.push(Stretch::Text(&text[at..found.start()]));
        }
        out.push(Stretch::Added(added.ids[found.pattern().as_usize()]));
        at = found.end();
    }
    if at < text.len() {
        out.push(Stretch::Text(&text[at..]));
    }
    out
}

impl Form {
    /// The text is in this form already (the library's own tables say so).
    fn holds(self, text: &str) -> bool {
        let check = match self {
            Form::Nfc => is_nfc_quick(text.chars()),
            Form::Nfd => is_nfd_quick(text.chars()),
            Form::Nfkc => is_nfkc_quick(text.chars()),
            Form::Nfkd => is_nfkd_quick(text.chars()),
        };
        check == IsNormalized::Yes
    }
}

/// The Unicode forms a normalizer makes, if it is made of nothing else.
fn forms_of(n: &Value) -> Option<Vec<Form>> {
    Some(match n["type"].as_str()? {
        "Sequence" => {
            let steps = n["normalizers"].as_array()?.iter().map(forms_of);
            steps.collect::<Option<Vec<_>>>()?.concat()
        }
        "NFC" => vec![Form::Nfc],
        "NFD" => vec![Form::Nfd],
        "NFKC" => vec![Form::Nfkc],
        "NFKD" => vec![Form::Nfkd],
        _ => return None,
    })
}

/// The split patterns of a pre-tokenizer made of known patterns and a closing byte-to-character
/// map (ByteLevel, no prefix space), if it is.
fn splits_of(pre: &Value) -> Option<Vec<Split>> {
    let steps = known_steps(pre)?;
    let (Step::ByteLevel { use_regex }, splits) = steps.split_last()? else {
        return None;
    };
    let mut patterns = (splits.iter())
        .map(|step| match step {
            Step::Split(pattern) => Some(pattern.regex),
            Step::ByteLevel { .. } => None,
        })
        .collect::<Option<Vec<_>>>()?;
    if *use_regex {
        patterns.push(BYTE_LEVEL_PATTERN.regex);
    }
    patterns.into_iter().map(Split::new).collect()
}

impl Split {
    fn new(pattern: &str) -> Option<Split> {
        let build = |p: &str| Regex::new(p).ok();
        Some(match pattern.strip_suffix(SPACES_BEFORE_NON_SPACE) {
            Some(others) => Split {
                regex: build(&format!(r"{others}|\s+"))?,
                others: Some(build(others)?),
            },
            None => Split {
                regex: build(pattern)?,
                others: None,
            },
        })
    }

    /// The next match at or after `at`, as the pattern with its look-ahead would make it.
    fn next_match(&self, text: &str, at: usize) -> Option<(usize, usize)> {
        let found = self.regex.search(&Input::new(text).range(at..))?;
        let (start, end) = (found.start(), found.end());
        let Some(others) = &self.others else {
            return Some((start, end));
        };
        // Only `\s+` can have matched a run of white space that a non-space follows; there,
        // `\s+(?!\S)` (tried first) takes all of it but the last character, if that leaves any.
        let last = text[start..end].chars().next_back()?;
        let may_be_spaces = end < text.len() && (!last.is_ascii() || is_space(last as u8));
        if may_be_spaces {
            let from_others =
                others.is_match(Input::new(text).range(start..).anchored(Anchored::Yes));
            let shorter = end - last.len_utf8();
            if !from_others && shorter > start {
                return Some((start, shorter));
            }
        }
        Some((start, end))
    }
}

/// ASCII white space as the patterns' `\s` has it (vertical tab included).
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

/// GPT-2's map of bytes to printable characters, as the ByteLevel pre-tokenizer maps them.
static BYTE_CHARS: [char; 256] = byte_chars();

const fn byte_chars() -> [char; 256] {
    let mut chars = ['\0'; 256];
    let mut extra = 0;
    let mut b = 0;
    while b < 256 {
        let printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || b >= 0xae;
        let code = if printable {
            b as u32
        } else {
            extra += 1;
            255 + extra
        };
        chars[b] = match char::from_u32(code) {
            Some(c) => c,
            None => '\0',
        };
        b += 1;
    }
    chars
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_map_as_gpt2_maps_them() {
        assert_eq!(BYTE_CHARS[b'a' as usize], 'a');
        assert_eq!(BYTE_CHARS[b' ' as usize], 'Ġ');
        assert_eq!(BYTE_CHARS[b'\n' as usize], 'Ċ');
        assert_eq!(BYTE_CHARS[0xad], 'Ń'); // the bytes left out are numbered from 256 in order
        assert_eq!(BYTE_CHARS[0], 'Ā');
    }

    #[test]
    fn tails_keep_the_last_three_ids() {
        let mut text = TextTokens::of(&[1]);
        text.extend(&TextTokens::of(&[2, 3, 4, 5]));
        assert_eq!((text.count, text.last()), (5, &[3, 4, 5][..]));
        assert_eq!(TextTokens::of(&[7, 8]).last(), &[7, 8]);
        assert_eq!(TextTokens::default().last(), &[] as &[u32]);
    }
}
