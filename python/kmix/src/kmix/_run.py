"""``kmix.mix`` and ``kmix.plan``: a notebook's keywords as the command line's flags, the run in
Rust (without the GIL), and its outcome as Python values."""
import json
import os
import pathlib
from dataclasses import dataclass, field

from . import _dotenv, _native
from ._errors import from_native


@dataclass
class MixResult:
    """What a run made. ``report``: per cut (``report["cuts"]``: rows and tokens, per kind) and
    the blends (``report["blends"]``); ``manifest``: manifest.json as a dict (None on a plan);
    ``files``: the paths written, mixes first, the manifest last; ``feasibility``: each cut asked
    for, feasible or why not; ``settings``: those taken from the environment or ``.env``, and from
    which; ``text``: the report as the command line prints it; ``notes``: what the run said."""

    report: dict
    manifest: "dict | None"
    files: "list[pathlib.Path]"
    feasibility: "list[dict]"
    settings: "list[dict]"
    text: str
    notes: "list[str]" = field(default_factory=list)

    def __str__(self):
        return self.text

    def _repr_markdown_(self):
        return "```\n" + self.text + "```\n"


def mix(inputs=None, out=None, *, cuts=None, qa_per_doc=None, seed=None, tokenizer=None, gpt_oss=None,
        leave_out=None, dedupe=None, holdout=None, drop_contaminated=False, date=None, add=None, recipe=None, budget=None, share=None, max_seq_len=None,
        trainer_count=None, drop_over_length=False, raft=None, raft_passages=None, raft_p_oracle=None,
        skip_bad_rows=False, max_row_mb=None, threads=None, dry_run=False, progress=True, env_file=".env"):
    """Mixes ``inputs`` (a folder or file, or a list of them; by default the experiment folder,
    ``$OUTPUT_DATA_FOLDER`` or ``generated_output_data``) into ``out`` (by default
    ``training_mix``, or the experiment folder's ``training_mix/``), as ``kmix`` on the command
    line does with the same flags. See the module's documentation for each keyword."""
    flags = _flags(inputs, out, cuts=cuts, qa_per_doc=qa_per_doc, seed=seed, tokenizer=tokenizer,
                   gpt_oss=gpt_oss, leave_out=leave_out, dedupe=dedupe, holdout=holdout,
                   drop_contaminated=drop_contaminated, date=date, add=add, recipe=recipe, budget=budget,
                   share=share, max_seq_len=max_seq_len, trainer_count=trainer_count,
                   drop_over_length=drop_over_length, raft=raft, raft_passages=raft_passages,
                   raft_p_oracle=raft_p_oracle, skip_bad_rows=skip_bad_rows, max_row_mb=max_row_mb, threads=threads,
                   dry_run=dry_run)
    return result(native_call(_native.mix, flags, env_file, progress))


def native_call(function, flags, env_file, progress):
    """``function`` of ``kmix._native`` with the command line ``kmix FLAGS…``, the ``.env`` file
    loaded, and the progress bar shown; its JSON, or its error raised as a ``KmixError``."""
    dotenv = _dotenv.load(env_file) if env_file else []
    tell, bar = _progress(progress)
    try:
        return json.loads(function(["kmix", *flags], dotenv, tell))
    except _native.NativeError as e:
        raise from_native(e) from None
    finally:
        if bar is not None:
            bar.close()


def plan(inputs=None, **keywords):
    """Feasibility, rows and tokens per cut and kind, without writing anything: ``mix`` with
    ``dry_run=True``. Raises ``ParametersError`` (naming each cut's reason) when no cut is feasible."""
    keywords.pop("out", None)
    return mix(inputs, dry_run=True, **keywords)


def _flags(inputs, out, **k):
    paths = [] if inputs is None else [inputs] if isinstance(inputs, (str, os.PathLike)) else list(inputs)
    flags = [os.fspath(p) for p in paths]
    if out is not None:
        flags += ["--out", os.fspath(out)]
    if k["cuts"] is not None:
        cuts = k["cuts"]
        flags += ["--cuts", cuts if isinstance(cuts, str) else ",".join(str(c) for c in _listed(cuts))]
    for name in ("qa_per_doc", "seed", "date", "budget", "share", "max_seq_len", "trainer_count", "raft",
                 "raft_passages", "raft_p_oracle", "max_row_mb", "threads"):
        if k[name] is not None:
            flags += [f"--{name.replace('_', '-')}", str(k[name])]
    if k["tokenizer"] is not None:
        flags += ["--tokenizer", os.fspath(k["tokenizer"])]
    if k["recipe"] is not None:
        flags += ["--recipe", os.fspath(k["recipe"])]
    if k["leave_out"]:
        flags += ["--leave-out", ",".join(_listed(k["leave_out"]))]
    flags += [f for item in _added(k["add"]) for f in ("--add", item)]
    holdout = k["holdout"]
    holdout = [] if holdout is None else [holdout] if isinstance(holdout, (str, os.PathLike)) else holdout
    flags += [f for path in holdout for f in ("--holdout", os.fspath(path))]
    if k["dedupe"]:
        flags.append("--dedupe" if k["dedupe"] is True else f"--dedupe={k['dedupe']}")
    if k["gpt_oss"] is not None:
        flags.append("--gpt-oss" if k["gpt_oss"] else "--no-gpt-oss")
    for name in ("drop_over_length", "drop_contaminated", "skip_bad_rows", "dry_run"):
        if k[name]:
            flags.append(f"--{name.replace('_', '-')}")
    return flags + ["--quiet"]


def _listed(value):
    return [value] if isinstance(value, (str, int)) else list(value)


def _added(add):
    """``--add`` values: from ``{path: size or None}``, or a list of paths and ``path=size``."""
    if not add:
        return []
    if isinstance(add, dict):
        return [os.fspath(p) if size is None else f"{os.fspath(p)}={size}" for p, size in add.items()]
    return [os.fspath(a) for a in _listed(add)]


def _progress(progress):
    """The callable the run tells (rows done, rows in all), and the bar to close after."""
    if callable(progress):
        return progress, None
    if not progress:
        return None, None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None, None
    bar = tqdm(total=0, unit=" rows", desc="kmix: counting tokens", leave=False)

    def tell(done, total):
        if total and bar.total != total:
            bar.total = total
        bar.update(done - bar.n)

    return tell, bar


def result(shown):
    outcome = shown["outcome"]
    manifest = outcome.get("manifest")
    return MixResult(
        report={"cuts": outcome["reports"], "blends": outcome["blends"], "text": outcome["text"]},
        manifest=json.loads(manifest) if manifest else None,
        files=[pathlib.Path(p) for p in shown["written"]],
        feasibility=outcome["mix"]["cuts"],
        settings=shown["settings"],
        text=outcome["text"],
        notes=shown["notes"],
    )
