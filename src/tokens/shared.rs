//! Rows that share a text (the augmentation every Q&A row of it repeats) counted once: the
//! shared part's tokens where it stands are worked out once, and each row is encoded from the
//! seam on only. Exact wherever [`super::seam::SeamRule`] guarantees the seam; elsewhere rows
//! are counted whole.

/// The shared text last seen by one worker and its tokens where it stands.
#[derive(Debug, Default)]
pub struct SharedText {
    /// The rendered text up to the seam.
    prefix: String,
    prefix_tokens: u32,
    /// Rows whose shared part was taken from here rather than encoded.
    rows_counted_from_seam: u64,
}

impl SharedText {
    /// Rows whose shared part was not encoded again.
    pub fn rows_counted_from_seam(&self) -> u64 {
        self.rows_counted_from_seam
    }

    /// Where the seam after `shared` is in `text` when `text` begins with the remembered prefix,
    /// which ends with `shared`: found without searching the text.
    pub(super) fn seam_in(&self, text: &str, shared: &str) -> Option<usize> {
        (!self.prefix.is_empty() && self.prefix.ends_with(shared) && text.starts_with(&self.prefix))
            .then_some(self.prefix.len())
    }

    /// The tokens of `prefix`, if it is the text remembered.
    pub(super) fn tokens_of(&mut self, prefix: &str) -> Option<u32> {
        let held = !self.prefix.is_empty() && self.prefix == prefix;
        self.rows_counted_from_seam += u64::from(held);
        held.then_some(self.prefix_tokens)
    }

    pub(super) fn remember(&mut self, prefix: &str, tokens: u32) {
        self.prefix.clear();
        self.prefix.push_str(prefix);
        self.prefix_tokens = tokens;
    }
}
