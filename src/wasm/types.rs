//! The shapes JS sees, declared once in TypeScript (written into `kmix.d.ts`), and the JS types
//! the facade's signatures name. The Rust side of each shape is the core type named beside it.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const SHAPES: &'static str = r#"
/** An error from the core (`crate::error::Error`); `text` is the sentence a person reads. */
export interface KmixError {
  kind: "input" | "parameters" | "tokenizer" | "template" | "io" | "cancelled";
  text: string;
  message: string;
  file: string | null;
  line: number | null;
  column: number | null;
  context: string | null;
  field: string | null;
}
/** A file handed to the core: `data` is read in slices when it is a Blob. */
export interface InputSource { path: string; data: Blob | Uint8Array; }
/** What the first pass made of one file (`read::InputFile`). */
export interface InputFile {
  path: string; size: number; kind?: string; rows: number; sha256?: string;
  ignored?: string; compressed: boolean;
  /** Rows kept although their response is null. */
  null_responses?: number;
  /** An added dataset's name: blended beside the knowledge mix. */
  dataset?: string;
  /** The path given, where another file has it too: `path` is then the name kmix gives it. */
  copy_of?: string;
  /** Why a dataset to blend could not be read (it has no rows; a run waits for its removal). */
  error?: KmixError;
}
/** `run::InputSummary`. */
export interface InputSummary {
  files: InputFile[];
  bad_rows: { count: number; examples: KmixError[] };
  rows: number;
}
/** `mix::KindDuplicates`: rows repeating an earlier row's pair, or only its question. */
export interface KindDuplicates {
  kind: string; duplicate_pairs: number; repeated_questions: number;
  examples: { first: { file: string; line: number }; repeat: { file: string; line: number }; pair: boolean }[];
}
/** The form as typed; blank fields take the notebook's defaults. */
export interface MixForm {
  cuts?: string; qa_per_doc?: string; seed?: string; gpt_oss?: boolean;
  /** `pairs` or `questions`; blank or none: no dedupe. */
  dedupe?: string;
  /** Recognised inputs to leave out: paths, folders (`name/`) or kinds. */
  leave_out?: string[];
}
/** A plan (`mix::Mix`): parameters, augmentations per raw document, feasibility per cut. */
export interface MixSummary {
  params: { cuts: number[]; qa_per_doc: number; seed: number; gpt_oss: boolean; left_out?: string[];
            dedupe?: 'pairs' | 'questions' };
  augmentations: { kind: string; documents: number; raw_documents: number; mean_per_raw_document: number }[];
  cuts: { cut: number; feasible: boolean; reason?: string;
          /** Raw documents with fewer augmentations than the cut: [start of text, augmentations]. */
          coverage?: { kind: string; raw_documents: number; examples: [string, number][] }[];
          /** No summary rows: this cut would repeat that one's rows, which is mixed instead. */
          same_as?: number }[];
  filtered_rows: number;
  /** Repeated Q&A of a kind: what dedupe dropped, and, per cut, what the cut still holds. */
  duplicates?: { dropped?: KindDuplicates[]; cuts?: { cut: number; kinds: KindDuplicates[] }[] };
  /** How the parameters were taken, e.g. a cut given twice. */
  notes?: string[];
  /** About the inputs, e.g. a generation folder missing or empty. */
  warnings?: string[];
}
/** `tokens::TokenizerInfo`: the tokenizer's identity, as the manifest records it. */
export interface TokenizerInfo { name: string; tokenizer_json_sha256: string; chat_template_sha256: string; }
/** `run::RunSettings`. */
export interface RunSettings {
  tokenizer: TokenizerInfo | null; dry_run: boolean;
  /** The folders and files the user chose, by name, for the manifest. */
  input_roots: string[];
  blend?: BlendForm;
  /** The pool's workers, which keep a few tasks each out at once (default one). */
  workers?: number;
  /** Each cut's knowledge rows again as RAFT rows (none: no RAFT file). */
  raft?: RaftParams | null;
}
/** `raft::RaftParams`: the style, and the passages per row and chance of the oracle (default:
 * the style's). */
export interface RaftParams { style: "retrieved" | "random"; passages?: number; p_oracle?: number; }
/** `raft::CorpusShare`: the RAFT corpus's source chunks, for every pool worker to hold. */
export interface CorpusShare { documents: string[]; params: RaftParams; seed: number; checksum: string; }
/** `output::RaftReport`: how the RAFT rows were made, per cut. */
export interface RaftReport { params: RaftParams; documents: number; passages: number;
  cuts: { cut: number; file_name: string | null; rows: number; with_oracle: number; retrieved_distractors: number;
          random_distractors: number; tokens?: number }[]; }
/** `blend::BlendText`: the blend as typed. Sizes: `30000` or `30k` rows, `0.5` a ratio, `5Mtok`
 * tokens; a budget: `20M` tokens. */
export interface BlendForm {
  /** [source, size] pairs: `knowledge` or a dataset's file name. */
  sizes?: [string, string][];
  budget?: string; shares?: string; max_seq_len?: string; trainer_count?: "unmask" | "template"; drop_over_length?: boolean;
  sys_prompt?: string | null; recipe_paths?: [string, string][];
}
/** `run::BlendPreview`: per cut, each source's rows before counting (none for tokens or shares). */
export interface BlendPreview {
  cut: number; mix_file: string; blend_files: string[];
  sources: { name: string; available: number; asked: string; rows: number | null }[];
}
/** `blend::Recipe`, as the page fills its table from it. */
export interface RecipeJs { datasets: { path: string; name: string; size: string; knowledge: boolean; raft: boolean }[]; sys_prompt: string | null; }
/** `blend::Drops`: rows the trainer would drop, and why. */
export interface Drops { rows: number; tokens: number; too_long: number; too_short: number; no_eos: number; }
/** `blend::BlendReport`: one cut's blend (or the pre-flight alone). */
export interface BlendReport {
  cut: number; file_name?: string; recipe_file_name?: string; rows: number; tokens?: number; budget?: number;
  sources: { name: string; available: number; asked: string; asked_tokens?: number; rows: number; tokens?: number;
             share_of_tokens?: number; trainer_drops?: Drops; drops_by_kind?: [string, Drops][]; left_out: number }[];
  trainer_drops?: Drops;
}
/** `render::Message`. */
export interface Message { role: string; content: string | null; thinking: string | null; }
/** `read::IndexRow`: where a knowledge row is, to read it again. */
export interface IndexRow {
  kind: "extractive_summary" | "detailed_summary" | "key_facts_to_qa" | "document_based_qa" | "qna_yaml" | "seed_data";
  file: number; offset: number; len: number; line: number; part: number;
  document: number; raw_document: number; placeholder: boolean;
}
/** `read::Span`: where a dataset's row is. */
export interface Span { offset: number; len: number; line: number; }
/** `run::Work`: what a task does. */
export type Work =
  | { documents: { rows: IndexRow[] } }
  | { knowledge: { rows: { row: IndexRow; min_cut: number }[]; cuts: number[] } }
  | { dataset: { file: number; rows: Span[] } }
  | { blend: { rows: ({ knowledge: { row: IndexRow; length: number | null } } | { dataset: { file: number; span: Span } })[] } };
/** `run::ChunkTask`: plain data, posted to any pool worker. */
export interface ChunkTask { seq: number; work: Work; tokenizer: TokenizerInfo | null;
  /** The held-out set the rows are checked against (the worker holds it), and whether rows that leak it are left out. */
  holdout?: { checksum: string; drop: boolean };
  /** The RAFT corpus (its checksum) the rows are asked over again (the worker holds it). */
  raft?: string; }
/** `run::Next`: what a driver does next — process a task, wait for a result to come back, or
 * stop (every task is out, or one failed). */
export type Next = { task: ChunkTask } | { share: CorpusShare } | "wait" | "done";
/** `tokens::RowTokens`. */
export interface RowTokens { length: number; trained: number; ends_with_eos: boolean; }
/** `render::CutLines`: lines of one file. */
export interface CutLines { bytes: Uint8Array; /** Each line's length, its newline included. */ lens: number[]; }
/** `run::ChunkResult`: what a pool worker sends back. */
export interface ChunkResult {
  seq: number; counts: RowTokens[] | null; lines: CutLines[];
  /** Knowledge rows the chat template refused (by place in the task), left out of `lines`. */
  refused: { row: number; refusal: { reason: string; error: KmixError } }[];
  /** Knowledge rows that leak the held-out set (by place in the task), left out of `lines` when the task drops them. */
  contaminated?: { row: number; question: string; leak: { how: unknown; held_out_file: string; held_out_line: number } }[];
  /** A corpus task's source chunks. */
  documents?: string[];
  /** The RAFT rows' notes and counts, one per row of the task. */
  raft?: { notes: { oracle: boolean; retrieved: number; random: number }[]; counts: RowTokens[] | null } | null;
}
/** `run::Ready`: a task's lines, in order, one entry per file of `Run.fileNames()` (their bytes
 * the very arrays its ChunkResult brought); `total`: the rows of the run as far as known (the
 * blends' are known once every row is counted). */
export interface Ready { seq: number; rows: number; total: number; lines: CutLines[]; }
/** `browse::RowQuery`: which rows of a written file to show, and which window of them. */
export interface RowQuery {
  group?: string | null; order?: "file" | "longest" | "shortest"; start: number; count: number;
}
/** `browse::RowSelection`: how many rows the query selects, and where the window's lines are. */
export interface RowSelection {
  total: number;
  rows: { row: number; offset: number; len: number; tokens: number | null; group: string }[];
}
/** `output::CutReport`. */
export interface CutReport {
  cut: number; file_name: string; samples: number; tokens?: number;
  kinds: { kind: string; samples: number; unique_documents: number; unique_raw_documents: number;
           documents_per_raw_document: number; tokens?: number }[];
}
/** `output::Histogram`: bar i counts rows of i*bin_width ..= (i+1)*bin_width-1 tokens. */
export interface Histogram { cut: number; rows: number; max: number; bin_width: number; counts: number[]; max_seq_len?: number; }
/** `read::FileJob`: which file to read, its place among them, and how. */
export interface FileJob {
  number: number; path: string; size: number; dataset: string | null;
  skip_bad_rows: boolean; max_row_bytes: number;
}
/** One file of the first pass to read (`FirstPass.jobs()`): its job, and its Blob or bytes. */
export interface FileJobEntry { job: FileJob; data: Blob | Uint8Array; }
/** A file's index as `FileReading.finish` gives it, for `FirstPass.addFile` on the coordinator:
 * JSON text, which crosses between workers for less than an object of many small ones. */
export type FileIndex = string & { readonly __kmixFileIndex: true };
/** `output::OutputFile`. */
export interface OutputFile { file_name: string; rows: number; bytes: number; sha256: string; }
/** `run::Outcome`. */
export interface Outcome {
  mix: MixSummary; reports: CutReport[]; text: string;
  /** `output::RefusedRows`: knowledge rows the chat template cannot render, left out
   * (`skip_bad_rows`), by reason, with the first few examples. */
  refused_rows: { count: number; reasons: { reason: string; rows: number }[]; examples: KmixError[] };
  /** Rows that leak the held-out files (none without them). */
  contamination?: { held_out: { path: string; sha256: string; questions: number }[]; dropped: boolean; rows: number;
    cuts: { cut: number; kind: string; rows: number }[];
    examples: { file: string; line: number; question: string; how: 'equal_question' | { shared_ngram: { field: string } };
      held_out_file: string; held_out_line: number }[] };
  raft?: RaftReport;
  /** Both come with `Run.manifest`, once the page has hashed the files: null and empty before. */
  manifest: string | null; manifest_file_name: string; outputs: OutputFile[];
  histograms: Histogram[]; tokenizer: TokenizerInfo | null;
  blends: BlendReport[];
  /** Written before the manifest: the blends' recipes. */
  texts: { name: string; text: string }[];
  /** The files to write once the lines' files are complete, in writing order: the recipes,
   * then the manifest last (none on a dry run, nor before it is complete). */
  files_after_lines: { name: string; text: string }[];
}
"#;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(typescript_type = "InputSource[]")]
    pub type InputSources;
    #[wasm_bindgen(typescript_type = "InputFile[]")]
    pub type InputFiles;
    #[wasm_bindgen(typescript_type = "FileJobEntry[]")]
    pub type FileJobs;
    #[wasm_bindgen(typescript_type = "FileJob")]
    pub type FileJobJs;
    #[wasm_bindgen(typescript_type = "FileIndex")]
    pub type FileIndexJs;
    #[wasm_bindgen(typescript_type = "InputSummary")]
    pub type InputSummaryJs;
    #[wasm_bindgen(typescript_type = "MixForm")]
    pub type MixForm;
    #[wasm_bindgen(typescript_type = "MixSummary")]
    pub type MixSummary;
    #[wasm_bindgen(typescript_type = "TokenizerInfo")]
    pub type TokenizerInfoJs;
    #[wasm_bindgen(typescript_type = "RunSettings")]
    pub type RunSettingsJs;
    #[wasm_bindgen(typescript_type = "Message[]")]
    pub type Messages;
    #[wasm_bindgen(typescript_type = "ChunkTask")]
    pub type ChunkTaskJs;
    #[wasm_bindgen(typescript_type = "Next")]
    pub type NextJs;
    #[wasm_bindgen(typescript_type = "ChunkResult")]
    pub type ChunkResultJs;
    #[wasm_bindgen(typescript_type = "Ready[]")]
    pub type ReadyList;
    #[wasm_bindgen(typescript_type = "KmixError")]
    pub type KmixError;
    #[wasm_bindgen(typescript_type = "Outcome")]
    pub type OutcomeJs;
    #[wasm_bindgen(typescript_type = "{ name: string; text: string } | undefined")]
    pub type ManifestFileJs;
    #[wasm_bindgen(typescript_type = "string[]")]
    pub type Strings;
    #[wasm_bindgen(typescript_type = "BlendForm")]
    pub type BlendForm;
    #[wasm_bindgen(typescript_type = "BlendPreview[]")]
    pub type BlendPreviews;
    #[wasm_bindgen(typescript_type = "RecipeJs")]
    pub type RecipeJs;
    #[wasm_bindgen(typescript_type = "RowQuery")]
    pub type RowQueryJs;
    #[wasm_bindgen(typescript_type = "RowSelection")]
    pub type RowSelectionJs;
}
