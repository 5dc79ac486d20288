//! A blend of one cut, planned once every row's tokens are known: each source's rows in seeded
//! order, sized by rows, ratio, tokens or its share of a budget, and checked as the trainer checks
//! them. A blend is its sources one after the other, as InstructLab concatenates them (the
//! trainer shuffles), each source's rows in file order: so every file is read forward, and an
//! upsampled row's copies lie together and are read once.

use serde::Serialize;

use super::params::{BlendParams, SourceParams};
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
    fn check(&mut self, t: RowTokens, max_seq_len: u32) -> bool {
        let reason = if t.trained >= max_seq_len {
            &mut self.too_long
        } else if t.trained < MIN_TRAINED_TOKENS {
            &mut self.too_short
        } else if !t.ends_with_eos {
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

pub fn trainer_keeps(t: RowTokens, max_seq_len: u32) -> bool {
    Drops::default().check(t, max_seq_len)
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
        let tokens_of = |id: u32| rows.tokens.map(|t| t[id as usize]);
        // What the trainer would drop of the whole source, by kind for the knowledge mix.
        let mut drops = Drops::default();
        let mut by_kind: Vec<(Kind, Drops)> = Vec::new();
        let mut available = Vec::with_capacity(rows.ids.len());
        for &id in &rows.ids {
            let keeps = match (params.max_seq_len, tokens_of(id)) {
                (Some(max), Some(t)) => {
                    let keeps = drops.check(t, max);
                    if let Some(kinds) = rows.kinds {
                        let kind = kinds[id as usize];
                        let slot = match by_kind.iter().position(|(k, _)| *k == kind) {
                            Some(slot) => slot,
                            None => {
                                by_kind.push((kind, Drops::default()));
                                by_kind.len() - 1
                            }
                        };
                        by_kind[slot].1.check(t, max);
                    }
                    keeps
                }
                _ => true,
            };
            if keeps || !params.drop_over_length {
                available.push(id);
            }
        }
        by_kind.sort_by_key(|(k, _)| *k);
        let order = seeded_order(&available, seed, &p.name);
        let asked_tokens = match (p.size, p.share, params.budget) {
            (Some(Size::Tokens(t)), _, _) => Some(t),
            (None, Some(share), Some(budget)) => Some((share * budget as f64).round() as u64),
            _ => None,
        };
        let count = match (p.size.and_then(|s| s.rows(available.len())), asked_tokens) {
            (Some(count), _) => count,
            (None, Some(target)) => {
                let tokens = rows.tokens.ok_or_else(|| {
                    Error::parameters("a token size needs a tokenizer to count the rows")
                        .field("tokenizer")
                })?;
                rows_for_tokens(&order, |id| u64::from(tokens[id as usize].trained), target)
                    .map_err(|held| too_few_tokens(p, params, held, target))? as u64
            }
            (None, None) => unreachable!("a checked source has a size or a share"),
        };
        if count > 0 && available.is_empty() {
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
        let before = entries.len();
        entries.extend(take(&order, count).map(|id| Entry {
            source: i as u16,
            id,
        }));
        let tokens = rows.tokens.map(|t| {
            entries[before..]
                .iter()
                .map(|e| u64::from(t[e.id as usize].trained))
                .sum()
        });
        reports.push(SourceReport {
            name: p.name.clone(),
            available: rows.ids.len() as u64,
            asked: asked(p),
            asked_tokens,
            rows: count,
            tokens,
            share_of_tokens: None,
            trainer_drops: params.max_seq_len.and(rows.tokens).map(|_| drops),
            drops_by_kind: by_kind,
            left_out: (rows.ids.len() - available.len()) as u64,
        });
    }
    let total: Option<u64> = reports.iter().map(|r| r.tokens).sum();
    for report in &mut reports {
        report.share_of_tokens = total
            .filter(|&t| t > 0)
            .and_then(|t| Some(report.tokens? as f64 / t as f64));
    }
    let trainer_drops = params.max_seq_len.and_then(|max| {
        let mut drops = Drops::default();
        for e in &entries {
            drops.check(sources[e.source as usize].tokens?[e.id as usize], max);
        }
        Some(drops)
    });
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
