//! The run's settings as the notebook has them: a flag first, then its environment variable (set
//! in the environment, or by the working folder's `.env`), then the default; and which came from
//! the environment, so that the report says where each setting came from.

use std::path::PathBuf;

use serde::Serialize;

use super::args::Args;

/// The experiment folder the notebook's steps share, when none is given: its generated data is
/// mixed into its `training_mix/` (as sdg_hub's knowledge-mixing notebook does).
pub const OUTPUT_DATA_FOLDER: &str = "OUTPUT_DATA_FOLDER";
const DEFAULT_DATA_FOLDER: &str = "generated_output_data";

pub struct Settings {
    pub inputs: Vec<PathBuf>,
    pub out: PathBuf,
    pub cuts: Option<String>,
    pub qa_per_doc: Option<String>,
    pub gpt_oss: bool,
    pub tokenizer: Option<String>,
    /// The settings taken from environment variables, in the order above.
    pub from_environment: Vec<FromEnvironment>,
}

/// A setting an environment variable gave.
#[derive(Debug, Clone, Serialize)]
pub struct FromEnvironment {
    pub variable: &'static str,
    pub value: String,
    /// `.env` or `environment`.
    pub source: &'static str,
}

impl Settings {
    /// `args`, with the environment's variables where a flag is not given; `dotenv`: the
    /// variables the working folder's `.env` set (the others were set before).
    pub fn resolve(args: &Args, dotenv: &[String]) -> Settings {
        let mut taken = Vec::new();
        let mut var = |variable: &'static str| {
            let value = std::env::var(variable)
                .ok()
                .filter(|v| !v.trim().is_empty())?;
            let source = if dotenv.iter().any(|k| k == variable) {
                ".env"
            } else {
                "environment"
            };
            taken.push(FromEnvironment {
                variable,
                value: value.clone(),
                source,
            });
            Some(value)
        };
        let (inputs, out) = match (&args.inputs[..], &args.out) {
            ([], out) => {
                let folder = PathBuf::from(
                    var(OUTPUT_DATA_FOLDER).unwrap_or_else(|| DEFAULT_DATA_FOLDER.into()),
                );
                let out = out.clone().unwrap_or_else(|| folder.join("training_mix"));
                (vec![folder], out)
            }
            (inputs, out) => (
                inputs.to_vec(),
                out.clone().unwrap_or_else(|| "training_mix".into()),
            ),
        };
        let cuts = args.cuts.clone().or_else(|| var("CUT_SIZES"));
        let qa_per_doc = args.qa_per_doc.clone().or_else(|| var("QA_PER_DOC"));
        // As clap's falsey values: false, no, n, off, 0 (any case) are off; anything else on.
        let gpt_oss = !args.no_gpt_oss
            && (args.gpt_oss
                || var("SAVE_GPT_OSS_FORMAT").is_some_and(|v| {
                    !matches!(
                        v.trim().to_ascii_lowercase().as_str(),
                        "false" | "no" | "n" | "off" | "0"
                    )
                }));
        let tokenizer = (args.tokenizer.clone())
            .or_else(|| var("TOKENIZER_MODEL_NAME"))
            .or_else(|| var("STUDENT_MODEL"));
        Settings {
            inputs,
            out,
            cuts,
            qa_per_doc,
            gpt_oss,
            tokenizer,
            from_environment: taken,
        }
    }

    /// Where the environment's settings came from, for the person: `CUT_SIZES=5,50 (.env), ...`.
    pub fn sources_text(&self) -> Option<String> {
        let said: Vec<String> = (self.from_environment.iter())
            .map(|s| format!("{}={} ({})", s.variable, s.value, s.source))
            .collect();
        (!said.is_empty()).then(|| format!("from the environment: {}", said.join(", ")))
    }
}
