//! A blend of one cut, planned once every row's tokens are known: each source's rows in seeded
//! order, sized by rows, ratio, tokens or its share of a budget, and checked as the trainer checks
//! them. A blend is its sources one after the other, as InstructLab concatenates them (the
//! trainer shuffles), each source's rows in file order: so every file is read forward, and an
//! upsampled row's copies lie together and are read once.

use std::collections::BTreeMap;

use serde::Serialize;

use super::params::{BlendParams, SourceParams, TrainerLimit};
use super::sample::{rows_for_tokens, seeded_order, take};
use super::size::{short_number, Size};
use crate::error::{Error, Result};
use crate::read::Kind;
use crate::tokens::RowTokens;

/// InstructLab training drops rows shorter than this many tokens.
pub const MIN_TRAINED_TOKENS: u32 = 20;

/// One source's rows as the blend sees them.
pub struct SourceRows<'a> {
    /// The rows it may take: knowledge positions, or a dataset's row numbers.
    pub ids: Vec<u32>,
    /// Every row's tokens by id, when a tokenizer counted.
    pub tokens: Option<&'a [RowTokens]>,
    /// Every row's kind by id (knowledge only), so drops are reported by kind.
    pub kinds: Option<&'a [Kind]>,
}

/// A row of a blend: which source, which of its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub source: u16,
    pub id: u32,
}

/// Rows the trainer would drop, and why.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Drops {
    pub rows: u64,
    pub tokens: u64,
    /// At least the maximum sequence length.
    pub too_long: u64,
    /// Fewer than [`MIN_TRAINED_TOKENS`].
    pub too_short: u64,
    /// No end-of-sequence token among the last three.
    pub no_eos: u64,
}

impl Drops {
    /// Whether the trainer keeps a row of these tokens; notes it if not.
    fn check(&mut self, t: RowTokens, limit: TrainerLimit) -> bool {
        let reason = if t.trained >= limit.max_seq_len {
            &mut self.too_long
        } else if t.trained < MIN_TRAINED_TOKENS {
            &mut self.too_short
        } else if limit.checks_eos && !t.ends_with_eos {
            &mut self.no_eos
        } else {
            return true;
        };
        *reason += 1;
        self.rows += 1;
        self.tokens += u64::from(t.trained);
        false
    }
}

pub fn trainer_keeps(t: RowTokens, limit: TrainerLimit) -> bool {
    Drops::default().check(t, limit)
}

#[derive(Debug, Clone, Serialize)]
pub struct SourceReport {
    pub name: String,
    /// Rows it holds (for knowledge: the cut's).
    pub available: u64,
    /// The size or share asked, as a person reads it.
    pub asked: String,
    /// Trained tokens asked for (a token size or a share of the budget).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub asked_tokens: Option<u64>,
    /// Rows taken, repeats included.
    pub rows: u64,
    /// Trained tokens of the rows taken.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tokens: Option<u64>,
    /// Its part of the blend's tokens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share_of_tokens: Option<f64>,
    /// Of all its rows, those the trainer would drop (with a maximum sequence length).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trainer_drops: Option<Drops>,
    /// The same by kind, for the knowledge mix.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub drops_by_kind: Vec<(Kind, Drops)>,
    /// Rows left out before sampling because the trainer would drop them.
    pub left_out: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct BlendReport {
    pub cut: u32,
    /// The blend's file and its recipe, when written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recipe_file_name: Option<String>,
    pub rows: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tokens: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub budget: Option<u64>,
    pub sources: Vec<SourceReport>,
    /// Rows of the blend the trainer would still drop (none once they are left out).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trainer_drops: Option<Drops>,
}

/// The blend of one cut: its rows in output order, and its report.
pub struct CutBlend {
    pub entries: Vec<Entry>,
    pub report: BlendReport,
}

/// A source of a blend before any token is counted, for a person choosing sizes.
#[derive(Debug, Clone, Serialize)]
pub struct SourcePreview {
    pub name: String,
    pub available: u64,
    pub asked: String,
    /// Rows a row or ratio size takes; none for tokens or a share (they wait for the counts).
    pub rows: Option<u64>,
}

/// Each source's rows as far as they are known before counting; `available[i]` is the rows of
/// `params.sources[i]`.
pub fn preview(params: &BlendParams, available: &[usize]) -> Vec<SourcePreview> {
    params
        .sources
        .iter()
        .zip(available)
        .map(|(p, &n)| SourcePreview {
            name: p.name.clone(),
            available: n as u64,
            asked: asked(p),
            rows: p.size.and_then(|s| s.rows(n)),
        })
        .collect()
}

/// Plans the blend of `cut` from `sources` (in the order of `params.sources`).
pub fn plan_blend(
    cut: u32,
    params: &BlendParams,
    sources: &[SourceRows],
    seed: u64,
) -> Result<CutBlend> {
    let mut entries = Vec::new();
    let mut reports = Vec::with_capacity(sources.len());
    for (i, (p, rows)) in params.sources.iter().zip(sources).enumerate() {
        let (taken, report) = plan_source(p, params, rows, seed)?;
        entries.extend(taken.into_iter().map(|id| Entry {
            source: i as u16,
            id,
        }));
        reports.push(report);
    }
    let total: Option<u64> = reports.iter().map(|r| r.tokens).sum();
    for report in &mut reports {
        report.share_of_tokens = total
            .filter(|&t| t > 0)
            .and_then(|t| Some(report.tokens? as f64 / t as f64));
    }
    let trainer_drops = blend_drops(params, sources, &entries);
    entries.sort_unstable_by_key(|e| (e.source, e.id));
    Ok(CutBlend {
        report: BlendReport {
            cut,
            file_name: None,
            recipe_file_name: None,
            rows: entries.len() as u64,
            tokens: total,
            budget: params.budget,
            sources: reports,
            trainer_drops,
        },
        entries,
    })
}

/// One source's part of a blend: the ids it takes, in seeded order (repeats included), and its
/// report (its share of the blend's tokens is left for the blend to fill).
fn plan_source(
    p: &SourceParams,
    params: &BlendParams,
    rows: &SourceRows,
    seed: u64,
) -> Result<(Vec<u32>, SourceReport)> {
    let screened = screen(params, rows);
    let order = seeded_order(&screened.available, seed, &p.name);
    let asked_tokens = asked_tokens(p, params.budget);
    let count = rows_to_take(p, params, rows, &order, asked_tokens)?;
    if count > 0 && screened.available.is_empty() {
        return Err(Error::parameters(format!(
            "`{}` has no rows to take{}",
            p.name,
            if rows.ids.is_empty() {
                ""
            } else {
                ": the trainer would drop every one"
            }
        ))
        .field(format!("size of {}", p.name)));
    }
    let taken: Vec<u32> = take(&order, count).collect();
    let tokens = rows.tokens.map(|t| {
        (taken.iter())
            .map(|&id| u64::from(t[id as usize].trained))
            .sum()
    });
    let report = SourceReport {
        name: p.name.clone(),
        available: rows.ids.len() as u64,
        asked: asked(p),
        asked_tokens,
        rows: count,
        tokens,
        share_of_tokens: None,
        trainer_drops: params.max_seq_len.and(rows.tokens).map(|_| screened.drops),
        drops_by_kind: screened.by_kind,
        left_out: (rows.ids.len() - screened.available.len()) as u64,
    };
    Ok((taken, report))
}

/// A source's rows as the trainer would see them.
struct Screened {
    /// The ids the blend may take: all of them, or (`drop_over_length`) those the trainer keeps.
    available: Vec<u32>,
    /// What the trainer would drop of all of them.
    drops: Drops,
    /// The same by kind, in kind order (knowledge only).
    by_kind: Vec<(Kind, Drops)>,
}

/// Checks every row of a source as the trainer would, when its tokens and the maximum sequence
/// length are known.
fn screen(params: &BlendParams, rows: &SourceRows) -> Screened {
    let mut drops = Drops::default();
    let mut by_kind: BTreeMap<Kind, Drops> = BTreeMap::new();
    let mut available = Vec::with_capacity(rows.ids.len());
    for &id in &rows.ids {
        let keeps = match (params.trainer_limit(), rows.tokens) {
            (Some(max), Some(tokens)) => {
                let t = tokens[id as usize];
                if let Some(kinds) = rows.kinds {
                    by_kind.entry(kinds[id as usize]).or_default().check(t, max);
                }
                drops.check(t, max)
            }
            _ => true,
        };
        if keeps || !params.drop_over_length {
            available.push(id);
        }
    }
    Screened {
        available,
        drops,
        by_kind: by_kind.into_iter().collect(),
    }
}

/// The trained tokens a source asks for: its token size, or its share of the budget.
fn asked_tokens(p: &SourceParams, budget: Option<u64>) -> Option<u64> {
    match (p.size, p.share, budget) {
        (Some(Size::Tokens(t)), _, _) => Some(t),
        (None, Some(share), Some(budget)) => Some((share * budget as f64).round() as u64),
        _ => None,
    }
}

/// How many rows of `order` (a source's rows in seeded order) it takes: a row or ratio size says,
/// else the rows nearest the tokens it asks.
fn rows_to_take(
    p: &SourceParams,
    params: &BlendParams,
    rows: &SourceRows,
    order: &[u32],
    asked_tokens: Option<u64>,
) -> Result<u64> {
    if let Some(count) = p.size.and_then(|s| s.rows(order.len())) {
        return Ok(count);
    }
    let Some(target) = asked_tokens else {
        // `BlendText::parse` gives every source a size, or a share of a budget.
        return Err(Error::parameters(format!(
            "`{}` has neither a size nor a share of a budget",
            p.name
        ))
        .field(format!("size of {}", p.name)));
    };
    let tokens = rows.tokens.ok_or_else(|| {
        Error::parameters("a token size needs a tokenizer to count the rows").field("tokenizer")
    })?;
    let count = rows_for_tokens(order, |id| u64::from(tokens[id as usize].trained), target)
        .map_err(|held| too_few_tokens(p, params, held, target))?;
    Ok(count as u64)
}

/// What the trainer would drop of the rows taken (all of them, repeats included).
fn blend_drops(params: &BlendParams, sources: &[SourceRows], entries: &[Entry]) -> Option<Drops> {
    params.trainer_limit().and_then(|max| {
        let mut drops = Drops::default();
        for e in entries {
            drops.check(sources[e.source as usize].tokens?[e.id as usize], max);
        }
        Some(drops)
    })
}

/// The size or share asked, as a person reads it.
fn asked(p: &SourceParams) -> String {
    match (p.size, p.share) {
        (Some(size), _) => size.describe(),
        (None, Some(share)) => format!("{:.1}% of the budget", share * 100.0),
        (None, None) => String::new(),
    }
}

fn too_few_tokens(p: &SourceParams, params: &BlendParams, held: u64, target: u64) -> Error {
    let (asked, field) = match p.size {
        Some(_) => ("its size asks".to_string(), format!("size of {}", p.name)),
        None => (
            "its share of the budget asks".to_string(),
            "budget".to_string(),
        ),
    };
    let kept = if params.drop_over_length {
        " that the trainer keeps"
    } else {
        ""
    };
    Error::parameters(format!(
        "`{}` holds {} trained tokens{kept}, fewer than the {} {asked}: lower it, or give the \
         source a row size or a ratio above 1 to repeat its rows on purpose",
        p.name,
        short_number(held),
        short_number(target),
    ))
    .field(field)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blend::params::{typed, BlendText};

    fn tokens(trained: &[u32]) -> Vec<RowTokens> {
        trained
            .iter()
            .map(|&t| RowTokens {
                length: t + 1,
                trained: t,
                ends_with_eos: true,
            })
            .collect()
    }

    fn params(sizes: &[(&str, &str)], budget: Option<&str>, shares: Option<&str>) -> BlendParams {
        BlendText {
            max_seq_len: Some("100".into()),
            ..typed(sizes, budget, shares)
        }
        .parse(&["skills.jsonl".to_string()])
        .unwrap()
    }

    #[test]
    fn sizes_upsample_and_downsample_and_report() {
        let k = tokens(&[50; 10]);
        let s = tokens(&[30, 40, 150, 10, 60, 60, 60, 60]);
        let sources = [
            SourceRows {
                ids: (0..10).collect(),
                tokens: Some(&k),
                kinds: None,
            },
            SourceRows {
                ids: (0..8).collect(),
                tokens: Some(&s),
                kinds: None,
            },
        ];
        let p = params(&[("knowledge", "2.5"), ("skills.jsonl", "4")], None, None);
        let blend = plan_blend(5, &p, &sources, 42).unwrap();
        assert_eq!(blend.report.rows, 29);
        let knowledge = blend.entries.iter().filter(|e| e.source == 0).count();
        assert_eq!(knowledge, 25);
        let skills = &blend.report.sources[1];
        assert_eq!(skills.rows, 4);
        let drops = skills.trainer_drops.unwrap();
        assert_eq!((drops.rows, drops.too_long, drops.too_short), (2, 1, 1));
        assert_eq!(drops.tokens, 160);
        // The same again: reproducible.
        assert_eq!(
            plan_blend(5, &p, &sources, 42).unwrap().entries,
            blend.entries
        );
        let other_seed = plan_blend(5, &p, &sources, 43).unwrap().entries;
        assert_ne!(other_seed, blend.entries);
        // Each source in turn, its rows in file order, copies together.
        assert!(blend
            .entries
            .windows(2)
            .all(|w| (w[0].source, w[0].id) <= (w[1].source, w[1].id)));
    }

    #[test]
    fn budgets_are_solved_from_the_counts_and_bounded_by_the_data() {
        let k = tokens(&[50; 10]);
        let s = tokens(&[25; 40]);
        let sources = [
            SourceRows {
                ids: (0..10).collect(),
                tokens: Some(&k),
                kinds: None,
            },
            SourceRows {
                ids: (0..40).collect(),
                tokens: Some(&s),
                kinds: None,
            },
        ];
        let p = params(&[], Some("1000"), Some("knowledge=0.4,skills.jsonl=0.6"));
        let blend = plan_blend(5, &p, &sources, 1).unwrap();
        let r = &blend.report;
        assert_eq!((r.sources[0].rows, r.sources[0].tokens), (8, Some(400)));
        assert_eq!((r.sources[1].rows, r.sources[1].tokens), (24, Some(600)));
        assert_eq!(r.tokens, Some(1000));
        assert_eq!(r.sources[1].share_of_tokens, Some(0.6));
        let p = params(&[], Some("2000"), Some("knowledge=0.5,skills.jsonl=0.5"));
        let e = plan_blend(5, &p, &sources, 1).err().unwrap();
        assert!(
            e.message.contains("`knowledge` holds 500 trained tokens"),
            "{e}"
        );
        assert_eq!(e.field.as_deref(), Some("budget"));
    }

    #[test]
    fn rows_the_trainer_drops_can_be_left_out_first() {
        let k: Vec<RowTokens> = tokens(&[50, 500, 10, 50])
            .into_iter()
            .enumerate()
            .map(|(i, mut t)| {
                t.ends_with_eos = i != 3;
                t
            })
            .collect();
        let kinds = [
            Kind::ExtractiveSummary,
            Kind::DetailedSummary,
            Kind::DetailedSummary,
            Kind::QnaYaml,
        ];
        let sources = [
            SourceRows {
                ids: (0..4).collect(),
                tokens: Some(&k),
                kinds: Some(&kinds),
            },
            SourceRows {
                ids: vec![],
                tokens: Some(&[]),
                kinds: None,
            },
        ];
        let mut p = params(&[("skills.jsonl", "0.5")], None, None);
        // The default count has no end-of-sequence check: the row without one trains.
        let kept = plan_blend(5, &p, &sources, 1).unwrap();
        assert_eq!(kept.report.trainer_drops.unwrap().rows, 2);
        p.trainer_count = Some(crate::tokens::TrainerCount::Template);
        let kept = plan_blend(5, &p, &sources, 1).unwrap();
        assert_eq!(kept.report.trainer_drops.unwrap().rows, 3);
        let by_kind = &kept.report.sources[0].drops_by_kind;
        assert_eq!(
            by_kind[1],
            (
                Kind::DetailedSummary,
                Drops {
                    rows: 2,
                    tokens: 510,
                    too_long: 1,
                    too_short: 1,
                    no_eos: 0
                }
            )
        );
        p.drop_over_length = true;
        let dropped = plan_blend(5, &p, &sources, 1).unwrap();
        assert_eq!(dropped.entries, vec![Entry { source: 0, id: 0 }]);
        assert_eq!(dropped.report.sources[0].left_out, 3);
        assert_eq!(dropped.report.trainer_drops.unwrap().rows, 0);
    }
}
