//! Generated text for the counting tests: varied everywhere, with every hazard the tokenizers'
//! pipelines have (white space of every kind, scripts, emoji, combining marks, special tokens).

use kmix::tokens::ChatTokenizer;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Pieces of text chosen to hit every branch of the pre-tokenizers: words, contractions, digits,
/// punctuation runs, every kind of white space, scripts that are split apart, emoji, combining
/// marks and the text of special tokens.
pub const PIECES: &[&str] = &[
    "the",
    "The",
    "knowledge",
    "mixing",
    "Tokenizer",
    "model's",
    "we'll",
    "I'd",
    "don't",
    "IBM",
    "x",
    "Q",
    "2024",
    "3.14159",
    "1,000,000",
    "007",
    "12345678",
    "½",
    "٣",
    ".",
    ",",
    "...",
    "?!",
    "--",
    "—",
    "\"",
    "'",
    "(",
    ")",
    "[END]",
    "[ANSWER]",
    "/",
    "//",
    "://",
    "#",
    "**",
    "`code`",
    "{",
    "}",
    "\\",
    "~",
    " ",
    "  ",
    "   ",
    "\t",
    "\n",
    "\n\n",
    "\n\n\n",
    "\r\n",
    "\r",
    " \n",
    "\n ",
    "\u{a0}",
    "\u{2028}",
    "\u{3000}",
    "\u{200b}",
    "\u{1f}",
    "知识混合",
    "カタカナ",
    "ひらがな",
    "한국어",
    "Ελληνικά",
    "Привет",
    "עברית",
    "مرحبا",
    "ไทย",
    "😀",
    "👩\u{200d}💻",
    "🇩🇪",
    "e\u{301}",
    "\u{301}",
    "A\u{30a}",
    "ﬁ",
    "Å",
    "\u{212b}",
    "\u{1100}\u{1161}",
    "\u{17f}",
    "\u{212a}",
    "'S",
    "'LL",
    "\u{b}",
    "\u{c}",
    "\u{85}",
    "<|eot_id|>",
    "<|start_header_id|>",
    "<|im_start|>",
    "<|im_end|>",
    "<start_of_turn>",
    "<end_of_turn>",
    "<bos>",
    "<think>",
    "</think>",
    "<|end|>",
    "<|begin▁of▁sentence|>",
];

/// What a question may start with: mostly what questions start with, and every seam hazard.
pub const STARTS: &[&str] = &[
    "What",
    "How",
    "Why",
    "Which",
    "Describe",
    "what",
    "Q:",
    "1.",
    "2024",
    "(a)",
    "\"Why",
    "'s",
    "/",
    "//path",
    "...",
    "—",
    "#",
    "[",
    " What",
    "  How",
    "\nWhat",
    "\n\nWhy",
    "\r\nWhat",
    "\r",
    "\t",
    "\u{a0}What",
    "\u{2028}",
    "\u{3000}",
    "知识",
    "カ",
    "😀",
    "e\u{301}",
    "\u{301}",
    "Å",
    "ﬁ",
    "<|eot_id|>",
    "<|im_start|>",
    "<start_of_turn>",
    "<bos>",
    "<think>",
    "<",
    "Ελ",
    "Пр",
];

/// The test tokenizers; GPT-OSS's package has no chat template, so it gets the shape of its own.
pub fn load(name: &str) -> ChatTokenizer {
    let mut files = super::tokenizer_files(&super::tokenizer_dir(name));
    if name == "gptoss" {
        files.chat_template_jinja = Some(
            "{% for m in messages %}<|start|>{{ m.role }}<|message|>{{ m.content }}<|end|>{% endfor %}"
                .into(),
        );
    }
    ChatTokenizer::load(&files, 0).unwrap()
}

pub struct Text {
    pub rng: StdRng,
}

impl Text {
    pub fn new(seed: u64) -> Self {
        Text {
            rng: StdRng::seed_from_u64(seed),
        }
    }

    pub fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.rng.random_range(0..from.len())]
    }

    /// Mostly words and single spaces, as prose is, with any piece now and then.
    pub fn prose(&mut self, pieces: usize) -> String {
        let mut out = String::new();
        for _ in 0..pieces {
            let piece = if self.rng.random_bool(0.7) {
                self.pick(&PIECES[..11])
            } else {
                self.pick(PIECES)
            };
            out.push_str(piece);
            if self.rng.random_bool(0.6) {
                out.push(' ');
            }
        }
        out
    }

    pub fn question(&mut self) -> String {
        let start = self.pick(STARTS);
        let words = self.rng.random_range(0..14);
        format!("{start}{}", self.prose(words))
    }
}

/// A test tokenizer with a change to its tokenizer.json.
pub fn tokenizer_with(name: &str, change: impl FnOnce(&mut serde_json::Value)) -> ChatTokenizer {
    let mut files = super::tokenizer_files(&super::tokenizer_dir(name));
    let mut json: serde_json::Value = serde_json::from_slice(&files.tokenizer_json).unwrap();
    change(&mut json);
    files.tokenizer_json = serde_json::to_vec(&json).unwrap();
    ChatTokenizer::load(&files, 0).unwrap()
}
