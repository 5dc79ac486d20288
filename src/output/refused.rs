//! Knowledge rows the chat template cannot render, left out under `--skip-bad-rows`: counted by
//! reason, with the first few named by file and line, as the rows skipped at read time are.

use std::fmt::Write;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::read::FileError;

/// As many examples, and as many reasons, as the rows skipped at read time show: the report
/// stays short however many rows are refused.
const KEPT: usize = 20;

/// One row the template refused: why, in a few words that rows refused alike share, and the
/// error that names the row.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Refusal {
    pub reason: String,
    pub error: Error,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RefusedRows {
    pub count: u64,
    /// Rows per reason, in the order first met (output order, so the same for any number of
    /// workers); reasons past the first few are counted under the last, "other".
    pub reasons: Vec<ReasonCount>,
    /// With the sentence a person reads, as the page shows it.
    pub examples: Vec<FileError>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReasonCount {
    pub reason: String,
    pub rows: u64,
}

const OTHER: &str = "other";

impl RefusedRows {
    pub fn add(&mut self, refusal: Refusal) {
        self.count += 1;
        if self.examples.len() < KEPT {
            self.examples.push(refusal.error.into());
        }
        let known = self.reasons.iter().position(|r| r.reason == refusal.reason);
        let at = match known {
            Some(at) => at,
            None if self.reasons.len() + 1 < KEPT => {
                self.reasons.push(ReasonCount {
                    reason: refusal.reason,
                    rows: 0,
                });
                self.reasons.len() - 1
            }
            None => match self.reasons.iter().position(|r| r.reason == OTHER) {
                Some(at) => at,
                None => {
                    self.reasons.push(ReasonCount {
                        reason: OTHER.into(),
                        rows: 0,
                    });
                    self.reasons.len() - 1
                }
            },
        };
        self.reasons[at].rows += 1;
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The report's lines on them; none when no row was refused.
    pub fn text(&self) -> String {
        let mut out = String::new();
        if self.is_empty() {
            return out;
        }
        let reasons: Vec<String> = (self.reasons.iter())
            .map(|r| format!("{} ({})", r.reason, r.rows))
            .collect();
        let _ = writeln!(
            out,
            "left out {} rows the chat template cannot render: {}; for example:",
            self.count,
            reasons.join("; ")
        );
        for e in self.examples.iter().take(5) {
            let _ = writeln!(out, "  {}", e.text);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(reason: &str, line: u64) -> Refusal {
        Refusal {
            reason: reason.into(),
            error: Error::template("refused").in_file("a.jsonl").at_line(line),
        }
    }

    #[test]
    fn rows_are_counted_by_reason_and_the_reasons_stay_few() {
        let mut refused = RefusedRows::default();
        assert_eq!(refused.text(), "");
        refused.add(refusal("`response` is null", 3));
        refused.add(refusal("the template failed", 4));
        refused.add(refusal("`response` is null", 9));
        let text = refused.text();
        assert!(
            text.starts_with(
                "left out 3 rows the chat template cannot render: `response` is null (2); \
                 the template failed (1); for example:\n  a.jsonl:3: refused\n"
            ),
            "{text}"
        );
        for n in 0..100 {
            refused.add(refusal(&format!("reason {n}"), 10 + n));
        }
        assert_eq!(refused.count, 103);
        assert_eq!(refused.reasons.len(), KEPT);
        assert_eq!(refused.examples.len(), KEPT);
        let last = refused.reasons.last().unwrap();
        assert_eq!(
            (last.reason.as_str(), last.rows),
            (OTHER, 100 - (KEPT as u64 - 3))
        );
    }
}
