//! The split patterns kmix knows: the pre-tokenizer regexes of the byte-level BPE tokenizers it
//! was checked with, each read for what the seam rule ([`super::seam`]) needs, and each run by
//! the piece counter ([`super::pieces`]) and proven there by the differential tests. A pattern
//! not listed here gives neither a seam nor the piece counter.

use serde_json::Value;

/// A pre-tokenizer step kmix knows the behaviour of.
pub(super) enum Step {
    /// An isolated split by a known pattern.
    Split(&'static KnownPattern),
    /// Bytes mapped to characters (without a prefix space), split by GPT-2's pattern first when
    /// `use_regex`.
    ByteLevel { use_regex: bool },
}

/// The steps of a `tokenizer.json` pre-tokenizer, when kmix knows every one of them.
pub(super) fn known_steps(pre: &Value) -> Option<Vec<Step>> {
    let steps: Vec<&Value> = match pre["type"].as_str()? {
        "Sequence" => pre["pretokenizers"].as_array()?.iter().collect(),
        _ => vec![pre],
    };
    (steps.into_iter())
        .map(|step| match step["type"].as_str()? {
            "Split" if step["behavior"] == "Isolated" && step["invert"] == false => {
                let regex = step["pattern"]["Regex"].as_str()?;
                KNOWN_PATTERNS
                    .iter()
                    .find(|k| k.regex == regex)
                    .map(Step::Split)
            }
            "ByteLevel" if step["add_prefix_space"] == false => Some(Step::ByteLevel {
                use_regex: step["use_regex"] == true,
            }),
            _ => None,
        })
        .collect()
}

/// A split pattern the pre-tokenizer rule knows, read for the properties the rule needs.
pub(super) struct KnownPattern {
    pub regex: &'static str,
    /// A match can start at any newline, so a newline is never left in a gap between pieces.
    pub covers_newlines: bool,
    /// What a match may hold after a newline other than white space.
    pub after_newline: &'static [char],
}

/// Each pattern's alternatives were read one by one: a newline appears only in `\s`, `[\r\n]`
/// (or `[\r\n/]`) classes that are followed, within the alternative, by nothing but such classes
/// or `(?!\S)`; every other class excludes `\r\n`.
pub(super) const KNOWN_PATTERNS: &[KnownPattern] = &[
    // Llama 3 (cl100k-style).
    KnownPattern {
        regex: r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+",
        covers_newlines: true,
        after_newline: &[],
    },
    // Qwen 2 and 3: single digits.
    KnownPattern {
        regex: r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+",
        covers_newlines: true,
        after_newline: &[],
    },
    // GPT-OSS (o200k-style): punctuation may be followed by newlines and slashes.
    KnownPattern {
        regex: r"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+",
        covers_newlines: true,
        after_newline: &['/'],
    },
    // DeepSeek V3: its main pattern ...
    KnownPattern {
        regex: "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+",
        covers_newlines: true,
        after_newline: &[],
    },
    // ... and the two it splits with first, which never match a newline.
    KnownPattern {
        regex: r"\p{N}{1,3}",
        covers_newlines: false,
        after_newline: &[],
    },
    KnownPattern {
        regex: "[\u{4e00}-\u{9fa5}\u{3040}-\u{309f}\u{30a0}-\u{30ff}]+",
        covers_newlines: false,
        after_newline: &[],
    },
];

/// GPT-2's pattern, which the ByteLevel pre-tokenizer splits with when `use_regex` is set:
/// ` ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+` hold no white space and `\s+(?!\S)|\s+` only white space.
pub(super) const BYTE_LEVEL_PATTERN: KnownPattern = KnownPattern {
    regex: r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+",
    covers_newlines: true,
    after_newline: &[],
};
