"""The installed kmix wheel (tools/test-wheel.sh installs it alone into a fresh venv and runs
this): ``kmix`` on the PATH and ``kmix.mix`` write the native binary's bytes; errors arrive typed;
``.env`` and ``OUTPUT_DATA_FOLDER`` behave as the notebook's; Ctrl-C stops a run with nothing
written; the GIL is free while it works. ``KMIX_REPO``: the repository (its tools, tokenizers and
native binary, ``KMIX_NATIVE``)."""
import importlib.util
import json
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import kmix

REPO = pathlib.Path(os.environ["KMIX_REPO"])
NATIVE = os.environ["KMIX_NATIVE"]
LLAMA = REPO / "vendor-tokenizers" / "llama3_1"
SCRIPT = pathlib.Path(sys.executable).parent / "kmix"
NOTEBOOK_VARS = ("TOKENIZER_MODEL_NAME", "STUDENT_MODEL", "SAVE_GPT_OSS_FORMAT", "CUT_SIZES", "QA_PER_DOC",
                 "OUTPUT_DATA_FOLDER")


def generate(folder, *args):
    subprocess.run([sys.executable, REPO / "tools" / "gen_step03.py", "--out", folder, *args], check=True,
                   stdout=subprocess.DEVNULL)


def listing(folder):
    """Every file under ``folder`` (relative path -> bytes), temporary ones included."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


class Folder(unittest.TestCase):
    """Each test in a fresh working folder holding ``gen/`` (a small generated input), with none
    of the notebook's variables set."""

    @classmethod
    def setUpClass(cls):
        cls.shared = pathlib.Path(tempfile.mkdtemp())
        generate(cls.shared / "gen", "--raw-docs", "3", "--summaries-per-raw", "4")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.shared)

    def setUp(self):
        self.dir = pathlib.Path(tempfile.mkdtemp())
        shutil.copytree(self.shared / "gen", self.dir / "gen")
        self.cwd = os.getcwd()
        os.chdir(self.dir)
        self.saved = {k: os.environ.pop(k) for k in NOTEBOOK_VARS if k in os.environ}

    def tearDown(self):
        os.chdir(self.cwd)
        for k in NOTEBOOK_VARS:
            os.environ.pop(k, None)
        os.environ.update(self.saved)
        shutil.rmtree(self.dir)

    def native(self, *flags):
        """The native binary's files for ``flags``."""
        out = self.dir / "native-out"
        subprocess.run([NATIVE, *flags, "--out", out, "--quiet"], check=True, capture_output=True)
        return listing(out)


class SameBytes(Folder):
    def test_the_console_script_is_the_command_line(self):
        flags = ["gen", "--cuts", "2,3", "--tokenizer", str(LLAMA), "--date", "2024-07-26"]
        run = subprocess.run([SCRIPT, *flags, "--out", "script-out"], capture_output=True, text=True)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertIn("cut 2x -> combined_cut_2x.jsonl", run.stdout)
        self.assertIn("kmix: wrote script-out/manifest.json", run.stderr)
        self.assertEqual(listing(self.dir / "script-out"), self.native(*flags))
        bad = subprocess.run([SCRIPT, "gen", "--cuts", "0"], capture_output=True, text=True)
        self.assertEqual((bad.returncode, bad.stderr.strip()),
                         (1, "kmix: error: field `cuts`: a cut size of 0 selects nothing: use 1 or more"))
        self.assertEqual(subprocess.run([SCRIPT, "--version"], capture_output=True, text=True).stdout,
                         f"kmix {kmix.__version__}\n")

    def test_mix_writes_the_command_lines_bytes_and_says_what_it_made(self):
        seen = []
        result = kmix.mix("gen", out="py-out", cuts=[3, 2], qa_per_doc=2, tokenizer=LLAMA, date="2024-07-26",
                          progress=lambda done, total: seen.append((done, total)))
        self.assertEqual(listing(self.dir / "py-out"),
                         self.native("gen", "--cuts", "2,3", "--qa-per-doc", "2", "--tokenizer", str(LLAMA),
                                     "--date", "2024-07-26"))
        self.assertEqual([p.name for p in result.files],
                         ["combined_cut_2x.jsonl", "combined_cut_3x.jsonl", "manifest.json"])
        self.assertTrue(all(p.is_file() for p in result.files))
        cut = result.report["cuts"][0]
        self.assertEqual((cut["cut"], cut["file_name"]), (2, "combined_cut_2x.jsonl"))
        self.assertEqual(cut["tokens"], sum(k["tokens"] for k in cut["kinds"]))
        self.assertEqual(result.manifest["mix"]["params"]["cuts"], [2, 3])
        self.assertIn("tokens counted with llama3_1", str(result))
        self.assertEqual(seen[-1][0], seen[-1][1], "the last progress is the whole run")
        self.assertGreater(seen[-1][1], 0)

    def test_the_training_ready_keywords_are_the_command_lines_flags(self):
        held = self.dir / "held.jsonl"
        first = json.loads((self.dir / "gen" / "key_facts_to_qa" / "gen_00.jsonl").read_text().splitlines()[0])
        held.write_text(json.dumps({"question": first["question"]}) + "\n")
        result = kmix.mix("gen", out="py-out", cuts=2, tokenizer=LLAMA, date="2024-07-26", dedupe="questions",
                          holdout=held, drop_contaminated=True, max_seq_len=4096, trainer_count="template",
                          raft="retrieved", raft_passages=3, raft_p_oracle=0.8, progress=False)
        self.assertEqual(listing(self.dir / "py-out"),
                         self.native("gen", "--cuts", "2", "--tokenizer", str(LLAMA), "--date", "2024-07-26",
                                     "--dedupe=questions", "--holdout", str(held), "--drop-contaminated",
                                     "--max-seq-len", "4096", "--trainer-count", "template", "--raft", "retrieved",
                                     "--raft-passages", "3", "--raft-p-oracle", "0.8"))
        self.assertIn("raft_cut_2x.jsonl", [p.name for p in result.files])
        self.assertEqual(result.manifest["raft"]["params"], {"style": "retrieved", "passages": 3, "p_oracle": 0.8})
        self.assertTrue(result.manifest["held_out"]["dropped"])
        with self.assertRaises(kmix.ParametersError):
            kmix.mix("gen", out="bad-out", cuts=2, raft="bm25", progress=False)

    def test_the_notebooks_cut_sizes_text_and_a_plan_that_writes_nothing(self):
        planned = kmix.plan("gen", cuts="2, 500", progress=False)
        self.assertEqual(planned.files, [])
        self.assertIsNone(planned.manifest)
        self.assertEqual([c["feasible"] for c in planned.feasibility], [True, False])
        self.assertIn("fewer than 500", planned.feasibility[1]["reason"])
        self.assertEqual(sorted(os.listdir(self.dir)), ["gen"])


class Errors(Folder):
    def test_each_kind_of_problem_is_its_own_exception_naming_where(self):
        with self.assertRaises(kmix.ParametersError) as no_cut:
            kmix.mix("gen", cuts=[500], progress=False)
        self.assertEqual((no_cut.exception.kind, no_cut.exception.field), ("parameters", "cuts"))
        self.assertIn("no cut is feasible", no_cut.exception.message)
        self.assertIsInstance(no_cut.exception, ValueError)
        bad = self.dir / "gen" / "extractive_summary" / "gen_00.jsonl"
        lines = bad.read_text().splitlines(keepends=True)
        bad.write_text(lines[0] + "{not json\n" + "".join(lines[1:]))
        with self.assertRaises(kmix.InputError) as bad_row:
            kmix.mix("gen", cuts=2, progress=False)
        e = bad_row.exception
        self.assertEqual((e.file, e.line), ("extractive_summary/gen_00.jsonl", 2))
        self.assertTrue(str(e).startswith("extractive_summary/gen_00.jsonl:2"), str(e))
        with self.assertRaises(kmix.TokenizerError):
            kmix.mix("gen", cuts=2, tokenizer=self.dir / "no-such-tokenizer", progress=False)
        with self.assertRaises(kmix.IoError) as missing:
            kmix.mix("nowhere", cuts=2, progress=False)
        self.assertEqual(missing.exception.file, "nowhere")
        self.assertFalse((self.dir / "training_mix").exists(), "nothing written by a failed run")


class Notebook(Folder):
    def test_env_sets_what_is_not_set_and_the_result_says_where_from(self):
        (self.dir / ".env").write_text("# the notebook's .env\nCUT_SIZES=2,3\nQA_PER_DOC='2'\n"
                                       "export SAVE_GPT_OSS_FORMAT=false\nTOKENIZER_MODEL_NAME=\n")
        os.environ["QA_PER_DOC"] = "1"  # set before: .env never overrides it
        result = kmix.mix("gen", progress=False)
        self.assertEqual(result.manifest["mix"]["params"]["cuts"], [2, 3])
        self.assertEqual(result.manifest["mix"]["params"]["qa_per_doc"], 1)
        self.assertEqual(result.settings, [
            {"variable": "CUT_SIZES", "value": "2,3", "source": ".env"},
            {"variable": "QA_PER_DOC", "value": "1", "source": "environment"},
            {"variable": "SAVE_GPT_OSS_FORMAT", "value": "false", "source": ".env"},
        ])
        self.assertEqual(os.environ["CUT_SIZES"], "2,3", "loaded as load_dotenv() loads it")
        # A keyword wins over the environment, both ways.
        os.environ["SAVE_GPT_OSS_FORMAT"] = "true"
        on = kmix.mix("gen", out="on", progress=False)
        off = kmix.mix("gen", out="off", gpt_oss=False, progress=False)
        self.assertEqual((on.manifest["mix"]["params"]["gpt_oss"], off.manifest["mix"]["params"]["gpt_oss"]),
                         (True, False))
        script = subprocess.run([SCRIPT, "gen", "--out", "again"], capture_output=True, text=True)
        self.assertIn("kmix: from the environment: CUT_SIZES=2,3 (environment), QA_PER_DOC=1 (environment)",
                      script.stderr)

    def test_a_bad_env_line_is_named(self):
        (self.dir / ".env").write_text("CUT_SIZES=2\nQA_PER_DOC=\"2\n")
        with self.assertRaises(kmix.InputError) as bad:
            kmix.mix("gen", progress=False)
        self.assertEqual((bad.exception.file, bad.exception.line, bad.exception.field), (".env", 2, "QA_PER_DOC"))

    def test_with_no_input_the_experiment_folder_is_mixed_into_its_training_mix(self):
        os.environ["OUTPUT_DATA_FOLDER"] = "gen"
        first = kmix.mix(cuts=2, progress=False)
        self.assertEqual([p.as_posix() for p in first.files], ["gen/training_mix/combined_cut_2x.jsonl",
                                                               "gen/training_mix/manifest.json"])
        # The mixes inside the experiment folder are kmix's own: never read as input.
        again = kmix.mix(cuts=2, progress=False)
        self.assertEqual(again.report, first.report)
        self.assertEqual(listing(self.dir / "gen/training_mix"), self.native("gen", "--cuts", "2"))
        shutil.move(self.dir / "gen", self.dir / "generated_output_data")
        del os.environ["OUTPUT_DATA_FOLDER"]
        self.assertEqual(kmix.plan(cuts=2, progress=False).report, first.report)


class Running(Folder):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        generate(cls.shared / "big", "--raw-docs", "1", "--summaries-per-raw", "12", "--target-mb", "40")

    def test_ctrl_c_stops_the_run_with_nothing_written(self):
        shutil.copytree(self.shared / "big", self.dir / "big")
        timer = threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT))
        timer.start()
        started = time.monotonic()
        with self.assertRaises(KeyboardInterrupt):
            kmix.mix("big", out="out", cuts=[5, 10], tokenizer=LLAMA, threads=1, progress=False)
        self.assertLess(time.monotonic() - started, 5, "stopped at once")
        self.assertEqual(sorted(os.listdir(self.dir)), ["big", "gen"], "no output folder, no temporary file")

    def test_the_gil_is_free_while_it_works(self):
        shutil.copytree(self.shared / "big", self.dir / "big")
        ticks = []
        done = threading.Event()

        def tick():
            while not done.is_set():
                ticks.append(time.monotonic())
                time.sleep(0.01)

        ticking = threading.Thread(target=tick)
        ticking.start()
        started = time.monotonic()
        try:
            kmix.mix("big", out="out", cuts=[5], tokenizer=LLAMA, progress=False)
        finally:
            done.set()
            ticking.join()
        seconds = time.monotonic() - started
        gaps = [b - a for a, b in zip(ticks, ticks[1:])]
        self.assertGreater(seconds, 0.3)
        # Held throughout, the GIL would stop the ticks for the whole run.
        self.assertLess(max(gaps), min(0.5, seconds / 2), "another Python thread ran throughout")


class Packaged(unittest.TestCase):
    """What the wheel carries for the notebook: the built page, and the Jupyter server extension
    that serves it, enabled in the environment it is installed into."""

    def test_the_page_is_inside_the_wheel_as_the_repository_builds_it(self):
        from kmix.notebook import page

        page.check_packaged()
        built = REPO / "www"
        for name in ("index.html", "pkg/kmix_bg.wasm", "tokenizers/index.json", "example.json"):
            self.assertEqual((page.PAGE / name).read_bytes(), (built / name).read_bytes(), name)
        self.assertEqual(page.served_from_folder(page.PAGE)[0], "llama3_1")

    def test_the_server_extension_is_enabled_where_kmix_is_installed(self):
        config = pathlib.Path(sys.prefix) / "etc/jupyter/jupyter_server_config.d/kmix.json"
        enabled = json.loads(config.read_text())["ServerApp"]["jpserver_extensions"]
        self.assertEqual(enabled, {"kmix.notebook.server": True})
        self.assertTrue(importlib.util.find_spec("kmix.notebook.server"))

    def test_the_widget_without_its_extra_says_what_to_install(self):
        with self.assertRaisesRegex(ModuleNotFoundError, r"needs anywidget: pip install 'kmix\[notebook\]'"):
            kmix.Kmix  # noqa: B018  (the attribute is the import)


if __name__ == "__main__":
    unittest.main()
