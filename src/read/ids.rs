//! Ids for texts by their 128-bit hash: generation output repeats each augmentation and source chunk
//! on every Q&A row, and the first pass needs only to tell them apart, not to keep them.

use std::collections::HashMap;

use xxhash_rust::xxh3::xxh3_128;

pub type TextId = u32;

#[derive(Debug, Default)]
pub struct TextIds {
    ids: HashMap<u128, TextId>,
    hashes: Vec<u128>,
    /// The start of each source chunk's text, so that a report can name one.
    starts: HashMap<TextId, String>,
}

/// How much of a source chunk's text names it in a report.
const START_CHARS: usize = 60;

impl TextIds {
    pub fn id(&mut self, text: &str) -> TextId {
        let hash = text_hash(text);
        *self.ids.entry(hash).or_insert_with(|| {
            self.hashes.push(hash);
            (self.hashes.len() - 1) as TextId
        })
    }

    /// As [`TextIds::id`], keeping the start of the text to name it by (for source chunks: few,
    /// and named in coverage reports).
    pub fn named_id(&mut self, text: &str) -> TextId {
        let id = self.id(text);
        self.starts.entry(id).or_insert_with(|| {
            let start: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
            match start.char_indices().nth(START_CHARS) {
                Some((at, _)) => format!("{}…", &start[..at]),
                None => start,
            }
        });
        id
    }

    /// The start of a text given to [`TextIds::named_id`].
    pub fn start(&self, id: TextId) -> Option<&str> {
        self.starts.get(&id).map(String::as_str)
    }

    /// The text's hash: stable across platforms and versions, so it can seed sampling.
    pub fn hash(&self, id: TextId) -> u128 {
        self.hashes[id as usize]
    }
}

pub fn text_hash(text: &str) -> u128 {
    xxh3_128(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_share_an_id() {
        let mut t = TextIds::default();
        let a = t.id("doc");
        let b = t.id("other");
        assert_eq!(t.id("doc"), a);
        assert_ne!(a, b);
        assert_eq!(t.hash(b), text_hash("other"));
    }
}
