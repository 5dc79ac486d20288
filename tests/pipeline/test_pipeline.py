"""kmix's Kubeflow component on the installed wheel with its pipeline extra (tools/test-wheel.sh):
the reference component's interface; a pipeline of an upstream step that writes a generated folder
into an artifact, then kmix, compiled by kfp's compiler and run by kfp.local, its dataset the
native binary's largest cut byte for byte; the tokenizer from a folder, the Hugging Face cache or
the hub (a local stand-in for it). ``KMIX_REPO``, ``KMIX_NATIVE``: the repository and the native
binary; ``KMIX_WHEEL``: the wheel the step installs."""
import contextlib
import io
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import unittest
from typing import NamedTuple

from kfp import compiler, dsl, local
from kfp.dsl import Artifact, Dataset, Markdown, Metrics, Output

import kmix
from kmix import pipeline

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from fake_hub import FakeHub  # noqa: E402

REPO = pathlib.Path(os.environ["KMIX_REPO"])
NATIVE = os.environ["KMIX_NATIVE"]
WHEEL = os.environ["KMIX_WHEEL"]
LLAMA = REPO / "vendor-tokenizers" / "llama3_1"
MODEL = "RedHatAI/Llama-3.1-8B-Instruct"
HF_VARS = ("HF_HOME", "HF_HUB_CACHE", "HF_HUB_OFFLINE", "HF_ENDPOINT", "HF_TOKEN")


@dsl.component(base_image="python:3.11", install_kfp_package=False)
def generated_knowledge(folder: str, merged_output: Output[Artifact]):
    """Stands for the pipeline's merge step: the generated folders, as an artifact."""
    import shutil

    shutil.copytree(folder, merged_output.path, dirs_exist_ok=True)


step = pipeline.component(package=WHEEL, base_image="python:3.11")
parallel = pipeline.parallel_pipeline(package=WHEEL, base_image="python:3.11", parallelism=2)


class Outputs(NamedTuple):
    dataset: Dataset
    mixes: Artifact
    metrics: Metrics
    report: Markdown
    largest: str


@dsl.pipeline
def knowledge_tuning(folder: str, tokenizer_model_name: str, cut_size: str) -> Outputs:
    merged = generated_knowledge(folder=folder)
    mixing = step(datasets_path=merged.outputs["merged_output"], tokenizer_model_name=tokenizer_model_name,
                  cut_size=cut_size, qa_per_doc=3, save_gpt_oss_format=False)
    return Outputs(dataset=mixing.outputs["dataset_file"], mixes=mixing.outputs["output_path"],
                   metrics=mixing.outputs["metrics"], report=mixing.outputs["report"], largest=mixing.outputs["Output"])


@dsl.pipeline
def knowledge_tuning_parallel(folder: str, workspace: str, parts: int, tokenizer_model_name: str,
                              cut_size: str) -> Outputs:
    merged = generated_knowledge(folder=folder)
    mixing = parallel(datasets_path=merged.outputs["merged_output"], workspace=workspace, parts=parts,
                      tokenizer_model_name=tokenizer_model_name, cut_size=cut_size, qa_per_doc=3,
                      save_gpt_oss_format=False)
    return Outputs(dataset=mixing.outputs["dataset_file"], mixes=mixing.outputs["output_path"],
                   metrics=mixing.outputs["metrics"], report=mixing.outputs["report"], largest=mixing.outputs["Output"])


def fake_cache(hub_cache, model=MODEL, commit="0123456789abcdef0123456789abcdef01234567"):
    """A Hugging Face hub cache holding ``model``'s tokenizer files, laid out as huggingface_hub does."""
    repo = pathlib.Path(hub_cache) / ("models--" + model.replace("/", "--"))
    shutil.copytree(LLAMA, repo / "snapshots" / commit)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(commit)


def resolve(name, home, **env):
    """``findable_tokenizer(name, home)`` in a fresh process (huggingface_hub reads its variables on
    import): what it gives kmix, and the hub cache kmix then looks in."""
    code = ("import os, sys; from kmix._pipeline_run import findable_tokenizer as f; "
            "print(f(sys.argv[1], sys.argv[2])); print(os.environ.get('HF_HUB_CACHE'))")
    clean = {k: v for k, v in os.environ.items() if k not in HF_VARS}
    return subprocess.run([sys.executable, "-c", code, name, str(home)], capture_output=True, text=True,
                          env={**clean, **env})


def listing(folder):
    return {p.name: p.read_bytes() for p in sorted(pathlib.Path(folder).iterdir())}


class Interface(unittest.TestCase):
    def test_the_reference_components_inputs_and_defaults_and_outputs(self):
        spec = pipeline.knowledge_mixing.component_spec
        defaults = {name: i.default for name, i in spec.inputs.items()}
        self.assertEqual(defaults, {"datasets_path": None, "tokenizer_model_name": MODEL, "cut_size": "1,5,10",
                                    "qa_per_doc": 3, "save_gpt_oss_format": False})
        self.assertEqual(spec.inputs["datasets_path"].type, "system.Artifact@0.0.1")
        self.assertEqual({name: o.type for name, o in spec.outputs.items()},
                         {"Output": "String", "output_path": "system.Artifact@0.0.1",
                          "dataset_file": "system.Dataset@0.0.1", "metrics": "system.Metrics@0.0.1",
                          "report": "system.Markdown@0.0.1"})
        self.assertEqual(spec.name, "knowledge-mixing")

    def test_the_step_installs_this_kmix_or_the_spec_and_index_given(self):
        command = " ".join(pipeline.knowledge_mixing.component_spec.implementation.container.command)
        self.assertIn(f"'kmix[pipeline]=={kmix.__version__}'", command)
        self.assertEqual(pipeline.knowledge_mixing.component_spec.implementation.container.image, pipeline.BASE_IMAGE)
        private = pipeline.component(package="kmix==9.9", pip_index_urls=["https://pypi.example/simple"])
        command = " ".join(private.component_spec.implementation.container.command)
        self.assertIn("'kmix==9.9'", command)
        self.assertIn("--index-url https://pypi.example/simple", command)


class Generated(unittest.TestCase):
    """A generated folder (3 raw documents), kfp.local set up, and the native binary's mixes of it."""

    @classmethod
    def setUpClass(cls):
        cls.dir = pathlib.Path(tempfile.mkdtemp())
        subprocess.run([sys.executable, REPO / "tools" / "gen_step03.py", "--out", cls.dir / "generated",
                        "--raw-docs", "3", "--summaries-per-raw", "12"], check=True, stdout=subprocess.DEVNULL)
        local.init(runner=local.SubprocessRunner(use_venv=False), pipeline_root=str(cls.dir / "root"))
        cls.saved = {k: os.environ.pop(k) for k in HF_VARS if k in os.environ}

    @classmethod
    def tearDownClass(cls):
        os.environ.update(cls.saved)
        shutil.rmtree(cls.dir)

    def native(self, folder, cuts):
        out = self.dir / "native"
        shutil.rmtree(out, ignore_errors=True)
        subprocess.run([NATIVE, folder, "--cuts", cuts, "--qa-per-doc", "3", "--tokenizer", LLAMA, "--out", out,
                        "--quiet"], check=True, capture_output=True)
        return out

class Pipeline(Generated):
    def run_pipeline(self, tokenizer, cut_size):
        log = io.StringIO()
        with contextlib.redirect_stdout(log):
            try:
                return knowledge_tuning(folder=str(self.dir / "generated"), tokenizer_model_name=tokenizer,
                                        cut_size=cut_size).outputs, log.getvalue()
            except RuntimeError as e:
                return e, log.getvalue()

    def test_it_compiles_and_runs_and_its_dataset_is_the_clis_largest_cut(self):
        compiler.Compiler().compile(knowledge_tuning, package_path=str(self.dir / "pipeline.yaml"))
        self.assertIn("knowledge-mixing", (self.dir / "pipeline.yaml").read_text())
        outputs, log = self.run_pipeline(str(LLAMA), "1,5,10,500")
        self.assertNotIsInstance(outputs, Exception, log)
        mixes = pathlib.Path(outputs["mixes"].path)
        native = self.native(self.dir / "generated", "1,5,10,500")
        for name in ("combined_cut_1x.jsonl", "combined_cut_5x.jsonl", "combined_cut_10x.jsonl"):
            self.assertEqual((mixes / name).read_bytes(), (native / name).read_bytes(), name)
        self.assertEqual(pathlib.Path(outputs["dataset"].path).read_bytes(),
                         (native / "combined_cut_10x.jsonl").read_bytes())
        self.assertEqual(outputs["largest"], str(mixes / "combined_cut_10x.jsonl"))
        self.assertEqual(json.loads((mixes / "manifest.json").read_text())["mix"]["params"]["cuts"], [1, 5, 10, 500])
        self.assertEqual(outputs["metrics"].metadata["cut_10x_rows"], (native / "combined_cut_10x.jsonl").read_bytes().count(b"\n"))
        self.assertGreater(outputs["metrics"].metadata["cut_10x_tokens"], 0)
        self.assertIn("cut_1x_extractive_summary_tokens", outputs["metrics"].metadata)
        report = pathlib.Path(outputs["report"].path).read_text()
        self.assertIn("| 10 | `combined_cut_10x.jsonl` |", report)
        self.assertIn("- 500: ", report)

    def test_no_feasible_cut_fails_the_step_saying_why(self):
        failed, log = self.run_pipeline(str(LLAMA), "500")
        self.assertIsInstance(failed, RuntimeError)
        self.assertIn("ParametersError", log)
        self.assertIn("fewer than 500", log)

    def run_with(self, tokenizer, **env):
        os.environ.update(env)
        try:
            return self.run_pipeline(tokenizer, "5")
        finally:
            for k in env:
                os.environ.pop(k)

    def assert_mixed_with_the_model(self, outputs, log):
        self.assertNotIsInstance(outputs, Exception, log)
        self.assertEqual(pathlib.Path(outputs["dataset"].path).read_bytes(),
                         (self.native(self.dir / "generated", "5") / "combined_cut_5x.jsonl").read_bytes())
        self.assertIn(f"tokens counted with {MODEL}", pathlib.Path(outputs["report"].path).read_text())

    def test_a_model_id_from_the_cache_the_environment_has(self):
        fake_cache(self.dir / "hub")
        outputs, log = self.run_with(MODEL, HF_HUB_CACHE=str(self.dir / "hub"), HF_HUB_OFFLINE="1")
        self.assert_mixed_with_the_model(outputs, log)
        self.assertFalse((pathlib.Path(outputs["mixes"].path) / "tokenizer_model").exists())

    def test_a_model_id_from_the_hub_into_the_steps_hf_home(self):
        with FakeHub({MODEL: LLAMA}, extra_files=["model-00001-of-00004.safetensors"]) as hub:
            outputs, log = self.run_with(MODEL, HF_ENDPOINT=hub.url)
        self.assert_mixed_with_the_model(outputs, log)
        self.assertTrue((pathlib.Path(outputs["mixes"].path) / "tokenizer_model" / "hub").is_dir())


class Parallel(Generated):
    """The parallel pipeline: a plan step, the parts in a ParallelFor, a merge. It compiles; its
    components' functions run as the pipeline runs them, the parts at once: kfp.local 2.17 finds a
    ParallelFor's items among the outer pipeline's inputs only, and, given them there, hands the
    loop's item to the step in place of its other arguments (tried: `plan_dir` came as 0.0)."""

    def test_its_interface_is_the_single_steps_with_a_workspace_and_parts(self):
        spec = pipeline.knowledge_mixing_parallel.component_spec
        single = pipeline.knowledge_mixing.component_spec
        self.assertEqual(set(spec.inputs), set(single.inputs) | {"workspace", "parts"})
        self.assertEqual({n: o.type for n, o in spec.outputs.items()}, {n: o.type for n, o in single.outputs.items()})

    def test_it_compiles_with_a_parallel_for_and_retried_parts(self):
        path = self.dir / "parallel.yaml"
        compiler.Compiler().compile(knowledge_tuning_parallel, package_path=str(path))
        compiled = path.read_text()
        for expected in ("parallelismLimit: 2", "retryPolicy:", "maxRetryCount: 3", "knowledge-mixing-plan",
                         "knowledge-mixing-part", "knowledge-mixing-merge"):
            self.assertIn(expected, compiled)

    def test_its_three_components_run_with_the_parts_at_once_and_write_the_single_steps_bytes(self):
        # kfp.local (2.17) runs a ParallelFor, but not one inside a pipeline used as a component (its
        # items, a task's output, are looked up as the outer pipeline's inputs): the test runs the
        # compiled components' functions as the pipeline would, the parts at once.
        made = pipeline.parallel_components(package=WHEEL, base_image="python:3.11")
        d = self.dir / "steps"
        (d / "out").mkdir(parents=True)
        plan_dir, parts = made["plan"].python_func(
            datasets_path=artifact(Artifact, self.dir / "generated"), workspace=str(d / "workspace"), parts=3,
            tokenizer_model_name=str(LLAMA), cut_size="1,5,10,500", qa_per_doc=3, save_gpt_oss_format=False)
        self.assertEqual(parts, [0, 1, 2])
        code = "import sys; from kmix.pipeline import parallel_components as c; print(c()['work'].python_func(sys.argv[1], int(sys.argv[2])))"
        running = [subprocess.Popen([sys.executable, "-c", code, plan_dir, str(i)], stdout=subprocess.PIPE, text=True)
                   for i in reversed(parts)]
        done = [p.communicate()[0].strip().split("\n")[-1] for p in running]
        self.assertEqual([p.returncode for p in running], [0, 0, 0])
        mixes, dataset = artifact(Artifact, d / "out" / "mixes"), artifact(Dataset, d / "out" / "dataset.jsonl")
        metrics = artifact(Metrics, d / "out" / "metrics.json")
        largest = made["merge"].python_func(plan_dir=plan_dir, parts_done=done, output_path=mixes, dataset_file=dataset,
                                            metrics=metrics, report=artifact(Markdown, d / "out" / "report.md"),
                                            tokenizer_model_name=str(LLAMA))
        native = self.native(self.dir / "generated", "1,5,10,500")
        for name in ("combined_cut_1x.jsonl", "combined_cut_5x.jsonl", "combined_cut_10x.jsonl", "manifest.json"):
            self.assertEqual((pathlib.Path(mixes.path) / name).read_bytes(), (native / name).read_bytes(), name)
        self.assertEqual(pathlib.Path(dataset.path).read_bytes(), (native / "combined_cut_10x.jsonl").read_bytes())
        self.assertEqual(largest, str(pathlib.Path(mixes.path) / "combined_cut_10x.jsonl"))
        self.assertIn("cut_10x_tokens", metrics.metadata)
        self.assertEqual(sorted(pathlib.Path(p).name for p in done), ["part-0000.kmix", "part-0001.kmix", "part-0002.kmix"])


def artifact(kind, path):
    """An artifact of ``kind`` at ``path``, as a step's function receives it."""
    made = kind(name=pathlib.Path(path).name)
    made.path = str(path)
    return made


class Steps(unittest.TestCase):
    """kmix.plan_parts, work_part and merge_parts: the parts worked at once, in processes of their
    own, merge into kmix.mix's bytes."""

    def test_parts_worked_at_once_merge_into_the_mixs_bytes(self):
        with tempfile.TemporaryDirectory() as d:
            d = pathlib.Path(d)
            subprocess.run([sys.executable, REPO / "tools" / "gen_step03.py", "--out", d / "gen", "--raw-docs", "4"],
                           check=True, stdout=subprocess.DEVNULL)
            plain = kmix.mix(d / "gen", d / "plain", cuts="2,5", tokenizer=LLAMA, progress=False, env_file=None)
            planned = kmix.plan_parts(d / "gen", d / "plan", 4, cuts="2,5", tokenizer=LLAMA, progress=False,
                                      env_file=None)
            self.assertEqual(len(planned["parts"]), 4)
            code = "import sys, kmix; kmix.work_part(sys.argv[1], int(sys.argv[2]), progress=False)"
            running = [subprocess.Popen([sys.executable, "-c", code, d / "plan", str(i)]) for i in (3, 1, 0, 2)]
            self.assertEqual([p.wait() for p in running], [0, 0, 0, 0])
            merged = kmix.merge_parts(d / "plan", d / "merged", progress=False)
            self.assertEqual([p.name for p in merged.files], [p.name for p in plain.files])
            for path in plain.files:
                self.assertEqual((d / "merged" / path.name).read_bytes(), path.read_bytes(), path.name)
            with self.assertRaises(kmix.IoError) as refused:
                kmix.merge_parts(d / "elsewhere", d / "out", progress=False)
            self.assertIn("plan.json", str(refused.exception))


class Tokenizer(unittest.TestCase):
    def setUp(self):
        self.dir = pathlib.Path(tempfile.mkdtemp())

    def tearDown(self):
        shutil.rmtree(self.dir)

    def test_a_folder_is_used_as_it_is(self):
        done = resolve(str(LLAMA), self.dir / "home")
        self.assertEqual(done.stdout.split("\n")[0], str(LLAMA), done.stderr)

    def test_a_cached_id_is_read_from_the_cache(self):
        fake_cache(self.dir / "hub")
        done = resolve(MODEL, self.dir / "home", HF_HUB_CACHE=str(self.dir / "hub"), HF_HUB_OFFLINE="1")
        self.assertEqual(done.stdout.split("\n")[:2], [MODEL, str(self.dir / "hub")], done.stderr)
        self.assertFalse((self.dir / "home").exists(), "nothing fetched")

    def test_an_uncached_id_fetches_the_tokenizer_files_alone_into_the_steps_hf_home(self):
        with FakeHub({MODEL: LLAMA}, extra_files=["model-00001-of-00004.safetensors", "config.json"]) as hub:
            done = resolve(MODEL, self.dir / "home", HF_HOME=str(self.dir / "elsewhere"), HF_ENDPOINT=hub.url)
        self.assertEqual(done.stdout.split("\n")[:2], [MODEL, str(self.dir / "home" / "hub")], done.stderr)
        [folder] = (self.dir / "home" / "hub" / "models--RedHatAI--Llama-3.1-8B-Instruct" / "snapshots").iterdir()
        self.assertEqual(listing(folder), listing(LLAMA))
        self.assertEqual(hub.fetched_files(), sorted(listing(LLAMA)))

    def test_an_id_neither_cached_nor_fetchable_is_a_tokenizer_error_naming_it(self):
        done = resolve("nobody/no-such-model", self.dir / "home", HF_HUB_OFFLINE="1")
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("kmix._errors.TokenizerError: tokenizer_model_name 'nobody/no-such-model' is not in the "
                      "Hugging Face cache and could not be fetched", done.stderr)

    def test_a_missing_folder_is_a_tokenizer_error_naming_it(self):
        done = resolve("/no/such/tokenizer", self.dir / "home")
        self.assertIn("tokenizer_model_name '/no/such/tokenizer' is neither a folder or file here nor a model id",
                      done.stderr)


if __name__ == "__main__":
    unittest.main()
