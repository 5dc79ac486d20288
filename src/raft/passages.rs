//! Source chunks cut into passages of words, each a slice of the chunk's own text (its line
//! breaks kept), neighbours sharing a few words so that no sentence is lost at a cut.

/// Words per passage, and words a passage shares with the next: sdg_hub's 400 and 60.
pub const PASSAGE_WORDS: usize = 400;
pub const OVERLAP_WORDS: usize = 60;

/// The passages of `text`, as byte ranges: one for a text of up to [`PASSAGE_WORDS`] words.
pub fn passages(text: &str) -> Vec<std::ops::Range<usize>> {
    let words = word_ranges(text);
    if words.is_empty() {
        return std::iter::once(0..text.len()).collect();
    }
    let step = PASSAGE_WORDS - OVERLAP_WORDS;
    let mut out = Vec::new();
    let mut start = 0;
    loop {
        let end = (start + PASSAGE_WORDS).min(words.len());
        out.push(words[start].start..words[end - 1].end);
        if end == words.len() {
            return out;
        }
        start += step;
    }
}

fn word_ranges(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut words = Vec::new();
    let mut start = None;
    for (at, c) in text.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                words.push(s..at);
                start = None;
            }
            (false, None) => start = Some(at),
            _ => {}
        }
    }
    if let Some(s) = start {
        words.push(s..text.len());
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_of_words_overlap_and_cover_the_text() {
        let text: String = (0..1000).map(|i| format!("w{i}\n")).collect();
        let cut = passages(&text);
        let words = |r: &std::ops::Range<usize>| text[r.clone()].split_whitespace().count();
        assert_eq!(cut.len(), 3, "0..400, 340..740, 680..1000");
        assert_eq!(cut.iter().map(words).collect::<Vec<_>>(), [400, 400, 320]);
        assert!(text[cut[1].clone()].starts_with("w340\n"));
        assert!(text[cut[2].clone()].ends_with("w999"));
        assert_eq!(passages("  one two ").first(), Some(&(2..9)));
    }
}
