//! The session's states as JS classes: each method converts, calls the core once, converts back.

use wasm_bindgen::prelude::*;

use super::browse::MixRows;
use super::convert::{error_from_js, error_to_js, from_js, from_json, to_js, to_json, IntoJs};
use super::lines::{HeldBytes, JsChunkResult, JsReady};
use super::source::JsSource;
use super::tokenizer::{messages_from_js, Tokenizer};
use super::types::{
    BlendForm, BlendPreviews, ChunkResultJs, ChunkTaskJs, FileIndexJs, FileJobJs, FileJobs,
    InputFiles, InputSources, InputSummaryJs, KmixError, ManifestFileJs, Messages, MixForm,
    MixSummary, NextJs, OutcomeJs, ReadyList, RecipeJs, RunSettingsJs, Strings,
};
use crate::blend::{parse_recipe, BlendText};
use crate::checksum::Hashing;
use crate::holdout::HeldOut;
use crate::mix::{Mix, ParamsText};
use crate::output::OutputTallies;
use crate::raft::RaftCorpus;
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

    /// Every file to read, in the order `addFile` takes them: the job to start a `FileReading`
    /// with, and the file's Blob (or bytes) as the page gave it.
    pub fn jobs(&self) -> Result<FileJobs, JsValue> {
        #[derive(serde::Serialize)]
        struct Job {
            job: crate::read::FileJob,
            #[serde(with = "serde_wasm_bindgen::preserve")]
            data: JsValue,
        }
        let jobs: Vec<Job> = (self.inner.jobs())
            .map(|(job, source)| Job {
                job,
                data: source.data(),
            })
            .collect();
        Ok(to_js(&jobs)?.unchecked_into())
    }

    /// The next file, in order, as its `FileReading` finished it.
    #[wasm_bindgen(js_name = addFile)]
    pub fn add_file(&mut self, read: FileIndexJs) -> Result<(), JsValue> {
        let text = JsValue::from(read).as_string().ok_or_else(|| {
            error_to_js(crate::Error::input(
                "a file's index is the text its FileReading finished with",
            ))
        })?;
        let read = from_json(&text, "a file's index")?;
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
    /// `job`: one of `FirstPass.jobs()`' jobs; `hashing`: whether this reading hashes the file,
    /// or the page does (natively, as a file held whole) and gives the digest (`giveDigest`).
    #[wasm_bindgen(constructor)]
    pub fn new(job: FileJobJs, hashing: HashingJs) -> Result<FileReading, JsValue> {
        let job = from_js(job.into(), "a file's job")?;
        Ok(FileReading {
            inner: crate::read::FileReading::new(&job, hashing.into()),
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

    /// The file's SHA-256 (hex), where the page hashes it: before `finish`.
    #[wasm_bindgen(js_name = giveDigest)]
    pub fn give_digest(&mut self, sha256: String) -> Result<(), JsValue> {
        self.inner.give_digest(sha256).into_js()
    }

    /// The file's index, for `FirstPass.addFile`.
    pub fn finish(self) -> Result<FileIndexJs, JsValue> {
        let read = self.inner.finish().into_js()?;
        Ok(JsValue::from(to_json(&read)?).unchecked_into())
    }
}

/// Who hashes a file read: this wasm as its bytes pass, or the page on a worker of its own.
#[wasm_bindgen(js_name = Hashing)]
#[derive(Clone, Copy)]
pub enum HashingJs {
    Here,
    Elsewhere,
}

impl From<HashingJs> for Hashing {
    fn from(hashing: HashingJs) -> Self {
        match hashing {
            HashingJs::Here => Hashing::Here,
            HashingJs::Elsewhere => Hashing::Elsewhere,
        }
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
        let run = self.inner.start(plan.mix, settings).into_js()?;
        Ok(Run {
            state: RunState::Running {
                tallies: run.output_tallies(Hashing::Elsewhere),
                run: Box::new(run),
                held: HeldBytes::default(),
            },
        })
    }
}

/// A run under way: tasks out to the pool, results back in any order, lines out in order.
///
/// The lines' bytes never enter this wasm memory: `complete` keeps each result's byte arrays
/// aside, the core sees only the lines' lengths, and each `Ready` hands the same arrays back.
/// The page hashes the files itself, and gives their digests to `manifest` once the outcome is
/// shown.
#[wasm_bindgen]
pub struct Run {
    state: RunState,
}

enum RunState {
    Running {
        run: Box<run::MixRun>,
        /// The output files' tallies, fed with the lines `complete` gives out.
        tallies: OutputTallies,
        held: HeldBytes,
    },
    /// Finished: the written files' rows, until `writtenRows` takes them, and the outcome
    /// until the checksums complete its manifest.
    Finished {
        rows: Option<MixRows>,
        awaiting: Option<Box<(run::Outcome, run::ManifestDraft)>>,
    },
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

    /// What the pool does next: `{task}` to process, `"wait"` for a result to come back
    /// first, or `"done"`.
    #[wasm_bindgen(js_name = whatNext)]
    pub fn what_next(&mut self) -> Result<NextJs, JsValue> {
        let (run, _, _) = self.running()?;
        Ok(to_js(&run.what_next())?.unchecked_into())
    }

    /// Every pool worker holds the RAFT corpus of the last `{share}` step.
    pub fn shared(&mut self) -> Result<(), JsValue> {
        self.running()?.0.shared().into_js()
    }

    /// Takes a pool worker's result back; returns the tasks now complete in order. The result's
    /// byte arrays move into the `Ready` lines as they are (they are not copied).
    pub fn complete(&mut self, result: ChunkResultJs) -> Result<ReadyList, JsValue> {
        let result: JsChunkResult = from_js(result.into(), "a task's result")?;
        let (result, bytes) = result.into_core().into_js()?;
        let seq = result.seq;
        let (run, _, held) = self.running()?;
        let ready = run.complete(seq, Ok(result)).into_js()?;
        held.hold(seq, bytes);
        self.give_out(ready)
    }

    /// Takes a task's failure back; throws the run's error once its turn comes.
    pub fn fail(&mut self, seq: u32, error: KmixError) -> Result<ReadyList, JsValue> {
        let error = error_from_js(error.into());
        let (run, _, _) = self.running()?;
        let ready = run.complete(seq, Err(error)).into_js()?;
        self.give_out(ready)
    }

    /// The outcome, once every task is back; the run is over. Its output files and manifest
    /// come from `manifest`, once the page has the files' checksums.
    pub fn finish(&mut self) -> Result<OutcomeJs, JsValue> {
        let RunState::Running { run, tallies, .. } = std::mem::replace(
            &mut self.state,
            RunState::Finished {
                rows: None,
                awaiting: None,
            },
        ) else {
            return Err(finished());
        };
        let (mut outcome, draft) = run.finish(tallies).into_js()?;
        let shown = show(&outcome)?;
        let rows = Some(MixRows::new(std::mem::take(&mut outcome.rows)));
        let awaiting = Some(Box::new((outcome, draft)));
        self.state = RunState::Finished { rows, awaiting };
        Ok(shown)
    }

    /// The manifest (`{name, text}`), once finished: `sha256` is each file's digest (hex, in
    /// the order of `fileNames`), as the page computed it.
    pub fn manifest(&mut self, sha256: Vec<String>) -> Result<ManifestFileJs, JsValue> {
        let RunState::Finished { awaiting, .. } = &mut self.state else {
            return Err(error_to_js(crate::Error::input("the run is not finished")));
        };
        let (_, draft) = &mut **(awaiting.as_mut())
            .ok_or_else(|| error_to_js(crate::Error::input("the manifest is complete already")))?;
        // Given before the draft is taken: a wrong list can be mended.
        draft.give_digests(sha256).into_js()?;
        let (mut outcome, draft) = *awaiting.take().expect("checked above");
        draft.complete(&mut outcome).into_js()?;
        Ok(to_js(&outcome.manifest_file())?.unchecked_into())
    }

    /// The written files' rows, to look through, once the run is finished.
    #[wasm_bindgen(js_name = writtenRows)]
    pub fn written_rows(&mut self) -> Option<MixRows> {
        match &mut self.state {
            RunState::Finished { rows, .. } => rows.take(),
            RunState::Running { .. } => None,
        }
    }
}

/// The outcome as JS sees it: its files to write after the lines' files, in order, beside it.
#[derive(serde::Serialize)]
struct OutcomeShown<'a> {
    #[serde(flatten)]
    outcome: &'a run::Outcome,
    files_after_lines: Vec<run::TextToWrite<'a>>,
}

/// The outcome as JS sees it.
fn show(outcome: &run::Outcome) -> Result<OutcomeJs, JsValue> {
    let shown = OutcomeShown {
        files_after_lines: outcome.files_after_lines(),
        outcome,
    };
    Ok(to_js(&shown)?.unchecked_into())
}

impl Run {
    /// Tallies the tasks now complete, and gives each its lines' bytes back, in its files.
    fn give_out(&mut self, ready: Vec<run::Ready>) -> Result<ReadyList, JsValue> {
        let (run, tallies, held) = self.running()?;
        let shown: Vec<JsReady> = (ready.into_iter())
            .map(|r| {
                tallies.add(&r.lines);
                let files = run.files_of(r.seq);
                held.give_out(r, files)
            })
            .collect();
        Ok(to_js(&shown)?.unchecked_into())
    }

    fn run(&self) -> Result<&run::MixRun, JsValue> {
        match &self.state {
            RunState::Running { run, .. } => Ok(run),
            RunState::Finished { .. } => Err(finished()),
        }
    }

    fn running(
        &mut self,
    ) -> Result<(&mut run::MixRun, &mut OutputTallies, &mut HeldBytes), JsValue> {
        match &mut self.state {
            RunState::Running { run, tallies, held } => Ok((run, tallies, held)),
            RunState::Finished { .. } => Err(finished()),
        }
    }
}

fn finished() -> JsValue {
    error_to_js(crate::Error::input("the run is over"))
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
        raft: bool,
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
                raft: d.is_raft_rows(),
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
    holdout: Option<HeldOut>,
    /// The RAFT corpus of the run under way, once it hands it out.
    corpus: Option<RaftCorpus>,
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
            holdout: None,
            corpus: None,
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

    /// Asks knowledge rows again over the RAFT corpus built from this `CorpusShare` (a run's
    /// `{share}` next step) from now on.
    #[wasm_bindgen(js_name = setCorpus)]
    pub fn set_corpus(&mut self, share: JsValue) -> Result<(), JsValue> {
        self.corpus = Some(RaftCorpus::new(from_js(share, "the RAFT corpus")?));
        Ok(())
    }

    /// Checks rows against these held-out files (`[{path, bytes}]`; none: no check) from now
    /// on; returns the set's `HeldOutInfo`, or null.
    #[wasm_bindgen(js_name = setHoldout)]
    pub fn set_holdout(&mut self, files: JsValue) -> Result<JsValue, JsValue> {
        #[derive(serde::Deserialize)]
        struct HeldFile {
            path: String,
            #[serde(with = "serde_bytes")]
            bytes: Vec<u8>,
        }
        let files: Vec<HeldFile> = from_js(files, "the held-out files")?;
        let mut held = HeldOut::default();
        for f in &files {
            held.add_file(&f.path, &f.bytes).into_js()?;
        }
        self.holdout = (!files.is_empty()).then_some(held);
        to_js(&self.holdout.as_ref().map(HeldOut::info))
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
    /// array of ArrayBuffers, which loses those it gives) where one is large enough.
    pub fn process(
        &mut self,
        task: ChunkTaskJs,
        spares: js_sys::Array,
    ) -> Result<ChunkResultJs, JsValue> {
        let task: run::ChunkTask = from_js(task.into(), "a task")?;
        let sources: Vec<&dyn ByteSource> = self.files.iter().map(|s| s as _).collect();
        let cache = std::mem::take(&mut self.cache);
        let mut rereader = Rereader::with_cache(&self.inputs, &sources, cache).into_js()?;
        let result = process_chunk(
            &task,
            &mut rereader,
            self.tokenizer.as_ref(),
            self.holdout.as_ref(),
            self.corpus.as_ref(),
        );
        self.cache = rereader.into_cache();
        let result = result.into_js()?;
        Ok(to_js(&JsChunkResult::from_core(result, &spares))?.unchecked_into())
    }
}

impl Default for Processor {
    fn default() -> Self {
        Processor::new()
    }
}
