//! Rows that share a text (the augmentation every Q&A row of it repeats) counted once: the first
//! row whole, and each row after it only from the seam on, the shared part's tokens taken from
//! the first. Exact wherever [`super::seam::SeamRule`] guarantees the seam; elsewhere rows are
//! counted whole.

/// The shared text last seen by one worker and what is known of its tokens.
#[derive(Debug, Default)]
pub struct SharedText {
    /// The rendered text up to the seam.
    prefix: String,
    /// The trained tokens of the first row that had `prefix`, and that row's text after it.
    first_row: u32,
    first_rest: String,
    /// The tokens of `prefix` where it stands: the first row's less its rest's, worked out when
    /// a second row shares it (one row alone never pays for it).
    prefix_tokens: Option<u32>,
    /// Rows counted from the seam on.
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

    /// Whether `prefix` is the text remembered.
    pub(super) fn holds(&self, prefix: &str) -> bool {
        !self.prefix.is_empty() && self.prefix == prefix
    }

    /// Remembers a new shared text from its first row.
    pub(super) fn remember(&mut self, prefix: &str, row_tokens: u32, rest: &str) {
        self.prefix.clear();
        self.prefix.push_str(prefix);
        self.first_row = row_tokens;
        self.first_rest.clear();
        self.first_rest.push_str(rest);
        self.prefix_tokens = None;
    }

    /// The tokens of the remembered prefix, given how `count_rest` counts a text from the seam.
    pub(super) fn prefix_tokens(
        &mut self,
        count_rest: impl FnOnce(&str) -> crate::Result<u32>,
    ) -> crate::Result<u32> {
        if let Some(tokens) = self.prefix_tokens {
            return Ok(tokens);
        }
        let tokens = self.first_row - count_rest(&self.first_rest)?;
        self.prefix_tokens = Some(tokens);
        Ok(tokens)
    }

    pub(super) fn counted_from_seam(&mut self) {
        self.rows_counted_from_seam += 1;
    }
}
