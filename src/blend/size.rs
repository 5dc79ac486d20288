//! How much of a source goes into a blend, as people write it: rows, a ratio, or tokens.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Size {
    /// So many rows: above the source's rows it upsamples (whole copies, then a seeded remainder).
    Rows(u64),
    /// A share of the source's rows, `floor(rows × ratio)` as InstructLab computes it.
    Ratio(f64),
    /// As many rows, in seeded order, as come nearest this many trained tokens.
    Tokens(u64),
}

impl Size {
    /// `30000` is a row count, a number with a decimal point (`0.5`, `2.0`) a ratio, and a token
    /// amount ends in `tok` (`5Mtok`, `250000tok`).
    pub fn parse(text: &str, field: &str) -> Result<Size> {
        let text = text.trim();
        let lower = text.to_ascii_lowercase();
        if let Some(amount) = lower
            .strip_suffix("tokens")
            .or_else(|| lower.strip_suffix("tok"))
        {
            return parse_tokens(amount, field).map(Size::Tokens);
        }
        if text.contains(['.', 'e', 'E']) {
            return match text.parse::<f64>() {
                Ok(ratio) if ratio.is_finite() && ratio > 0.0 => Ok(Size::Ratio(ratio)),
                Ok(_) => Err(not_positive(text, field)),
                Err(_) => Err(not_a_size(text, field)),
            };
        }
        match text.parse::<i128>() {
            Ok(rows) if rows > 0 => u64::try_from(rows)
                .map(Size::Rows)
                .map_err(|_| Error::parameters(format!("`{text}` is too large")).field(field)),
            Ok(_) => Err(not_positive(text, field)),
            Err(_) => Err(not_a_size(text, field)),
        }
    }

    /// The rows it asks of a source of `available` rows (none for a token amount).
    pub fn rows(self, available: usize) -> Option<u64> {
        match self {
            Size::Rows(rows) => Some(rows),
            Size::Ratio(ratio) => Some((available as f64 * ratio).floor() as u64),
            Size::Tokens(_) => None,
        }
    }

    /// As [`Size::parse`] reads it back.
    pub fn text(self) -> String {
        match self {
            Size::Rows(rows) => rows.to_string(),
            Size::Ratio(ratio) => format!("{ratio:?}"),
            Size::Tokens(tokens) => format!("{tokens}tok"),
        }
    }

    /// As a report writes it.
    pub fn describe(self) -> String {
        match self {
            Size::Rows(rows) => format!("{rows} rows"),
            Size::Ratio(ratio) => format!("ratio {ratio:?}"),
            Size::Tokens(tokens) => format!("{} tokens", short_number(tokens)),
        }
    }
}

/// A number of tokens: `20M`, `1.5G`, `250K`, `300000` (K, M and G are thousands, millions and
/// billions).
pub fn parse_tokens(text: &str, field: &str) -> Result<u64> {
    let text = text.trim();
    let (number, scale) = match text.char_indices().last() {
        Some((i, c)) if c.eq_ignore_ascii_case(&'k') => (&text[..i], 1e3),
        Some((i, c)) if c.eq_ignore_ascii_case(&'m') => (&text[..i], 1e6),
        Some((i, c)) if c.eq_ignore_ascii_case(&'g') || c.eq_ignore_ascii_case(&'b') => {
            (&text[..i], 1e9)
        }
        _ => (text, 1.0),
    };
    let value: f64 = number
        .trim()
        .replace('_', "")
        .parse()
        .map_err(|_| not_a_size(text, field))?;
    let tokens = (value * scale).round();
    if !(tokens.is_finite() && tokens >= 1.0) {
        return Err(not_positive(text, field));
    }
    if tokens > u64::MAX as f64 {
        return Err(Error::parameters(format!("`{text}` is too large")).field(field));
    }
    Ok(tokens as u64)
}

/// `20000000` as `20M`, `1500` as `1.5K`: for reports.
pub fn short_number(n: u64) -> String {
    let (value, unit) = match n {
        0..1_000 => return n.to_string(),
        1_000..1_000_000 => (n as f64 / 1e3, "K"),
        1_000_000..1_000_000_000 => (n as f64 / 1e6, "M"),
        _ => (n as f64 / 1e9, "G"),
    };
    let text = format!("{value:.2}");
    format!("{}{unit}", text.trim_end_matches('0').trim_end_matches('.'))
}

fn not_a_size(text: &str, field: &str) -> Error {
    Error::parameters(format!(
        "`{text}` is not a size: give a row count (30000), a ratio with a decimal point (0.5, 2.0) or tokens (5Mtok)"
    ))
    .field(field)
}

fn not_positive(text: &str, field: &str) -> Error {
    Error::parameters(format!("`{text}` must be above zero")).field(field)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_rows_ratios_or_tokens() {
        let size = |t: &str| Size::parse(t, "size").unwrap();
        assert_eq!(size("30000"), Size::Rows(30000));
        assert_eq!(size("0.5"), Size::Ratio(0.5));
        assert_eq!(size("2.0"), Size::Ratio(2.0));
        assert_eq!(size("5Mtok"), Size::Tokens(5_000_000));
        assert_eq!(size("1.5k tokens"), Size::Tokens(1500));
        for bad in ["0", "-3", "0.0", "-0.5", "abc", "", "1x", "0tok", "nan"] {
            let e = Size::parse(bad, "size").unwrap_err();
            assert_eq!(e.field.as_deref(), Some("size"), "{bad}");
        }
        assert_eq!(parse_tokens("20M", "budget").unwrap(), 20_000_000);
        assert_eq!(parse_tokens("250_000", "budget").unwrap(), 250_000);
        assert_eq!(short_number(20_000_000), "20M");
        assert_eq!(short_number(1_534), "1.53K");
    }

    #[test]
    fn ratios_floor_as_instructlab_does() {
        assert_eq!(Size::Ratio(0.5).rows(7), Some(3));
        assert_eq!(Size::Ratio(2.0).rows(7), Some(14));
        // Python's int(100 * 0.29) is 28 too.
        assert_eq!(Size::Ratio(0.29).rows(100), Some(28));
        assert_eq!(Size::Rows(9).rows(7), Some(9));
        assert_eq!(Size::Tokens(9).rows(7), None);
    }
}
