//! Text compared as people read it: the same question typed twice differs in Unicode form, case
//! or white space more often than in words. Duplicates and held-out leaks both compare so.

use unicode_normalization_alignments::UnicodeNormalization;
use xxhash_rust::xxh3::Xxh3;

/// `text` in NFKC, lower case, white space runs made one space, trimmed.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    normalise_into(text, &mut out);
    out
}

/// [`normalise`] into `out` (cleared first), so that a loop reuses one buffer.
pub fn normalise_into(text: &str, out: &mut String) {
    out.clear();
    let mut space = false;
    let mut push = |c: char| {
        if c.is_whitespace() {
            space = !out.is_empty();
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.extend(c.to_lowercase());
        }
    };
    // ASCII is its own NFKC: most generated text skips the decomposition tables.
    if text.is_ascii() {
        text.chars().for_each(push);
    } else {
        text.nfkc().for_each(|(c, _)| push(c));
    }
}

/// A 64-bit hash of texts taken together after [`normalise`]: stable across platforms, so the
/// same rows are duplicates natively and in the page.
pub fn normal_hash(texts: &[&str], buffer: &mut String) -> u64 {
    let mut hasher = Xxh3::new();
    for text in texts {
        normalise_into(text, buffer);
        hasher.update(buffer.as_bytes());
        // Keeps ("ab", "c") apart from ("a", "bc").
        hasher.update(&[0]);
    }
    hasher.digest()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_case_and_white_space_do_not_count() {
        assert_eq!(
            normalise("  What IS\u{a0}the\n\tﬁle?  "),
            "what is the file?"
        );
        assert_eq!(normalise("Ｃａｆé"), normalise("cafe\u{301}"));
        let mut b = String::new();
        assert_eq!(
            normal_hash(&["A b", "c"], &mut b),
            normal_hash(&["a  B", " C"], &mut b)
        );
        assert_ne!(
            normal_hash(&["ab", "c"], &mut b),
            normal_hash(&["a", "bc"], &mut b)
        );
    }
}
