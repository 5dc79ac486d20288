//! The wasm-bindgen facade the page's workers call: thin wrappers over the core, data in as bytes
//! and JSON, data out as bytes and plain JS values. Work comes in slices (`countTokens(start, end)`)
//! so the worker can report progress and be cancelled between them.

use std::io::Read;

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::error::Error;
use crate::input::{read_inputs, ByteSource, Corpus, ReadOptions};
use crate::mix::{plan, Message, Mix, MixParams};
use crate::output::{cut_reports, report_text, write_cut, Manifest, OutputFile};
use crate::tokens::{ChatTokenizer, TokenizerFiles, TokenizerInfo};

/// Errors reach JS as `{text, file, line, column, field, message}`.
fn to_js(e: Error) -> JsValue {
    let text = e.to_string();
    to_value(&JsError { text, error: e }).unwrap_or_else(|e| e)
}

#[derive(Serialize)]
struct JsError {
    text: String,
    #[serde(flatten)]
    error: Error,
}

fn to_value<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsValue::from_str(&e.to_string()))
}

#[wasm_bindgen]
pub struct Tokenizer {
    inner: ChatTokenizer,
}

#[wasm_bindgen]
impl Tokenizer {
    /// `now_ms`: `Date.now()`, for templates that print today's date.
    #[wasm_bindgen(constructor)]
    pub fn new(
        name: String,
        tokenizer_json: Vec<u8>,
        tokenizer_config_json: Option<Vec<u8>>,
        chat_template_jinja: Option<String>,
        now_ms: f64,
    ) -> Result<Tokenizer, JsValue> {
        let files = TokenizerFiles {
            name,
            tokenizer_json,
            tokenizer_config_json,
            chat_template_jinja,
        };
        let inner = ChatTokenizer::load(&files, (now_ms / 1000.0) as i64).map_err(to_js)?;
        Ok(Tokenizer { inner })
    }

    pub fn name(&self) -> String {
        self.inner.info().name.clone()
    }

    /// `messages_json`: `[{role, content, thinking}]` as kmix writes them.
    pub fn render(&self, messages_json: &str) -> Result<String, JsValue> {
        self.inner
            .render(&parse_messages(messages_json)?)
            .map_err(to_js)
    }

    pub fn count(&self, messages_json: &str) -> Result<u32, JsValue> {
        self.inner
            .count(&parse_messages(messages_json)?)
            .map_err(to_js)
    }

    #[wasm_bindgen(js_name = countText)]
    pub fn count_text(&self, text: &str) -> Result<u32, JsValue> {
        self.inner.count_text(text).map_err(to_js)
    }
}

fn parse_messages(json: &str) -> Result<Vec<Message>, JsValue> {
    #[derive(serde::Deserialize)]
    struct In {
        role: String,
        content: String,
        thinking: Option<String>,
    }
    let parsed: Vec<In> =
        serde_json::from_str(json).map_err(|e| JsValue::from_str(&e.to_string()))?;
    parsed
        .into_iter()
        .map(|m| {
            let role = match m.role.as_str() {
                "user" => "user",
                "assistant" => "assistant",
                "system" => "system",
                other => return Err(JsValue::from_str(&format!("unknown role `{other}`"))),
            };
            Ok(Message {
                role,
                content: m.content,
                thinking: m.thinking,
            })
        })
        .collect()
}

struct MemorySource {
    path: String,
    bytes: Vec<u8>,
}

impl ByteSource for MemorySource {
    fn path(&self) -> &str {
        &self.path
    }
    fn size(&self) -> u64 {
        self.bytes.len() as u64
    }
    fn open(&self) -> std::io::Result<Box<dyn Read + '_>> {
        Ok(Box::new(self.bytes.as_slice()))
    }
}

/// One mixing session: files in, then read, plan, count in slices, write each cut.
#[wasm_bindgen]
pub struct Mixer {
    sources: Vec<MemorySource>,
    corpus: Option<Corpus>,
    mix: Option<Mix>,
    counts: Option<Vec<u32>>,
    /// The tokenizer the counts came from, for the report and the manifest.
    counted_with: Option<TokenizerInfo>,
    outputs: Vec<OutputFile>,
}

#[wasm_bindgen]
impl Mixer {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Mixer {
        Mixer {
            sources: Vec::new(),
            corpus: None,
            mix: None,
            counts: None,
            counted_with: None,
            outputs: Vec::new(),
        }
    }

    #[wasm_bindgen(js_name = addFile)]
    pub fn add_file(&mut self, path: String, bytes: Vec<u8>) {
        self.sources.push(MemorySource { path, bytes });
        self.corpus = None;
    }

    /// Reads every file; returns what each file was (kind, rows, or why it was ignored).
    pub fn read(&mut self, skip_bad_rows: bool) -> Result<JsValue, JsValue> {
        let sources: Vec<&dyn ByteSource> =
            self.sources.iter().map(|s| s as &dyn ByteSource).collect();
        let corpus = read_inputs(&sources, ReadOptions { skip_bad_rows }).map_err(to_js)?;
        let summary = to_value(&serde_json::json!({
            "files": corpus.files,
            "bad_rows": corpus.bad_rows,
            "rows": corpus.rows.len(),
        }))?;
        self.corpus = Some(corpus);
        self.mix = None;
        Ok(summary)
    }

    /// Plans a mix from the form's text (`{cuts: "5, 50", qa_per_doc: "3", seed: "42", gpt_oss}`);
    /// returns feasibility and the number of rows to count.
    pub fn plan(&mut self, params: JsValue) -> Result<JsValue, JsValue> {
        #[derive(serde::Deserialize)]
        struct Form {
            cuts: Option<String>,
            qa_per_doc: Option<String>,
            seed: Option<String>,
            #[serde(default)]
            gpt_oss: bool,
        }
        let form: Form = serde_wasm_bindgen::from_value(params)?;
        let params = MixParams::from_text(
            form.cuts.as_deref(),
            form.qa_per_doc.as_deref(),
            form.seed.as_deref(),
            form.gpt_oss,
        )
        .map_err(to_js)?;
        let mix = plan(self.corpus()?, &params).map_err(to_js)?;
        let summary = to_value(&serde_json::json!({ "mix": mix, "rows": mix.rows.len() }))?;
        self.mix = Some(mix);
        self.counts = None;
        self.counted_with = None;
        self.outputs.clear();
        Ok(summary)
    }

    /// Counts the planned rows `start..end` (positions in the plan), to pass back to `setCounts`.
    #[wasm_bindgen(js_name = countTokens)]
    pub fn count_tokens(
        &self,
        tokenizer: &Tokenizer,
        start: usize,
        end: usize,
    ) -> Result<Vec<u32>, JsValue> {
        let mix = self.planned()?;
        let end = end.min(mix.rows.len());
        crate::count_tokens(self.corpus()?, mix, &tokenizer.inner, start.min(end)..end)
            .map_err(to_js)
    }

    /// Token counts for every planned row, in order (from one or several workers' slices), and
    /// the tokenizer they came from.
    #[wasm_bindgen(js_name = setCounts)]
    pub fn set_counts(&mut self, counts: Vec<u32>, tokenizer: &Tokenizer) -> Result<(), JsValue> {
        if counts.len() != self.planned()?.rows.len() {
            return Err(JsValue::from_str(
                "one token count per planned row is needed",
            ));
        }
        self.counts = Some(counts);
        self.counted_with = Some(tokenizer.inner.info().clone());
        Ok(())
    }

    /// One cut's `combined_cut_{N}x.jsonl`, byte-identical to the command line's.
    #[wasm_bindgen(js_name = writeCut)]
    pub fn write_cut(&mut self, cut: u32) -> Result<Vec<u8>, JsValue> {
        let mut bytes = Vec::new();
        let file = write_cut(
            self.corpus()?,
            self.planned()?,
            cut,
            self.counts.as_deref(),
            &mut bytes,
        )
        .map_err(|e| JsValue::from_str(&e.to_string()))?;
        self.outputs.retain(|o| o.file_name != file.file_name);
        self.outputs.push(file);
        Ok(bytes)
    }

    /// The report as data (`cuts`) and as the text the command line prints.
    pub fn report(&self) -> Result<JsValue, JsValue> {
        let (corpus, mix) = (self.corpus()?, self.planned()?);
        let cuts = cut_reports(corpus, mix, self.counts.as_deref());
        let name = self.counted_with.as_ref().map(|t| t.name.as_str());
        let text = report_text(corpus, mix, &cuts, name);
        to_value(&serde_json::json!({ "cuts": cuts, "text": text }))
    }

    /// `manifest.json`, after every cut is written.
    pub fn manifest(&self) -> Result<String, JsValue> {
        let (corpus, mix) = (self.corpus()?, self.planned()?);
        let report = cut_reports(corpus, mix, self.counts.as_deref());
        let mut outputs = self.outputs.clone();
        outputs.sort_by_key(|o| report.iter().position(|c| c.file_name == o.file_name));
        Ok(Manifest {
            kmix_version: env!("CARGO_PKG_VERSION"),
            mix,
            inputs: &corpus.files,
            bad_rows: &corpus.bad_rows,
            tokenizer: self.counted_with.as_ref(),
            report: &report,
            outputs: &outputs,
        }
        .to_json())
    }

    /// The token length of each row of one cut, in output order, for the histogram.
    #[wasm_bindgen(js_name = tokenLengths)]
    pub fn token_lengths(&self, cut: u32) -> Result<Vec<u32>, JsValue> {
        let mix = self.planned()?;
        let counts = self
            .counts
            .as_deref()
            .ok_or_else(|| JsValue::from_str("no token counts"))?;
        Ok(mix.positions_in_cut(cut).map(|p| counts[p]).collect())
    }

    /// Positions of the first `per_kind` rows of each kind in a cut, for previews.
    #[wasm_bindgen(js_name = samplePositions)]
    pub fn sample_positions(&self, cut: u32, per_kind: usize) -> Result<Vec<u32>, JsValue> {
        let (corpus, mix) = (self.corpus()?, self.planned()?);
        let mut taken: Vec<(crate::input::Kind, usize)> = Vec::new();
        let mut positions = Vec::new();
        for p in mix.positions_in_cut(cut) {
            let kind = corpus.rows[mix.rows[p]].kind;
            let slot = match taken.iter().position(|(k, _)| *k == kind) {
                Some(i) => i,
                None => {
                    taken.push((kind, 0));
                    taken.len() - 1
                }
            };
            if taken[slot].1 < per_kind {
                taken[slot].1 += 1;
                positions.push(p as u32);
            }
        }
        Ok(positions)
    }

    /// The kind of planned row `position`.
    pub fn kind(&self, position: usize) -> Result<String, JsValue> {
        let (corpus, mix) = (self.corpus()?, self.planned()?);
        let row = mix
            .rows
            .get(position)
            .ok_or_else(|| JsValue::from_str("no such row"))?;
        Ok(corpus.rows[*row].kind.name().to_string())
    }

    /// The conversation of planned row `position`, for previews.
    pub fn messages(&self, position: usize) -> Result<String, JsValue> {
        let (corpus, mix) = (self.corpus()?, self.planned()?);
        let row = mix
            .rows
            .get(position)
            .ok_or_else(|| JsValue::from_str("no such row"))?;
        let messages = crate::mix::conversation(corpus, &corpus.rows[*row]);
        serde_json::to_string(&messages).map_err(|e| JsValue::from_str(&e.to_string()))
    }
}

impl Default for Mixer {
    fn default() -> Self {
        Mixer::new()
    }
}

impl Mixer {
    fn corpus(&self) -> Result<&Corpus, JsValue> {
        self.corpus
            .as_ref()
            .ok_or_else(|| JsValue::from_str("read the inputs first"))
    }

    fn planned(&self) -> Result<&Mix, JsValue> {
        self.mix
            .as_ref()
            .ok_or_else(|| JsValue::from_str("plan the mix first"))
    }
}
