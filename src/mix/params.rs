//! The parameters of a mix, as the notebook's environment knew them, checked before any work.

use std::fmt;

use serde::{Deserialize, Serialize, Serializer};

use super::Dedupe;
use crate::error::{Error, Result};
use crate::read::InputFile;

/// The seed used when none is given: fixed, so that two runs without `--seed` agree.
pub const DEFAULT_SEED: u64 = 42;
pub const DEFAULT_QA_PER_DOC: u32 = 3;
pub const DEFAULT_CUTS: [u32; 2] = [5, 50];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MixParams {
    /// Augmentations per raw document, one mix each: checked, sorted, each once.
    pub cuts: Cuts,
    pub qa_per_doc: u32,
    pub seed: u64,
    /// Drop rows whose question is a generation placeholder (for GPT-OSS teacher output).
    pub gpt_oss: bool,
    /// Recognised inputs the user chose to leave out of the mix: each an input's path, a folder
    /// (`extractive_summary/`), or a kind (`qna_yaml`, `seed_data`, `key_facts_to_qa`, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub left_out: Vec<String>,
    /// Drop repeated Q&A before sampling, keeping the first of each ([`Dedupe`]).
    #[serde(default, skip_serializing_if = "Dedupe::is_off")]
    pub dedupe: Dedupe,
}

/// Cut sizes as a plan takes them: at least one, none 0, sorted, each once. Made only by checking
/// ([`Cuts::new`], [`Cuts::parse`]), so a plan takes them as they are.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "Vec<u32>")]
pub struct Cuts {
    sizes: Vec<u32>,
    /// The sizes given more than once, sorted: each is mixed once (as the notebook does), with a
    /// note.
    repeated: Vec<u32>,
}

impl Cuts {
    /// Checks the sizes as given, in any order, repeats allowed.
    pub fn new(given: &[u32]) -> Result<Cuts> {
        check_cuts(given)?;
        let mut sizes = given.to_vec();
        sizes.sort_unstable();
        let mut repeated: Vec<u32> = (sizes.windows(2))
            .filter(|w| w[0] == w[1])
            .map(|w| w[0])
            .collect();
        repeated.dedup();
        sizes.dedup();
        Ok(Cuts { sizes, repeated })
    }

    /// Parses `CUT_SIZES`-style text: `5,50` or `5, 50`.
    pub fn parse(text: &str) -> Result<Cuts> {
        Cuts::new(&cut_sizes(text)?)
    }

    /// The sizes, smallest first, each once.
    pub fn sizes(&self) -> &[u32] {
        &self.sizes
    }

    /// The sizes given more than once, smallest first.
    pub fn repeated(&self) -> &[u32] {
        &self.repeated
    }
}

impl Default for Cuts {
    fn default() -> Self {
        Cuts::new(&DEFAULT_CUTS).expect("the default cuts are valid")
    }
}

impl TryFrom<Vec<u32>> for Cuts {
    type Error = Error;

    fn try_from(given: Vec<u32>) -> Result<Cuts> {
        Cuts::new(&given)
    }
}

/// As the sizes alone: `[5, 50]`.
impl fmt::Debug for Cuts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.sizes.fmt(f)
    }
}

/// As the sizes alone, as manifests have always held them.
impl Serialize for Cuts {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        self.sizes.serialize(serializer)
    }
}

impl Default for MixParams {
    fn default() -> Self {
        MixParams {
            cuts: Cuts::default(),
            qa_per_doc: DEFAULT_QA_PER_DOC,
            seed: DEFAULT_SEED,
            gpt_oss: false,
            left_out: Vec::new(),
            dedupe: Dedupe::Off,
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
    /// `pairs` or `questions`; none or blank: no dedupe.
    pub dedupe: Option<String>,
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
                Some(text) => Cuts::parse(text)?,
                None => Cuts::default(),
            },
            qa_per_doc,
            seed: given(&self.seed).map_or(Ok(DEFAULT_SEED), |t| number(t, "seed"))?,
            gpt_oss: self.gpt_oss,
            left_out: self.leave_out.clone(),
            dedupe: match given(&self.dedupe) {
                None => Dedupe::Off,
                Some("pairs") => Dedupe::Pairs,
                Some("questions") => Dedupe::Questions,
                Some(other) => {
                    return Err(Error::parameters(format!(
                        "`{other}` is not a way to dedupe: give `pairs` or `questions`"
                    ))
                    .field("dedupe"))
                }
            },
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

    /// Checks what [`Cuts`] does not: the cuts are checked when made.
    pub fn validate(&self) -> Result<()> {
        if self.qa_per_doc == 0 {
            return Err(Error::parameters("must be at least 1").field("qa_per_doc"));
        }
        Ok(())
    }
}

/// Parses `CUT_SIZES`-style text: `5,50` or `5, 50`; returns the cuts as given (repeats kept),
/// checked and sorted. [`Cuts::parse`] is the same, as a plan takes them.
pub fn parse_cuts(text: &str) -> Result<Vec<u32>> {
    let mut cuts = cut_sizes(text)?;
    check_cuts(&cuts)?;
    cuts.sort_unstable();
    Ok(cuts)
}

/// The numbers of `CUT_SIZES`-style text, as given.
fn cut_sizes(text: &str) -> Result<Vec<u32>> {
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
    // A cut given twice is mixed once (as the notebook does), with a note: see `Cuts`.
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
    fn cuts_are_checked_sorted_and_taken_once() {
        let cuts = Cuts::parse("50, 5,5").unwrap();
        assert_eq!((cuts.sizes(), cuts.repeated()), (&[5, 50][..], &[5][..]));
        assert_eq!(format!("{cuts:?}"), "[5, 50]");
        assert_eq!(serde_json::to_string(&cuts).unwrap(), "[5,50]");
        let again: Cuts = serde_json::from_str("[50, 5]").unwrap();
        assert_eq!(again.sizes(), cuts.sizes());
        assert!(serde_json::from_str::<Cuts>("[5, 0]").is_err());
        assert_eq!(Cuts::default().sizes(), DEFAULT_CUTS);
        for (given, needle) in [
            (&[][..], "at least one"),
            (&[3, 0][..], "0 selects nothing"),
        ] {
            let e = Cuts::new(given).unwrap_err();
            assert!(e.to_string().contains(needle), "{given:?}: {e}");
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
        assert_eq!((p.cuts.sizes(), p.qa_per_doc, p.seed), (&[2, 10][..], 4, 7));
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
