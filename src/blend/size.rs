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
    /// One grammar for every amount ([`parse_count`]'s): a whole number is rows, `k`, `M` or `G`
    /// allowed (`30000`, `30k`); a plain number with a decimal point is a ratio (`0.5`, `2.0`);
    /// tokens end in `tok` or `tokens` (`5Mtok`, `250k tokens`). Nothing else is a size (`1e3`).
    pub fn parse(text: &str, field: &str) -> Result<Size> {
        let text = text.trim();
        let lower = text.to_ascii_lowercase();
        let refuse = |problem: Problem| problem.error(text, field, "a size", SIZE_FORMS);
        if let Some(amount) = lower
            .strip_suffix("tokens")
            .or_else(|| lower.strip_suffix("tok"))
        {
            return parse_count(amount).map(Size::Tokens).map_err(refuse);
        }
        if lower.ends_with(['k', 'm', 'g']) || !lower.contains('.') {
            return parse_count(&lower).map(Size::Rows).map_err(refuse);
        }
        match decimal(&lower) {
            Some(ratio) if ratio > 0.0 => Size::ratio(ratio, field),
            Some(_) => Err(refuse(Problem::NotPositive)),
            None => Err(refuse(Problem::NotAnAmount)),
        }
    }

    /// A ratio of a source's rows, as a recipe's float gives it.
    pub fn ratio(ratio: f64, field: &str) -> Result<Size> {
        match ratio.is_finite() && ratio > 0.0 {
            true => Ok(Size::Ratio(ratio)),
            false => {
                Err(Problem::NotPositive.error(&format!("{ratio:?}"), field, "a size", SIZE_FORMS))
            }
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
            // Display never writes an exponent (`1e-5`, which is no size); a whole ratio keeps its
            // decimal point (`2.0`, not the row count `2`).
            Size::Ratio(ratio) if ratio.fract() == 0.0 => format!("{ratio}.0"),
            Size::Ratio(ratio) => format!("{ratio}"),
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

/// A number of tokens, as a budget gives it: the grammar of sizes' token amounts, `tok` optional
/// (`300000`, `250K`, `20M`, `1.5G`, `20Mtok`).
pub fn parse_tokens(text: &str, field: &str) -> Result<u64> {
    let text = text.trim();
    let lower = text.to_ascii_lowercase();
    let amount = lower
        .strip_suffix("tokens")
        .or_else(|| lower.strip_suffix("tok"))
        .unwrap_or(&lower);
    parse_count(amount).map_err(|p| p.error(text, field, "a token amount", TOKEN_FORMS))
}

/// The forms a size takes, for messages.
const SIZE_FORMS: &str =
    "rows (30000, 30k), a ratio with a decimal point (0.5, 2.0) or tokens (5Mtok, 250k tokens)";
/// The forms a token amount takes, for messages.
const TOKEN_FORMS: &str = "a whole number of tokens, K, M or G allowed (300000, 250K, 20M, 1.5G)";

/// Why a text is not an amount.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Problem {
    NotAnAmount,
    NotWhole,
    NotPositive,
    TooLarge,
}

impl Problem {
    /// `what`: what the text was to be (`a size`); `forms`: the forms that work.
    fn error(self, text: &str, field: &str, what: &str, forms: &str) -> Error {
        let message = match self {
            Problem::NotAnAmount => format!("`{text}` is not {what}: give {forms}"),
            Problem::NotWhole => format!("`{text}` is not a whole number: give {forms}"),
            Problem::NotPositive => format!("`{text}` must be above zero"),
            Problem::TooLarge => format!("`{text}` is too large"),
        };
        Error::parameters(message).field(field)
    }
}

/// A whole count, exactly: digits (`_` may separate them), an optional fraction, and an optional
/// `k`, `M` or `G` (thousands, millions, billions) that makes it whole (`1.5k`, not `1.5`).
fn parse_count(text: &str) -> std::result::Result<u64, Problem> {
    let text = text.trim();
    if let Some(rest) = text.strip_prefix('-') {
        return match parse_count(rest) {
            Ok(_) => Err(Problem::NotPositive),
            Err(e) => Err(e),
        };
    }
    let (number, zeros) = match text.chars().last().map(|c| c.to_ascii_lowercase()) {
        Some('k') => (&text[..text.len() - 1], 3),
        Some('m') => (&text[..text.len() - 1], 6),
        Some('g') => (&text[..text.len() - 1], 9),
        _ => (text, 0),
    };
    let number = number.trim().replace('_', "");
    let (whole, fraction) = number.split_once('.').unwrap_or((&number, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !digits(whole) || !digits(fraction) {
        return Err(Problem::NotAnAmount);
    }
    let fraction = fraction.trim_end_matches('0');
    if fraction.len() > zeros {
        return Err(Problem::NotWhole);
    }
    let value: u128 = format!("{whole}{fraction:0<zeros$}")
        .parse()
        .map_err(|_| Problem::TooLarge)?;
    match u64::try_from(value) {
        Ok(0) => Err(Problem::NotPositive),
        Ok(count) => Ok(count),
        Err(_) => Err(Problem::TooLarge),
    }
}

/// A plain decimal number (`0.5`, `-2.0`): no exponent, no suffix.
fn decimal(text: &str) -> Option<f64> {
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = unsigned.split_once('.')?;
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let ok = digits(whole) && digits(fraction) && !(whole.is_empty() && fraction.is_empty());
    ok.then(|| text.parse().ok()).flatten()
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
        assert_eq!(size("30k"), Size::Rows(30_000));
        assert_eq!(size("1.5K"), Size::Rows(1500));
        assert_eq!(size("2M"), Size::Rows(2_000_000));
        assert_eq!(size("250k tokens"), Size::Tokens(250_000));
        for bad in ["0", "-3", "0.0", "-0.5", "abc", "", "1x", "0tok", "nan"] {
            let e = Size::parse(bad, "size").unwrap_err();
            assert_eq!(e.field.as_deref(), Some("size"), "{bad}");
        }
        assert_eq!(parse_tokens("20M", "budget").unwrap(), 20_000_000);
        assert_eq!(parse_tokens("250_000", "budget").unwrap(), 250_000);
        assert_eq!(parse_tokens("1.5G", "budget").unwrap(), 1_500_000_000);
        assert_eq!(parse_tokens("20Mtok", "budget").unwrap(), 20_000_000);
        assert_eq!(short_number(20_000_000), "20M");
        assert_eq!(short_number(1_534), "1.53K");
    }

    #[test]
    fn odd_amounts_are_refused_with_the_forms_that_work() {
        // An exponent is no form of either: `1e3` was once read as a ratio of 1000.
        for (text, needle) in [
            (
                "1e3",
                "`1e3` is not a size: give rows (30000, 30k), a ratio",
            ),
            ("1.5tok", "`1.5tok` is not a whole number"),
            ("1.2345k", "not a whole number"),
            ("-2", "must be above zero"),
            ("30x", "is not a size"),
            ("99999999999999999999999", "too large"),
        ] {
            let e = Size::parse(text, "size").unwrap_err().to_string();
            assert!(e.contains(needle), "{text}: {e}");
        }
        for (text, needle) in [
            ("0.5", "`0.5` is not a whole number"),
            (
                "1e6",
                "`1e6` is not a token amount: give a whole number of tokens, K, M or G",
            ),
            ("lots", "is not a token amount"),
        ] {
            let e = parse_tokens(text, "budget").unwrap_err().to_string();
            assert!(e.contains(needle), "{text}: {e}");
        }
    }

    #[test]
    fn every_size_reads_back_from_its_text() {
        for size in [
            Size::Rows(30_000),
            Size::Ratio(2.0),
            Size::Ratio(0.00001),
            Size::Ratio(1e20),
            Size::Tokens(5),
        ] {
            assert_eq!(
                Size::parse(&size.text(), "size").unwrap(),
                size,
                "{}",
                size.text()
            );
        }
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
