//! The session's states as JS classes: each method converts, calls the core once, converts back.

use std::collections::HashMap;

use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;

use super::browse::MixRows;
use super::convert::{error_from_js, error_to_js, from_js, from_json, to_js, to_json, IntoJs};
use super::source::JsSource;
use super::tokenizer::{messages_from_js, Tokenizer};
use super::types::{
    BlendForm, BlendPreviews, ChunkResultJs, ChunkTaskJs, FileJobs, InputFiles, InputSources,
    InputSummaryJs, KmixError, Messages, MixForm, MixSummary, OutcomeJs, ReadyList, RecipeJs,
    RunSettingsJs, Strings,
};
use crate::blend::{parse_recipe, BlendText};
use crate::mix::{Mix, ParamsText};
use crate::output::OutputTallies;
use crate::read::{InputFile, ReadOptions};
use crate::reread::{RereadCache, Rereader};
use crate::run::{self, process_chunk, RunSettings};
use crate::source::ByteSource;
use crate::tokens::ChatTokenizer;

/// The first pass: the page reads each file of `jobs` on a worker of its pool (`FileReading`),
/// several at once, and adds what each gives back here, in order (`addFile`).
#[wasm_bindgen]
pub struct FirstPass {
    inner: crate::read::FirstPass<JsSource>,
}

#[wasm_bindgen]
impl FirstPass {
    /// `datasets`: chat datasets to blend beside the knowledge mix, each `path` its file name.
    #[wasm_bindgen(constructor)]
    pub fn new(
        files: InputSources,
        skip_bad_rows: bool,
        datasets: Option<InputSources>,
    ) -> Result<FirstPass, JsValue> {
        let options = ReadOptions {
            skip_bad_rows,
            ..ReadOptions::default()
        };
        let mut inner = crate::read::FirstPass::new(JsSource::list(files.into())?, options);
        if let Some(datasets) = datasets {
            inner
                .add_datasets(JsSource::list(datasets.into())?)
                .into_js()?;
        }
        Ok(FirstPass { inner })
    }

    /// Every file to read, in the order `addFile` takes them: `{job, data}`, the job to start a
    /// `FileReading` with and the file's Blob (or bytes) as the page gave it.
    pub fn jobs(&self) -> Result<FileJobs, JsValue> {
        let list = js_sys::Array::new();
        for (job, source) in self.inner.jobs() {
            let entry = js_sys::Object::new();
            let job = to_json(&job)?;
            js_sys::Reflect::set(&entry, &"job".into(), &job.into())?;
            js_sys::Reflect::set(&entry, &"data".into(), &source.data())?;
            list.push(&entry);
        }
        Ok(list.unchecked_into())
    }

    /// The next file, in order, as its `FileReading` finished it.
    #[wasm_bindgen(js_name = addFile)]
    pub fn add_file(&mut self, read: &str) -> Result<(), JsValue> {
        let read = from_json(read, "a file's index")?;
        self.inner.add_file(read).into_js()
    }

    pub fn finish(self) -> Result<Inputs, JsValue> {
        let (index, _) = self.inner.finish().into_js()?;
        Ok(Inputs {
            inner: run::Inputs::new(index),
        })
    }
}

/// One file of the first pass, read on any worker: its bytes pushed in pieces (returning to the
/// event loop between them, so that the browser frees what it read), then `finish`.
#[wasm_bindgen]
pub struct FileReading {
    inner: crate::read::FileReading,
}

#[wasm_bindgen]
impl FileReading {
    /// `job`: one of `FirstPass.jobs()`' jobs.
    #[wasm_bindgen(constructor)]
    pub fn new(job: &str) -> Result<FileReading, JsValue> {
        let job = from_json(job, "a file's job")?;
        Ok(FileReading {
            inner: crate::read::FileReading::new(&job),
        })
    }

    /// Whether the file's bytes are wanted (not for a file ignored for its name).
    #[wasm_bindgen(getter, js_name = wantsBytes)]
    pub fn wants_bytes(&self) -> bool {
        self.inner.wants_bytes()
    }

    /// The next piece of the file; false once no more of it is wanted.
    pub fn push(&mut self, bytes: &[u8]) -> Result<bool, JsValue> {
        self.inner.push(bytes).into_js()
    }

    /// The page hashes the file itself, on another thread, and gives the digest to
    /// `Inputs.giveDigests` before a run; the core hashes none of its bytes.
    #[wasm_bindgen(js_name = hashElsewhere)]
    pub fn hash_elsewhere(&mut self) {
        self.inner.hash_elsewhere();
    }

    /// The file's index, for `FirstPass.addFile`.
    pub fn finish(self) -> Result<String, JsValue> {
        let read = self.inner.finish().into_js()?;
        to_json(&read)
    }
}

/// The inputs, read: plan from the form as often as it changes, start runs.
#[wasm_bindgen]
pub struct Inputs {
    inner: run::Inputs,
}

/// A plan, to show (`summary`) and to start.
#[wasm_bindgen]
pub struct Plan {
    mix: Mix,
}

#[wasm_bindgen]
impl Plan {
    pub fn summary(&self) -> Result<MixSummary, JsValue> {
        Ok(to_js(&self.mix)?.unchecked_into())
    }
}

#[wasm_bindgen]
impl Inputs {
    /// What each file was (kind, rows, or why it was ignored), and the rows skipped.
    pub fn summary(&self) -> Result<InputSummaryJs, JsValue> {
        Ok(to_js(&self.inner.summary())?.unchecked_into())
    }

    /// The SHA-256 (hex) of each file hashed elsewhere, one entry per file of the summary
    /// (null for the others); before any run starts.
    #[wasm_bindgen(js_name = giveDigests)]
    pub fn give_digests(&mut self, digests: JsValue) -> Result<(), JsValue> {
        let digests: Vec<Option<String>> = from_js(digests, "the inputs' checksums")?;
        self.inner.give_digests(digests).into_js()
    }

    pub fn plan(&self, form: MixForm) -> Result<Plan, JsValue> {
        let form: ParamsText = from_js(form.into(), "the form")?;
        let mix = self.inner.plan(&form.parse().into_js()?).into_js()?;
        Ok(Plan { mix })
    }

    /// Per feasible cut of the plan, each source of the blend as far as it is known before
    /// counting.
    #[wasm_bindgen(js_name = blendPreview)]
    pub fn blend_preview(&self, plan: &Plan, form: BlendForm) -> Result<BlendPreviews, JsValue> {
        let text: BlendText = from_js(form.into(), "the blend")?;
        let preview = self.inner.blend_preview(&plan.mix, &text).into_js()?;
        Ok(to_js(&preview)?.unchecked_into())
    }

    /// Starts a run of the plan (which it takes).
    pub fn start(&self, plan: Plan, settings: RunSettingsJs) -> Result<Run, JsValue> {
        let settings: RunSettings = from_js(settings.into(), "the run's settings")?;
        let inner = self.inner.start(plan.mix, settings).into_js()?;
        let mut tallies = inner.output_tallies();
        tallies.hash_elsewhere();
        Ok(Run {
            tallies: Some(tallies),
            inner: Some(inner),
            written: None,
            held: HashMap::new(),
        })
    }
}

/// A run under way: tasks out to the pool, results back in any order, lines out in order.
///
/// The lines' bytes never enter this wasm memory: `complete` keeps each result's byte arrays
/// aside, the core sees only the lines' lengths, and each `Ready` hands the same arrays back.
/// The page hashes the files (on its hashing worker) and gives `finish` their digests.
#[wasm_bindgen]
pub struct Run {
    /// Taken by `finish`.
    inner: Option<run::MixRun>,
    /// The written files' rows, left by `finish`.
    written: Option<MixRows>,
    /// The output files' tallies, fed with the lines `complete` gives out.
    tallies: Option<OutputTallies>,
    /// Per task back ahead of its turn, its lines' bytes, in the order of its result's lines.
    held: HashMap<u32, Vec<Uint8Array>>,
}

#[wasm_bindgen]
impl Run {
    /// The files the run writes, in the order of each `Ready`'s lines.
    #[wasm_bindgen(js_name = fileNames)]
    pub fn file_names(&self) -> Result<Strings, JsValue> {
        Ok(to_js(&self.run()?.file_names())?.unchecked_into())
    }

    /// The input files the tasks point into, for the pool's `Processor`s.
    #[wasm_bindgen(js_name = inputFiles)]
    pub fn input_files(&self) -> Result<InputFiles, JsValue> {
        Ok(to_js(self.run()?.input_files())?.unchecked_into())
    }

    #[wasm_bindgen(getter)]
    pub fn rows(&self) -> Result<usize, JsValue> {
        Ok(self.run()?.rows())
    }

    #[wasm_bindgen(getter)]
    pub fn tasks(&self) -> Result<u32, JsValue> {
        Ok(self.run()?.tasks())
    }

    #[wasm_bindgen(getter, js_name = inFlight)]
    pub fn in_flight(&self) -> Result<u32, JsValue> {
        Ok(self.run()?.in_flight())
    }

    /// Whether every task is out: when not, and `nextTask` gives none, the next tasks wait for
    /// those out to come back.
    #[wasm_bindgen(getter, js_name = allHandedOut)]
    pub fn all_handed_out(&self) -> Result<bool, JsValue> {
        Ok(self.run()?.all_handed_out())
    }

    /// The next task, or `undefined` when all are out (or one failed).
    #[wasm_bindgen(js_name = nextTask)]
    pub fn next_task(&mut self) -> Result<Option<ChunkTaskJs>, JsValue> {
        match self.run_mut()?.next_task() {
            Some(task) => Ok(Some(to_js(&task)?.unchecked_into())),
            None => Ok(None),
        }
    }

    /// Takes a pool worker's result back; returns the tasks now complete in order. The result's
    /// byte arrays move into the `Ready` lines as they are (they are not copied).
    pub fn complete(&mut self, result: ChunkResultJs) -> Result<ReadyList, JsValue> {
        let result: JsValue = result.into();
        let bytes = take_line_bytes(&result)?;
        let result: run::ChunkResult = from_js(result, "a task's result")?;
        let sizes_agree = bytes.len() == result.lines.len()
            && bytes
                .iter()
                .zip(&result.lines)
                .all(|(b, lines)| u64::from(b.length()) == lines.byte_len());
        if !sizes_agree {
            return Err(error_to_js(crate::Error::input(format!(
                "task {} came back with lines whose bytes and lengths disagree",
                result.seq
            ))));
        }
        let seq = result.seq;
        let ready = self.run_mut()?.complete(seq, Ok(result)).into_js()?;
        self.held.insert(seq, bytes);
        self.give_out(ready)
    }

    /// Takes a task's failure back; throws the run's error once its turn comes.
    pub fn fail(&mut self, seq: u32, error: KmixError) -> Result<ReadyList, JsValue> {
        let error = error_from_js(error.into());
        let ready = self.run_mut()?.complete(seq, Err(error)).into_js()?;
        self.give_out(ready)
    }

    /// The outcome, once every task is back; the run is over. `sha256`: each file's digest
    /// (hex, in the order of `fileNames`), as the page's hashing worker computed it.
    pub fn finish(&mut self, sha256: Vec<String>) -> Result<OutcomeJs, JsValue> {
        let tallies = self.tallies.as_mut().ok_or_else(finished)?;
        tallies.give_digests(sha256).into_js()?; // before the run is taken: a wrong list can be mended
        let tallies = self.tallies.take().ok_or_else(finished)?;
        let run = self.inner.take().ok_or_else(finished)?;
        let mut outcome = run.finish(tallies).into_js()?;
        self.written = Some(MixRows::new(std::mem::take(&mut outcome.rows)));
        Ok(to_js(&outcome)?.unchecked_into())
    }

    /// The written files' rows, to look through, once the run is finished.
    #[wasm_bindgen(js_name = writtenRows)]
    pub fn written_rows(&mut self) -> Option<MixRows> {
        self.written.take()
    }
}

impl Run {
    /// Tallies the tasks now complete, and gives each its lines' bytes back, in its files.
    fn give_out(&mut self, ready: Vec<run::Ready>) -> Result<ReadyList, JsValue> {
        let tallies = self.tallies.as_mut().ok_or_else(finished)?;
        ready.iter().for_each(|r| tallies.add(&r.lines));
        let list = to_js(&ready)?;
        for (at, r) in ready.iter().enumerate() {
            let Some(bytes) = self.held.remove(&r.seq) else {
                continue;
            };
            let lines = lines_of(&js_sys::Reflect::get(&list, &(at as u32).into())?)?;
            let files = self.run()?.files_of(r.seq);
            for (file, bytes) in files.zip(bytes) {
                swap_line_bytes(&lines, file, &bytes)?;
            }
        }
        Ok(list.unchecked_into())
    }

    fn run(&self) -> Result<&run::MixRun, JsValue> {
        self.inner.as_ref().ok_or_else(finished)
    }

    fn run_mut(&mut self) -> Result<&mut run::MixRun, JsValue> {
        self.inner.as_mut().ok_or_else(finished)
    }
}

fn finished() -> JsValue {
    error_to_js(crate::Error::input("the run is over"))
}

/// Each of a result's lines' byte arrays, leaving an empty one in its place: the core takes the
/// result without them.
fn take_line_bytes(result: &JsValue) -> Result<Vec<Uint8Array>, JsValue> {
    let Ok(lines) = lines_of(result) else {
        return Ok(Vec::new()); // the core names what is wrong with the result
    };
    (0..lines.length() as usize)
        .map(|file| {
            let bytes = swap_line_bytes(&lines, file, &Uint8Array::new_with_length(0))?;
            bytes.dyn_into::<Uint8Array>().map_err(|_| {
                error_to_js(crate::Error::input(
                    "a task's lines came back without their bytes",
                ))
            })
        })
        .collect()
}

/// The `lines` of a task's result (one entry per output file) as the edge sees them.
fn lines_of(result: &JsValue) -> Result<js_sys::Array, JsValue> {
    js_sys::Reflect::get(result, &"lines".into())?
        .dyn_into::<js_sys::Array>()
        .map_err(|_| error_to_js(crate::Error::input("a task's result has no lines")))
}

/// Puts `bytes` as the bytes of the lines of output file `file`, giving back those it had: the
/// byte arrays travel beside the core's result (see `take_line_bytes` and `give_out`).
fn swap_line_bytes(
    lines: &js_sys::Array,
    file: usize,
    bytes: &Uint8Array,
) -> Result<JsValue, JsValue> {
    let file_lines = lines.get(file as u32);
    let old = js_sys::Reflect::get(&file_lines, &"bytes".into())?;
    js_sys::Reflect::set(&file_lines, &"bytes".into(), bytes)?;
    Ok(old)
}

/// Reads an InstructLab recipe (`file` names it in errors): each dataset's path, the name a blend
/// knows it by, its size as the blend form takes it, and whether it stands for the knowledge mix.
#[wasm_bindgen(js_name = parseRecipe)]
pub fn parse_recipe_js(text: &str, file: &str) -> Result<RecipeJs, JsValue> {
    #[derive(serde::Serialize)]
    struct Entry<'a> {
        path: &'a str,
        name: &'a str,
        size: String,
        knowledge: bool,
    }
    #[derive(serde::Serialize)]
    struct Recipe<'a> {
        datasets: Vec<Entry<'a>>,
        sys_prompt: Option<&'a str>,
    }
    let recipe = parse_recipe(text, file).into_js()?;
    let shown = Recipe {
        datasets: recipe
            .datasets
            .iter()
            .map(|d| Entry {
                path: &d.path,
                name: crate::read::dataset_name(&d.path),
                size: d.size.text(),
                knowledge: d.is_knowledge_mix(),
            })
            .collect(),
        sys_prompt: recipe.sys_prompt.as_deref(),
    };
    Ok(to_js(&shown)?.unchecked_into())
}

/// A pool worker's engine: the run's inputs and this worker's tokenizer; processes tasks.
#[wasm_bindgen]
pub struct Processor {
    files: Vec<JsSource>,
    inputs: Vec<InputFile>,
    tokenizer: Option<ChatTokenizer>,
    /// Kept between tasks: a worker's tasks come in file order, so gzip streams only go forward.
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

    /// The inputs of a run: its `inputFiles()`, and the files themselves.
    #[wasm_bindgen(js_name = setInputs)]
    pub fn set_inputs(&mut self, inputs: InputFiles, files: InputSources) -> Result<(), JsValue> {
        self.inputs = from_js(inputs.into(), "the run's input files")?;
        self.files = JsSource::list(files.into())?;
        self.cache = RereadCache::default();
        Ok(())
    }

    /// Counts with this tokenizer from now on (it moves into the processor), or with none.
    #[wasm_bindgen(js_name = setTokenizer)]
    pub fn set_tokenizer(&mut self, tokenizer: Option<Tokenizer>) {
        self.tokenizer = tokenizer.map(|t| t.inner);
    }

    /// A conversation as this worker's chat template renders it; `undefined` without a tokenizer.
    pub fn render(&self, messages: Messages) -> Result<Option<String>, JsValue> {
        let Some(tokenizer) = &self.tokenizer else {
            return Ok(None);
        };
        tokenizer
            .render(&messages_from_js(messages)?)
            .map(Some)
            .into_js()
    }

    /// Processes a task. Its lines' bytes are copied into buffers taken from `spares` (an
    /// array of ArrayBuffers, which loses those it gives) where one is large enough: memory the
    /// page has touched before costs far less than new memory.
    pub fn process(
        &mut self,
        task: ChunkTaskJs,
        spares: js_sys::Array,
    ) -> Result<ChunkResultJs, JsValue> {
        let task: run::ChunkTask = from_js(task.into(), "a task")?;
        let sources: Vec<&dyn ByteSource> = self.files.iter().map(|s| s as _).collect();
        let cache = std::mem::take(&mut self.cache);
        let mut rereader = Rereader::with_cache(&self.inputs, &sources, cache).into_js()?;
        let result = process_chunk(&task, &mut rereader, self.tokenizer.as_ref());
        self.cache = rereader.into_cache();
        let mut result = result.into_js()?;
        let bytes: Vec<Vec<u8>> = (result.lines.iter_mut())
            .map(|lines| std::mem::take(&mut lines.bytes))
            .collect();
        let js = to_js(&result)?;
        let lines = lines_of(&js)?;
        for (file, bytes) in bytes.iter().enumerate() {
            let out = buffer_for(&spares, bytes.len());
            out.copy_from(bytes);
            swap_line_bytes(&lines, file, &out)?;
        }
        Ok(js.unchecked_into())
    }
}

/// `len` bytes at the start of the first of `spares` large enough (taken out of the array), or
/// of a new buffer with room to spare, so that it can be used again for a larger result.
fn buffer_for(spares: &js_sys::Array, len: usize) -> Uint8Array {
    let len = len as u32;
    if len == 0 {
        // Empty lines are never written nor hashed, so a spare given them would not come back.
        return Uint8Array::new_with_length(0);
    }
    let fits =
        |b: &JsValue| b.dyn_ref::<js_sys::ArrayBuffer>().map(|b| b.byte_length()) >= Some(len);
    let buffer = match spares.find_index(&mut |b, _, _| fits(&b)) {
        -1 => js_sys::ArrayBuffer::new(len + len / 4),
        at => {
            // Taken out, the last one filling its place.
            let (at, last) = (at as u32, spares.pop());
            let taken = if at < spares.length() {
                let taken = spares.get(at);
                spares.set(at, last);
                taken
            } else {
                last
            };
            taken.unchecked_into()
        }
    };
    Uint8Array::new_with_byte_offset_and_length(&buffer, 0, len)
}

impl Default for Processor {
    fn default() -> Self {
        Processor::new()
    }
}
