//! The parameters of a blend, as people type them (flags, a recipe, the page's table) and as
//! checked against the datasets read.

use serde::{Deserialize, Serialize};

use super::size::{parse_tokens, Size};
use crate::error::{Error, Result};
use crate::read::{KNOWLEDGE, RAFT};
use crate::tokens::TrainerCount;

/// The blend as typed; `None` or blank is "not given".
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct BlendText {
    /// (source, size) pairs: `knowledge` or a dataset's file name, and its size as
    /// [`Size::parse`] reads it. A dataset without one is taken whole, once.
    pub sizes: Vec<(String, String)>,
    /// A total of trained tokens (`20M`), shared out by `shares`.
    pub budget: Option<String>,
    /// `knowledge=0.4,skills.jsonl=0.6` (or `40%`): each source's part of the budget.
    pub shares: Option<String>,
    /// The trainer's maximum sequence length: report what it would drop.
    pub max_seq_len: Option<String>,
    /// Leave out the rows the trainer would drop, so that what is written is what trains.
    pub drop_over_length: bool,
    /// How the trainer counts a row: `unmask` (the default) or `template` ([`TrainerCount`]).
    pub trainer_count: Option<String>,
    /// A recipe's `metadata.sys_prompt`, carried into the recipes written.
    pub sys_prompt: Option<String>,
    /// (dataset, path) pairs: where the written recipe says each dataset is (default: its name).
    pub recipe_paths: Vec<(String, String)>,
}

/// The blend, checked: every source with its size or share.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct BlendParams {
    /// The knowledge mix first, the RAFT rows next where the blend names them (`raft`), then
    /// each dataset in the order given.
    pub sources: Vec<SourceParams>,
    /// The second source is the RAFT rows.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub raft: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub budget: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_seq_len: Option<u32>,
    pub drop_over_length: bool,
    /// How trained tokens are counted, where any size or check needs them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trainer_count: Option<TrainerCount>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sys_prompt: Option<String>,
}

/// What the trainer checks a row's trained tokens against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrainerLimit {
    pub max_seq_len: u32,
    /// The older count's end-of-sequence check ([`TrainerCount::Template`]).
    pub checks_eos: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceParams {
    pub name: String,
    /// How much of it: `None` under a budget (its share decides), else its size.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<Size>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share: Option<f64>,
    /// Where the written recipe says it is.
    #[serde(skip)]
    pub recipe_path: String,
}

/// Shares must add up to 1 within this much.
const SHARE_TOLERANCE: f64 = 1e-6;

impl BlendText {
    /// Checks the text against the datasets read (their names, in order).
    pub fn parse(&self, datasets: &[String]) -> Result<BlendParams> {
        let raft = self.names_raft();
        let names: Vec<&str> = std::iter::once(KNOWLEDGE)
            .chain(raft.then_some(RAFT))
            .chain(datasets.iter().map(String::as_str))
            .collect();
        let sizes = self.parse_sizes(&names)?;
        let budget = given(&self.budget)
            .map(|t| parse_tokens(t, "budget"))
            .transpose()?;
        let shares = self.parse_shares(&names)?;
        check_budget(budget, &names, &sizes, &shares)?;
        let max_seq_len = given(&self.max_seq_len)
            .map(parse_max_seq_len)
            .transpose()?;
        if self.drop_over_length && max_seq_len.is_none() {
            return Err(Error::parameters(
                "leaving out the rows the trainer would drop needs its maximum sequence length",
            )
            .field("max_seq_len"));
        }
        let trainer_count = given(&self.trainer_count)
            .map(TrainerCount::parse)
            .transpose()?
            .unwrap_or_default();
        let recipe_path = |name: &str| {
            self.recipe_paths
                .iter()
                .find(|(n, _)| n == name)
                .map_or(name.to_string(), |(_, path)| path.clone())
        };
        let mut params = BlendParams {
            sources: names
                .iter()
                .zip(sizes.iter().zip(&shares))
                .map(|(&name, (&size, &share))| SourceParams {
                    name: name.to_string(),
                    size: size.or(match budget {
                        Some(_) => None,
                        // Unsized sources go in whole, once.
                        None => Some(Size::Ratio(1.0)),
                    }),
                    share,
                    recipe_path: recipe_path(name),
                })
                .collect(),
            raft,
            budget,
            max_seq_len,
            drop_over_length: self.drop_over_length,
            trainer_count: None,
            sys_prompt: self.sys_prompt.clone().filter(|p| !p.is_empty()),
        };
        // Recorded only where trained tokens are counted at all.
        params.trainer_count = params.needs_tokens().then_some(trainer_count);
        Ok(params)
    }

    /// Whether a size or a share names the RAFT rows: only then are they a source.
    fn names_raft(&self) -> bool {
        let shares = given(&self.shares).unwrap_or_default().split(',');
        (self.sizes.iter().any(|(name, _)| name.trim() == RAFT))
            || shares
                .filter_map(|p| p.split_once('='))
                .any(|(name, _)| name.trim() == RAFT)
    }

    /// Each source's size, if given (`names[i]`'s at `i`).
    fn parse_sizes(&self, names: &[&str]) -> Result<Vec<Option<Size>>> {
        let mut sizes: Vec<Option<Size>> = vec![None; names.len()];
        for (name, text) in &self.sizes {
            let field = format!("size of {name}");
            let at = known(names, name.trim(), &field)?;
            if sizes[at].is_some() {
                return Err(Error::parameters("is given twice").field(field));
            }
            sizes[at] = Some(Size::parse(text, &field)?);
        }
        Ok(sizes)
    }

    /// Each source's share of the budget, if given (`names[i]`'s at `i`).
    fn parse_shares(&self, names: &[&str]) -> Result<Vec<Option<f64>>> {
        let mut shares: Vec<Option<f64>> = vec![None; names.len()];
        let Some(text) = given(&self.shares) else {
            return Ok(shares);
        };
        for part in text.split(',').filter(|p| !p.trim().is_empty()) {
            let (name, value) = part.split_once('=').ok_or_else(|| {
                Error::parameters(format!("`{part}` is not `source=share`")).field("shares")
            })?;
            let at = known(names, name.trim(), "shares")?;
            if shares[at].is_some() {
                return Err(
                    Error::parameters(format!("`{}` has two shares", name.trim())).field("shares"),
                );
            }
            shares[at] = Some(parse_share(value.trim())?);
        }
        Ok(shares)
    }
}

/// Where `name` is among the blend's sources.
fn known(names: &[&str], name: &str, field: &str) -> Result<usize> {
    names.iter().position(|n| *n == name).ok_or_else(|| {
        Error::parameters(format!(
            "`{name}` names no source of the blend: they are {}",
            names.join(", ")
        ))
        .field(field)
    })
}

fn parse_max_seq_len(text: &str) -> Result<u32> {
    match text.parse::<u32>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(Error::parameters(format!(
            "`{text}` is not a whole number of tokens above zero"
        ))
        .field("max_seq_len")),
    }
}

impl BlendParams {
    /// Whether blend files are written: datasets were added, or the knowledge mix itself is
    /// resized, budgeted or filtered for the trainer.
    pub fn writes_blend(&self) -> bool {
        self.sources.len() > 1
            || self.budget.is_some()
            || self.drop_over_length
            || self.sources[0].size != Some(Size::Ratio(1.0))
    }

    /// Whether blends or the trainer pre-flight are planned, once every row is counted.
    pub fn plans_blends(&self) -> bool {
        self.writes_blend() || self.max_seq_len.is_some()
    }

    /// The pre-flight's check, when a maximum sequence length is given.
    pub fn trainer_limit(&self) -> Option<TrainerLimit> {
        self.max_seq_len.map(|max_seq_len| TrainerLimit {
            max_seq_len,
            checks_eos: self.trainer_count == Some(TrainerCount::Template),
        })
    }

    /// Whether trained tokens are counted as instructlab-training 0.16 counts them.
    pub fn counts_unmasked(&self) -> bool {
        self.trainer_count == Some(TrainerCount::Unmask)
    }

    /// Whether any size needs every row's tokens counted.
    pub fn needs_tokens(&self) -> bool {
        self.budget.is_some()
            || self.max_seq_len.is_some()
            || self
                .sources
                .iter()
                .any(|s| matches!(s.size, Some(Size::Tokens(_))))
    }
}

fn given(text: &Option<String>) -> Option<&str> {
    text.as_deref().map(str::trim).filter(|t| !t.is_empty())
}

/// `0.4` or `40%`.
fn parse_share(text: &str) -> Result<f64> {
    let (number, scale) = match text.strip_suffix('%') {
        Some(percent) => (percent.trim(), 100.0),
        None => (text, 1.0),
    };
    match number.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v / scale <= 1.0 => Ok(v / scale),
        _ => Err(Error::parameters(format!(
            "`{text}` is not a share: give a number above 0 and at most 1 (0.4) or a percentage (40%)"
        ))
        .field("shares")),
    }
}

/// A budget gives every source a share, and no source a size too; shares need a budget.
fn check_budget(
    budget: Option<u64>,
    names: &[&str],
    sizes: &[Option<Size>],
    shares: &[Option<f64>],
) -> Result<()> {
    let Some(_) = budget else {
        return match shares.iter().any(Option::is_some) {
            true => Err(
                Error::parameters("shares divide a token budget: give the budget too")
                    .field("budget"),
            ),
            false => Ok(()),
        };
    };
    for (i, name) in names.iter().enumerate() {
        match (sizes[i], shares[i]) {
            (Some(_), _) => {
                return Err(Error::parameters(format!(
                    "`{name}` has a size, but under a budget each source's share decides how much of it goes in"
                ))
                .field(format!("size of {name}")))
            }
            (None, None) => {
                return Err(Error::parameters(format!(
                    "`{name}` has no share of the budget (every source needs one: {})",
                    names.join(", ")
                ))
                .field("shares"))
            }
            _ => {}
        }
    }
    let total: f64 = shares.iter().flatten().sum();
    if (total - 1.0).abs() > SHARE_TOLERANCE {
        return Err(
            Error::parameters(format!("the shares add up to {total}, not 1")).field("shares"),
        );
    }
    Ok(())
}

/// A blend as typed, for tests: sizes, a budget and shares.
#[cfg(test)]
pub fn typed(sizes: &[(&str, &str)], budget: Option<&str>, shares: Option<&str>) -> BlendText {
    BlendText {
        sizes: sizes
            .iter()
            .map(|(n, s)| (n.to_string(), s.to_string()))
            .collect(),
        budget: budget.map(str::to_string),
        shares: shares.map(str::to_string),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use typed as text;

    #[test]
    fn sizes_and_shares_are_checked_against_the_sources() {
        let datasets = ["skills.jsonl".to_string()];
        let p = text(&[("skills.jsonl", "300")], None, None)
            .parse(&datasets)
            .unwrap();
        assert_eq!(p.sources[0].size, Some(Size::Ratio(1.0)));
        assert_eq!(p.sources[1].size, Some(Size::Rows(300)));
        assert!(p.writes_blend() && !p.needs_tokens());
        let p = text(&[], Some("2M"), Some("knowledge=40%, skills.jsonl=0.6"))
            .parse(&datasets)
            .unwrap();
        assert_eq!(p.budget, Some(2_000_000));
        assert_eq!(p.sources[1].share, Some(0.6));
        assert!(p.needs_tokens());
        assert!(!BlendText::default().parse(&[]).unwrap().writes_blend());
        for (t, needle) in [
            (text(&[("other.jsonl", "3")], None, None), "names no source"),
            (text(&[("skills.jsonl", "0")], None, None), "above zero"),
            (
                text(&[], Some("2M"), Some("knowledge=0.4,skills.jsonl=0.5")),
                "add up to 0.9",
            ),
            (
                text(&[], Some("2M"), Some("knowledge=1")),
                "`skills.jsonl` has no share",
            ),
            (text(&[], None, Some("knowledge=1")), "give the budget"),
            (
                text(
                    &[("knowledge", "2")],
                    Some("2M"),
                    Some("knowledge=0.5,skills.jsonl=0.5"),
                ),
                "has a size",
            ),
            (text(&[], Some("lots"), None), "not a token amount"),
            (text(&[], Some("1M"), Some("knowledge=1.5")), "not a share"),
        ] {
            let e = t.parse(&datasets).unwrap_err().to_string();
            assert!(e.contains(needle), "{needle}: {e}");
        }
        let e = BlendText {
            drop_over_length: true,
            ..Default::default()
        }
        .parse(&[])
        .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("max_seq_len"));
    }
}
