//! The parameters of a mix, as the notebook's environment knew them, checked before any work.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::read::InputFile;

/// The seed used when none is given: fixed, so that two runs without `--seed` agree.
pub const DEFAULT_SEED: u64 = 42;
pub const DEFAULT_QA_PER_DOC: u32 = 3;
pub const DEFAULT_CUTS: [u32; 2] = [5, 50];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MixParams {
    /// Augmentations per raw document, one mix each, each at least 1; a plan sorts them and
    /// mixes a cut given twice once.
    pub cuts: Vec<u32>,
    pub qa_per_doc: u32,
    pub seed: u64,
    /// Drop rows whose question is a generation placeholder (for GPT-OSS teacher output).
    pub gpt_oss: bool,
    /// Recognised inputs the user chose to leave out of the mix: each an input's path, a folder
    /// (`extractive_summary/`), or a kind (`qna_yaml`, `seed_data`, `key_facts_to_qa`, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub left_out: Vec<String>,
}

impl Default for MixParams {
    fn default() -> Self {
        MixParams {
            cuts: DEFAULT_CUTS.to_vec(),
            qa_per_doc: DEFAULT_QA_PER_DOC,
            seed: DEFAULT_SEED,
            gpt_oss: false,
            left_out: Vec::new(),
        }
    }
}

/// The parameters as people type them (flags, environment variables, the page's form); `None` or
/// blank takes the notebook's default.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ParamsText {
    pub cuts: Option<String>,
    pub qa_per_doc: Option<String>,
    pub seed: Option<String>,
    pub gpt_oss: bool,
    /// See [`MixParams::left_out`].
    pub leave_out: Vec<String>,
}

impl ParamsText {
    pub fn parse(&self) -> Result<MixParams> {
        fn given(v: &Option<String>) -> Option<&str> {
            v.as_deref().map(str::trim).filter(|v| !v.is_empty())
        }
        let number = |text: &str, field: &str| {
            text.parse::<u64>().map_err(|_| {
                Error::parameters(format!("`{text}` is not a whole number")).field(field)
            })
        };
        let qa_per_doc = match given(&self.qa_per_doc) {
            Some(text) => u32::try_from(number(text, "qa_per_doc")?).map_err(|_| {
                Error::parameters(format!("`{text}` is too large")).field("qa_per_doc")
            })?,
            None => DEFAULT_QA_PER_DOC,
        };
        let params = MixParams {
            cuts: match given(&self.cuts) {
                Some(text) => parse_cuts(text)?,
                None => DEFAULT_CUTS.to_vec(),
            },
            qa_per_doc,
            seed: given(&self.seed).map_or(Ok(DEFAULT_SEED), |t| number(t, "seed"))?,
            gpt_oss: self.gpt_oss,
            left_out: self.leave_out.clone(),
        };
        params.validate()?;
        Ok(params)
    }
}

impl MixParams {
    /// Whether the user left this input out (by its path, a folder holding it, or its kind).
    pub fn leaves_out(&self, file: &InputFile) -> bool {
        self.left_out.iter().any(|choice| names_input(choice, file))
    }

    pub fn validate(&self) -> Result<()> {
        check_cuts(&self.cuts)?;
        if self.qa_per_doc == 0 {
            return Err(Error::parameters("must be at least 1").field("qa_per_doc"));
        }
        Ok(())
    }
}

/// Parses `CUT_SIZES`-style text: `5,50` or `5, 50`; returns the cuts sorted.
pub fn parse_cuts(text: &str) -> Result<Vec<u32>> {
    let mut cuts = Vec::new();
    for part in text.split(',') {
        let part = part.trim();
        if part.is_empty() {
            return Err(Error::parameters(format!("`{text}` has an empty cut size")).field("cuts"));
        }
        let cut: u32 = part.parse().map_err(|_| {
            Error::parameters(format!("`{part}` is not a whole number of augmentations"))
                .field("cuts")
        })?;
        cuts.push(cut);
    }
    check_cuts(&cuts)?;
    cuts.sort_unstable();
    Ok(cuts)
}

fn check_cuts(cuts: &[u32]) -> Result<()> {
    if cuts.is_empty() {
        return Err(Error::parameters("give at least one cut size").field("cuts"));
    }
    if cuts.contains(&0) {
        return Err(
            Error::parameters("a cut size of 0 selects nothing: use 1 or more").field("cuts"),
        );
    }
    // A cut given twice is mixed once (as the notebook does), with a note: see `plan`.
    Ok(())
}

fn names_input(choice: &str, file: &InputFile) -> bool {
    let choice = choice.trim();
    let folder = choice.ends_with('/') && file.path.starts_with(choice);
    let kind = file.kind.is_some_and(|k| k.name() == choice);
    file.path == choice || folder || kind
}

/// Every choice must name a recognised input: a typo must not silently leave nothing out.
pub fn check_left_out(params: &MixParams, files: &[InputFile]) -> Result<()> {
    let recognised = || files.iter().filter(|f| f.kind.is_some());
    for choice in &params.left_out {
        if !recognised().any(|f| names_input(choice, f)) {
            return Err(Error::parameters(format!(
                "`{choice}` names no input kmix read: give an input's path as the report lists it, \
                 a folder ending in `/`, or a kind (extractive_summary, detailed_summary, \
                 key_facts_to_qa, document_based_qa, qna_yaml, seed_data)"
            ))
            .field("left_out"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_parse_and_sort() {
        assert_eq!(parse_cuts("50, 5").unwrap(), vec![5, 50]);
        assert_eq!(parse_cuts("6,3,3").unwrap(), vec![3, 3, 6]);
        assert_eq!(parse_cuts("3").unwrap(), vec![3]);
    }

    #[test]
    fn bad_cuts_are_named() {
        for (text, needle) in [
            ("0,5", "0 selects nothing"),
            ("five", "not a whole number"),
            ("5,,6", "empty cut"),
            ("-1", "not a whole number"),
        ] {
            let e = parse_cuts(text).unwrap_err();
            assert!(e.to_string().contains(needle), "{text}: {e}");
            assert_eq!(e.field.as_deref(), Some("cuts"));
        }
    }

    #[test]
    fn text_parameters_take_defaults_when_blank() {
        let p = ParamsText {
            qa_per_doc: Some(" ".into()),
            gpt_oss: true,
            ..Default::default()
        }
        .parse()
        .unwrap();
        assert_eq!(
            p,
            MixParams {
                gpt_oss: true,
                ..MixParams::default()
            }
        );
        let p = ParamsText {
            cuts: Some("10, 2".into()),
            qa_per_doc: Some("4".into()),
            seed: Some("7".into()),
            ..Default::default()
        }
        .parse()
        .unwrap();
        assert_eq!((p.cuts, p.qa_per_doc, p.seed), (vec![2, 10], 4, 7));
        let e = ParamsText {
            qa_per_doc: Some("x".into()),
            ..Default::default()
        }
        .parse()
        .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("qa_per_doc"));
        let e = ParamsText {
            seed: Some("-3".into()),
            ..Default::default()
        }
        .parse()
        .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("seed"));
    }

    #[test]
    fn qa_per_doc_zero_is_refused() {
        let p = MixParams {
            qa_per_doc: 0,
            ..MixParams::default()
        };
        assert_eq!(
            p.validate().unwrap_err().field.as_deref(),
            Some("qa_per_doc")
        );
    }
}
