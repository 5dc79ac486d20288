"""``kmix.plan_parts``, ``kmix.work_part`` and ``kmix.merge_parts``: a run split over machines,
as ``kmix plan``, ``kmix work`` and ``kmix merge`` on the command line. The plan reads the inputs
once and splits the run's tasks into parts in a plan folder; each part is worked anywhere that
sees the inputs and the folder (a rerun replaces it); the merge writes what ``kmix.mix`` writes
with the same inputs and keywords, byte for byte."""
import inspect
import os
import pathlib

from . import _native
from ._run import _flags, mix, native_call, result

# The keywords of a mix a plan takes (the output folder and the dry run are the merge's business).
MIX_KEYWORDS = {name: p.default for name, p in inspect.signature(mix).parameters.items()
                if p.kind is p.KEYWORD_ONLY and name not in ("progress", "env_file", "dry_run")}


def plan_parts(inputs, plan_dir, parts, *, progress=True, env_file=".env", **keywords):
    """Plans a run of ``inputs`` with ``kmix.mix``'s keywords into ``plan_dir``, its tasks in
    ``parts`` parts of about equal work. Returns the plan: ``{"dir", "id", "tasks", "parts":
    [{"first", "end", "bytes", ...}]}``."""
    unknown = sorted(set(keywords) - set(MIX_KEYWORDS))
    if unknown:
        raise TypeError(f"plan_parts() got unexpected keywords: {', '.join(unknown)}")
    flags = _flags(inputs, None, **{**MIX_KEYWORDS, "dry_run": False, **keywords})
    flags += ["--parts", str(parts), "--plan", os.fspath(plan_dir)]
    return native_call(_native.step, ["plan", *flags], env_file, progress)["planned"]


def work_part(plan_dir, part, *, threads=None, progress=True):
    """Works part ``part`` of the plan in ``plan_dir``; returns the part's file (in the folder)."""
    flags = ["work", os.fspath(plan_dir), "--part", str(part), *_steps(threads)]
    return pathlib.Path(native_call(_native.step, flags, None, progress)["part_file"])


def merge_parts(plan_dir, out, *, threads=None, progress=True):
    """Merges every part of the plan in ``plan_dir`` into ``out``: a ``MixResult``, as ``kmix.mix``
    returns."""
    flags = ["merge", os.fspath(plan_dir), "--out", os.fspath(out), *_steps(threads)]
    return result(native_call(_native.step, flags, None, progress))


def _steps(threads):
    return (["--threads", str(threads)] if threads is not None else []) + ["--quiet"]
