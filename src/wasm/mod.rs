//! The wasm-bindgen facade the page's workers call: thin wrappers over the core, data in as bytes,
//! Blobs and JSON, data out as bytes and plain JS values.
//!
//! Two roles: a [`Mixer`] (one per page) indexes the inputs, plans the mix, hands out chunks of
//! rows and gathers what comes back; a [`Processor`] (one per pool worker, each with its own
//! tokenizer) reads a chunk's rows again, counts their tokens and serialises them for every cut.

use std::io::Read;

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::error::Error;
use crate::input::{
    ByteSource, Index, IndexBuilder, IndexRow, InputFile, Kind, ReadOptions, RereadCache, Rereader,
};
use crate::mix::{conversation, plan, Message, Mix, MixParams};
use crate::output::{cut_reports, report_text, serialize_chunk, CutChunk, Manifest, OutputTally};
use crate::tokens::{ChatTokenizer, TokenizerFiles, TokenizerInfo};

/// Errors reach JS as `{text, file, line, column, field, message}`.
fn to_js(e: Error) -> JsValue {
    #[derive(Serialize)]
    struct JsError {
        text: String,
        #[serde(flatten)]
        error: Error,
    }
    let text = e.to_string();
    to_value(&JsError { text, error: e }).unwrap_or_else(|e| e)
}

fn message(text: impl std::fmt::Display) -> JsValue {
    to_js(Error::new(text.to_string()))
}

fn to_value<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsValue::from_str(&e.to_string()))
}

fn json<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).expect("plain data serialises")
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

    /// The tokenizer's identity for the manifest, as JSON.
    pub fn info(&self) -> String {
        json(self.inner.info())
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
    let parsed: Vec<In> = serde_json::from_str(json).map_err(message)?;
    parsed
        .into_iter()
        .map(|m| {
            let role = match m.role.as_str() {
                "user" => "user",
                "assistant" => "assistant",
                "system" => "system",
                other => return Err(message(format!("unknown role `{other}`"))),
            };
            Ok(Message {
                role,
                content: m.content,
                thinking: m.thinking,
            })
        })
        .collect()
}

/// A file the page holds: bytes (tests, small inputs) or a `Blob`/`File`, read in slices so that
/// only what is being parsed is ever in wasm memory.
struct JsSource {
    path: String,
    data: JsData,
}

enum JsData {
    Bytes(std::rc::Rc<[u8]>),
    Blob(web_sys::Blob),
}

impl JsSource {
    fn new(path: String, data: JsValue) -> Result<Self, JsValue> {
        let data = if let Some(blob) = data.dyn_ref::<web_sys::Blob>() {
            JsData::Blob(blob.clone())
        } else if let Some(bytes) = data.dyn_ref::<js_sys::Uint8Array>() {
            JsData::Bytes(bytes.to_vec().into())
        } else {
            return Err(message(format!("{path}: expected a Blob or a Uint8Array")));
        };
        Ok(JsSource { path, data })
    }
}

/// Bytes `[offset, offset + len)` of a Blob, through the worker-only synchronous reader.
fn blob_slice(blob: &web_sys::Blob, offset: u64, len: usize) -> std::io::Result<Vec<u8>> {
    let io = |e: JsValue| std::io::Error::other(format!("{e:?}"));
    let slice = blob
        .slice_with_f64_and_f64(offset as f64, (offset + len as u64) as f64)
        .map_err(io)?;
    let buffer = web_sys::FileReaderSync::new()
        .map_err(io)?
        .read_as_array_buffer(&slice)
        .map_err(io)?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// Slice size for streaming a Blob: large enough that the browser's cost per read vanishes.
const BLOB_SLICE: usize = 4 << 20;

/// Reads a Blob forward in large slices.
struct BlobReader {
    blob: web_sys::Blob,
    position: u64,
    size: u64,
}

impl Read for BlobReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let len = (buf.len().min(BLOB_SLICE) as u64).min(self.size - self.position) as usize;
        if len == 0 {
            return Ok(0);
        }
        let bytes = blob_slice(&self.blob, self.position, len)?;
        buf[..bytes.len()].copy_from_slice(&bytes);
        self.position += bytes.len() as u64;
        Ok(bytes.len())
    }
}

impl ByteSource for JsSource {
    fn path(&self) -> &str {
        &self.path
    }
    fn size(&self) -> u64 {
        match &self.data {
            JsData::Bytes(b) => b.len() as u64,
            JsData::Blob(b) => b.size() as u64,
        }
    }
    fn open(&self) -> std::io::Result<Box<dyn Read>> {
        Ok(match &self.data {
            JsData::Bytes(b) => Box::new(std::io::Cursor::new(b.clone())),
            JsData::Blob(blob) => Box::new(std::io::BufReader::with_capacity(
                BLOB_SLICE,
                BlobReader {
                    blob: blob.clone(),
                    position: 0,
                    size: blob.size() as u64,
                },
            )),
        })
    }
    fn read_at(&self, offset: u64, len: usize) -> std::io::Result<Vec<u8>> {
        match &self.data {
            JsData::Bytes(b) => b
                .get(offset as usize..offset as usize + len)
                .map(<[u8]>::to_vec)
                .ok_or_else(|| std::io::Error::other("range beyond the end of the file")),
            JsData::Blob(blob) => blob_slice(blob, offset, len),
        }
    }
}

fn sources(files: &[JsSource]) -> Vec<&dyn ByteSource> {
    files.iter().map(|s| s as &dyn ByteSource).collect()
}

/// One row of a chunk as the Mixer hands it to a Processor.
#[derive(Serialize, serde::Deserialize)]
struct ChunkRow {
    row: IndexRow,
    min_cut: u32,
}

/// One mixing session: files in; index, plan and chunks out; counts and output bytes back in.
#[wasm_bindgen]
pub struct Mixer {
    files: Vec<JsSource>,
    /// The first pass under way: the builder, and the files still to read (positions in
    /// `files`, in path order, the next last).
    reading: Option<(IndexBuilder, Vec<usize>)>,
    index: Option<Index>,
    mix: Option<Mix>,
    counts: Vec<u32>,
    counted_with: Option<TokenizerInfo>,
    tallies: Vec<OutputTally>,
}

#[wasm_bindgen]
impl Mixer {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Mixer {
        Mixer {
            files: Vec::new(),
            reading: None,
            index: None,
            mix: None,
            counts: Vec::new(),
            counted_with: None,
            tallies: Vec::new(),
        }
    }

    /// `data`: a `Blob`/`File` (read in slices, never copied whole) or a `Uint8Array`.
    #[wasm_bindgen(js_name = addFile)]
    pub fn add_file(&mut self, path: String, data: JsValue) -> Result<(), JsValue> {
        self.files.push(JsSource::new(path, data)?);
        self.index = None;
        Ok(())
    }

    /// Starts the first pass; returns how many files `readNext` will read, one a call (the worker
    /// returns to its event loop in between, to report progress and let memory be collected).
    #[wasm_bindgen(js_name = startReading)]
    pub fn start_reading(&mut self, skip_bad_rows: bool) -> usize {
        let mut order: Vec<usize> = (0..self.files.len()).collect();
        // As the native first pass: ascending, stable; reversed so that `pop` takes the next.
        order.sort_by(|&a, &b| self.files[a].path.cmp(&self.files[b].path));
        order.reverse();
        self.reading = Some((IndexBuilder::new(ReadOptions { skip_bad_rows }), order));
        self.index = None;
        self.files.len()
    }

    /// Reads the next file; false when none is left.
    #[wasm_bindgen(js_name = readNext)]
    pub fn read_next(&mut self) -> Result<bool, JsValue> {
        let (builder, left) = self
            .reading
            .as_mut()
            .ok_or_else(|| message("start reading first"))?;
        let Some(next) = left.pop() else {
            return Ok(false);
        };
        builder.add(&self.files[next]).map_err(to_js)?;
        Ok(true)
    }

    /// Ends the first pass; returns what each file was (kind, rows, or why it was ignored).
    #[wasm_bindgen(js_name = finishReading)]
    pub fn finish_reading(&mut self) -> Result<JsValue, JsValue> {
        let (builder, _) = self
            .reading
            .take()
            .ok_or_else(|| message("start reading first"))?;
        let index = builder.finish().map_err(to_js)?;
        let summary = to_value(&serde_json::json!({
            "files": index.files,
            "bad_rows": index.bad_rows,
            "rows": index.rows.len(),
        }))?;
        self.index = Some(index);
        self.mix = None;
        Ok(summary)
    }

    /// The input files in index order, with what a Processor needs to read them again (JSON).
    #[wasm_bindgen(js_name = inputFiles)]
    pub fn input_files(&self) -> Result<String, JsValue> {
        Ok(json(&self.index()?.files))
    }

    /// Plans a mix from the form's text (`{cuts: "5, 50", qa_per_doc: "3", seed: "42", gpt_oss}`);
    /// returns `{mix, rows, cuts}`: feasibility, the rows to process, the feasible cuts.
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
        let mix = plan(self.index()?, &params).map_err(to_js)?;
        let feasible: Vec<u32> = mix.feasible_cuts().collect();
        let summary = to_value(&serde_json::json!({
            "mix": mix, "rows": mix.rows.len(), "cuts": feasible,
        }))?;
        self.tallies = feasible.into_iter().map(OutputTally::new).collect();
        self.mix = Some(mix);
        self.counts.clear();
        self.counted_with = None;
        Ok(summary)
    }

    /// The planned rows `start..end`, for a Processor (JSON).
    pub fn chunk(&self, start: usize, end: usize) -> Result<String, JsValue> {
        let (index, mix) = (self.index()?, self.planned()?);
        let end = end.min(mix.rows.len());
        let rows: Vec<ChunkRow> = (start.min(end)..end)
            .map(|p| ChunkRow {
                row: index.rows[mix.rows[p]],
                min_cut: mix.min_cut(p),
            })
            .collect();
        Ok(json(&rows))
    }

    /// Takes a processed chunk back, in plan order: its token counts (empty without a tokenizer)
    /// and the bytes and rows it added to each cut's file, to count and checksum them.
    #[wasm_bindgen(js_name = addChunk)]
    pub fn add_chunk(
        &mut self,
        counts: Vec<u32>,
        cut_bytes: Vec<js_sys::Uint8Array>,
        cut_rows: Vec<u32>,
    ) -> Result<(), JsValue> {
        if cut_bytes.len() != self.tallies.len() || cut_rows.len() != self.tallies.len() {
            return Err(message("one byte chunk per feasible cut is needed"));
        }
        self.counts.extend(counts);
        for ((tally, bytes), rows) in self.tallies.iter_mut().zip(cut_bytes).zip(cut_rows) {
            tally.add(&CutChunk {
                bytes: bytes.to_vec(),
                rows: u64::from(rows),
            });
        }
        Ok(())
    }

    /// Names the tokenizer that counted (a Tokenizer's `info()`); without it, no token counts.
    #[wasm_bindgen(js_name = countedWith)]
    pub fn counted_with(&mut self, tokenizer_info: &str) -> Result<(), JsValue> {
        self.counted_with = Some(serde_json::from_str(tokenizer_info).map_err(message)?);
        Ok(())
    }

    /// The report as data (`cuts`) and as the text the command line prints.
    pub fn report(&self) -> Result<JsValue, JsValue> {
        let (index, mix) = (self.index()?, self.planned()?);
        let cuts = cut_reports(index, mix, self.complete_counts()?);
        let name = self.counted_with.as_ref().map(|t| t.name.as_str());
        let text = report_text(index, mix, &cuts, name);
        to_value(&serde_json::json!({ "cuts": cuts, "text": text }))
    }

    /// `manifest.json`, once every chunk is back.
    pub fn manifest(&self) -> Result<String, JsValue> {
        let (index, mix) = (self.index()?, self.planned()?);
        let report = cut_reports(index, mix, self.complete_counts()?);
        let outputs: Vec<_> = self.tallies.iter().map(OutputTally::snapshot).collect();
        Ok(Manifest {
            kmix_version: env!("CARGO_PKG_VERSION"),
            mix,
            inputs: &index.files,
            bad_rows: &index.bad_rows,
            tokenizer: self.counted_with.as_ref(),
            report: &report,
            outputs: &outputs,
        }
        .to_json())
    }

    /// The token length of each row of one cut, in output order, for the histogram.
    #[wasm_bindgen(js_name = tokenLengths)]
    pub fn token_lengths(&self, cut: u32) -> Result<Vec<u32>, JsValue> {
        let counts = self
            .complete_counts()?
            .ok_or_else(|| message("no token counts"))?;
        Ok(self
            .planned()?
            .positions_in_cut(cut)
            .map(|p| counts[p])
            .collect())
    }

    /// The first `per_kind` rows of each kind in a cut, as `[{kind, messages}]` (JSON), for previews.
    pub fn samples(&self, cut: u32, per_kind: usize) -> Result<String, JsValue> {
        let (index, mix) = (self.index()?, self.planned()?);
        let sources = sources(&self.files);
        let mut rereader = Rereader::new(&index.files, &sources).map_err(to_js)?;
        let mut taken: Vec<(Kind, usize)> = Vec::new();
        let mut samples = Vec::new();
        for p in mix.positions_in_cut(cut) {
            let row = &index.rows[mix.rows[p]];
            let slot = match taken.iter().position(|(k, _)| *k == row.kind) {
                Some(i) => i,
                None => {
                    taken.push((row.kind, 0));
                    taken.len() - 1
                }
            };
            if taken[slot].1 < per_kind {
                taken[slot].1 += 1;
                let record = rereader.record(row).map_err(to_js)?;
                let messages = json(&conversation(&record));
                samples.push(serde_json::json!({ "kind": row.kind, "messages": messages }));
            }
        }
        Ok(json(&samples))
    }
}

impl Default for Mixer {
    fn default() -> Self {
        Mixer::new()
    }
}

impl Mixer {
    fn index(&self) -> Result<&Index, JsValue> {
        self.index
            .as_ref()
            .ok_or_else(|| message("read the inputs first"))
    }

    fn planned(&self) -> Result<&Mix, JsValue> {
        self.mix
            .as_ref()
            .ok_or_else(|| message("plan the mix first"))
    }

    /// The counts, when a tokenizer counted every planned row.
    fn complete_counts(&self) -> Result<Option<&[u32]>, JsValue> {
        let rows = self.planned()?.rows.len();
        Ok((self.counted_with.is_some() && self.counts.len() == rows).then_some(&self.counts[..]))
    }
}

/// A pool worker's engine: reads a chunk's rows again, counts and serialises them.
#[wasm_bindgen]
pub struct Processor {
    files: Vec<JsSource>,
    inputs: Vec<InputFile>,
    tokenizer: Option<ChatTokenizer>,
    /// Kept between chunks: a worker's chunks come in file order, so gzip streams only go forward.
    cache: RereadCache,
}

#[wasm_bindgen]
impl Processor {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Processor {
        Processor {
            files: Vec::new(),
            inputs: Vec::new(),
            tokenizer: None,
            cache: RereadCache::default(),
        }
    }

    /// The inputs of a run: `inputs_json` is the Mixer's `inputFiles()`; then each file by path.
    #[wasm_bindgen(js_name = setInputs)]
    pub fn set_inputs(&mut self, inputs_json: &str) -> Result<(), JsValue> {
        self.inputs = serde_json::from_str(inputs_json).map_err(message)?;
        self.files.clear();
        self.cache = RereadCache::default();
        Ok(())
    }

    #[wasm_bindgen(js_name = addFile)]
    pub fn add_file(&mut self, path: String, data: JsValue) -> Result<(), JsValue> {
        self.files.push(JsSource::new(path, data)?);
        Ok(())
    }

    /// Counts with this tokenizer from now on (it moves into the processor), or with none.
    #[wasm_bindgen(js_name = setTokenizer)]
    pub fn set_tokenizer(&mut self, tokenizer: Option<Tokenizer>) {
        self.tokenizer = tokenizer.map(|t| t.inner);
    }

    pub fn render(&self, messages_json: &str) -> Result<String, JsValue> {
        let tokenizer = self
            .tokenizer
            .as_ref()
            .ok_or_else(|| message("no tokenizer"))?;
        tokenizer
            .render(&parse_messages(messages_json)?)
            .map_err(to_js)
    }

    /// Processes a Mixer chunk for the given cuts: `{counts, bytes: [Uint8Array per cut], rows}`.
    pub fn process(&mut self, chunk_json: &str, cuts: Vec<u32>) -> Result<js_sys::Object, JsValue> {
        let rows: Vec<ChunkRow> = serde_json::from_str(chunk_json).map_err(message)?;
        let sources = sources(&self.files);
        let cache = std::mem::take(&mut self.cache);
        let mut rereader = Rereader::with_cache(&self.inputs, &sources, cache).map_err(to_js)?;
        let index_rows: Vec<IndexRow> = rows.iter().map(|r| r.row).collect();
        let records = rereader.records(&index_rows);
        self.cache = rereader.into_cache();
        let records = records.map_err(to_js)?;
        let counts = match &self.tokenizer {
            Some(t) => Some(crate::count_tokens(&records, t).map_err(to_js)?),
            None => None,
        };
        let min_cuts: Vec<u32> = rows.iter().map(|r| r.min_cut).collect();
        let chunks = serialize_chunk(&records, &min_cuts, counts.as_deref(), &cuts);
        let bytes = js_sys::Array::new();
        let cut_rows = js_sys::Array::new();
        for chunk in &chunks {
            bytes.push(&js_sys::Uint8Array::from(chunk.bytes.as_slice()));
            cut_rows.push(&JsValue::from(chunk.rows as u32));
        }
        let counts = js_sys::Uint32Array::from(counts.unwrap_or_default().as_slice());
        let result = js_sys::Object::new();
        js_sys::Reflect::set(&result, &"counts".into(), &counts)?;
        js_sys::Reflect::set(&result, &"bytes".into(), &bytes)?;
        js_sys::Reflect::set(&result, &"rows".into(), &cut_rows)?;
        Ok(result)
    }
}

impl Default for Processor {
    fn default() -> Self {
        Processor::new()
    }
}
