//! Flags; the notebook's environment variables stand in for some (see `settings`).

use std::path::PathBuf;

use clap::Parser;

#[derive(Debug, Parser)]
#[command(
    name = "kmix",
    version,
    about = "Mix knowledge-generation outputs into training mixes (combined_cut_{N}x.jsonl)",
    after_help = "Inputs: generation output folders (extractive_summary/, detailed_summary/, \
                  key_facts_to_qa/, document_based_qa/), qna.yaml, final_seed_data.jsonl, or single \
                  .jsonl/.json/.jsonl.gz files.\n\nExample:\n  kmix generated/ --cuts 5,50 \
                  --tokenizer models/Llama-3.1-8B-Instruct --out training_mix"
)]
pub struct Args {
    /// Input folders or files [default: the experiment folder, $OUTPUT_DATA_FOLDER, else
    /// generated_output_data]
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,

    /// Cut sizes: augmentations per raw document, one mix each [env: CUT_SIZES] [default: 5,50]
    #[arg(long, value_name = "N,N")]
    pub cuts: Option<String>,

    /// Q&A pairs kept per augmentation [env: QA_PER_DOC] [default: 3]
    #[arg(long, value_name = "N")]
    pub qa_per_doc: Option<String>,

    /// Sampling seed: the same inputs and seed give byte-identical mixes [default: 42]
    #[arg(long, value_name = "N")]
    pub seed: Option<String>,

    /// The student model's tokenizer: a folder with tokenizer.json (+ tokenizer_config.json,
    /// chat_template.jinja or chat_template.json), the tokenizer.json file, or a Hugging Face model
    /// id (ORG/NAME) already in the local Hugging Face cache (never downloaded). Without it, token
    /// counts are left out [env: TOKENIZER_MODEL_NAME, STUDENT_MODEL]
    #[arg(long, value_name = "DIR_FILE_OR_MODEL_ID")]
    pub tokenizer: Option<String>,

    /// The date templates that print today's date see (`strftime_now`), YYYY-MM-DD
    /// [default: today, local time, as transformers has it]
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,

    /// Drop rows whose question is a GPT-OSS placeholder (`...`, `<question>`,
    /// `<Insert question here>`) [env: SAVE_GPT_OSS_FORMAT]
    #[arg(long, overrides_with = "no_gpt_oss")]
    pub gpt_oss: bool,

    /// Keep those rows, whatever SAVE_GPT_OSS_FORMAT says.
    #[arg(long, overrides_with = "gpt_oss")]
    pub no_gpt_oss: bool,

    /// Leave a recognised input out of the mix: its path as the report lists it, a folder
    /// (`extractive_summary/`) or a kind (`qna_yaml`, `seed_data`, ...); repeat or separate by commas.
    #[arg(long, value_name = "INPUT", value_delimiter = ',')]
    pub leave_out: Vec<String>,

    /// Drop repeated Q&A before sampling, keeping the first of each in input order: pairs
    /// (question and response both repeat; `--dedupe` alone) or `--dedupe=questions` (the
    /// question repeats), compared within a kind after Unicode (NFKC), case and white-space
    /// normalisation.
    // `=` required: `--dedupe generated/` must not take the input for the way to dedupe.
    #[arg(long, value_name = "WHAT", num_args = 0..=1, require_equals = true, default_missing_value = "pairs")]
    pub dedupe: Option<String>,

    /// A held-out file (JSON Lines with `question` and `answer`/`response`, or `messages`; or a
    /// qna.yaml): report training rows whose question equals a held-out question after
    /// normalisation, or that share a run of 13 words with a held-out question or answer. Repeat
    /// for more files.
    #[arg(long, value_name = "FILE")]
    pub holdout: Vec<PathBuf>,

    /// Leave the rows that leak a held-out question out of every cut.
    #[arg(long)]
    pub drop_contaminated: bool,

    /// Write each cut's knowledge rows again as RAFT rows, raft_cut_{N}x.jsonl: the question
    /// asked over passages, its own source chunk's (the oracle) among them or not. `retrieved`:
    /// as sdg_hub's RAFT builder (passages of 400 words, distractors by TF-IDF; 5 passages, the
    /// oracle with p 0.9); `random`: as InstructLab SDG (whole chunks, random distractors; 4,
    /// p 0.4).
    #[arg(long, value_name = "STYLE")]
    pub raft: Option<String>,

    /// Passages in all per RAFT row (the style's default: 5 retrieved, 4 random).
    #[arg(long, value_name = "K")]
    pub raft_passages: Option<u32>,

    /// The chance a RAFT row carries its oracle passage (default: 0.9 retrieved, 0.4 random).
    #[arg(long, value_name = "P")]
    pub raft_p_oracle: Option<f64>,

    /// Blend a chat dataset (JSON Lines, .jsonl.gz or a JSON array of {messages, metadata?,
    /// unmask?} rows) beside the knowledge mix, with a size: a whole number is rows
    /// (`skills.jsonl=30000`), a number with a decimal point a ratio (`replay.jsonl=0.5`; above 1
    /// upsamples), `5Mtok` trained tokens; none: the whole dataset once. `knowledge=SIZE` sizes
    /// the knowledge mix itself. Writes blend_cut_{N}x.jsonl and recipe_cut_{N}x.yaml per cut.
    #[arg(long = "add", value_name = "FILE[=SIZE]")]
    pub add: Vec<String>,

    /// An InstructLab recipe YAML (`datasets: [{path, sampling_size}]`, paths relative to it) to
    /// blend; an entry naming combined_cut_{N}x.jsonl sizes the knowledge mix.
    #[arg(long, value_name = "FILE")]
    pub recipe: Option<PathBuf>,

    /// A total of trained tokens for each blend (`20M`, `1.5G`), shared out by --share.
    #[arg(long, value_name = "TOKENS")]
    pub budget: Option<String>,

    /// Each source's share of the budget: `knowledge=0.4,skills.jsonl=0.6` (or percentages).
    #[arg(long, value_name = "SOURCE=SHARE,...")]
    pub share: Option<String>,

    /// The trainer's maximum sequence length: report the rows InstructLab training would drop
    /// (trained tokens >= this, or under 20; with `--trainer-count template`, also a row with no
    /// end-of-sequence token at the end).
    #[arg(long, value_name = "TOKENS")]
    pub max_seq_len: Option<String>,

    /// How trained tokens are counted: `unmask` (default) as instructlab-training 0.16's
    /// process_messages_into_input_ids (what training_hub runs): trained messages and their
    /// thinking wrapped in unmask tokens, rendered, the wrappers taken out; `template` as the older
    /// path: apply_chat_template(tokenize=True), and a row needs its end-of-sequence token.
    #[arg(long, value_name = "unmask|template")]
    pub trainer_count: Option<String>,

    /// Leave the rows the trainer would drop out of the blends, so that what is written trains.
    #[arg(long)]
    pub drop_over_length: bool,

    /// Output folder [default: training_mix; with no input given, the experiment folder's
    /// training_mix/]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Check feasibility and count rows and tokens; write nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Go on past bad rows (missing field, wrong type, malformed JSON), counting them in the report.
    #[arg(long)]
    pub skip_bad_rows: bool,

    /// The longest row (one line of JSON Lines) kmix reads, in MB: a longer one is an error naming
    /// its file and line.
    #[arg(long, value_name = "MB", default_value_t = crate::read::DEFAULT_MAX_ROW_BYTES >> 20)]
    pub max_row_mb: usize,

    /// Threads for token counting [default: all cores].
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,

    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
}
