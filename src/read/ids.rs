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
        self.id_of_hash(text_hash(text))
    }

    fn id_of_hash(&mut self, hash: u128) -> TextId {
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

    /// The hash of each id, in order, and the starts kept: all another table needs to take
    /// these texts in ([`TextIds::add`]).
    pub fn into_parts(self) -> (Vec<u128>, Vec<(TextId, String)>) {
        let mut starts: Vec<_> = self.starts.into_iter().collect();
        starts.sort_unstable_by_key(|(id, _)| *id);
        (self.hashes, starts)
    }

    /// As [`TextIds::into_parts`], keeping the table (to store it beside the index).
    pub fn parts(&self) -> (Vec<u128>, Vec<(TextId, String)>) {
        let mut starts: Vec<_> = (self.starts.iter())
            .map(|(&id, s)| (id, s.clone()))
            .collect();
        starts.sort_unstable_by_key(|(id, _)| *id);
        (self.hashes.clone(), starts)
    }

    /// Takes in another table's texts (its [`TextIds::into_parts`]), as if each had been given
    /// here in the order of its ids; returns the id here of each of its ids.
    pub fn add(&mut self, hashes: Vec<u128>, starts: Vec<(TextId, String)>) -> Vec<TextId> {
        let ids: Vec<TextId> = hashes.into_iter().map(|h| self.id_of_hash(h)).collect();
        for (id, start) in starts {
            if let Some(&here) = ids.get(id as usize) {
                self.starts.entry(here).or_insert(start);
            }
        }
        ids
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
