"""What kmix's Kubeflow component (``kmix.pipeline``) does in its container: find the tokenizer,
mix the input artifact into the output artifact, copy the largest cut to the dataset, and hand
the per-cut counts to the pipeline's UI as metrics and a Markdown report."""
import os
import pathlib
import shutil

from ._errors import TokenizerError
from ._run import mix

# What kmix reads of a model's tokenizer; a model's weights are never fetched.
TOKENIZER_FILES = ["tokenizer.json", "tokenizer_config.json", "chat_template.jinja", "chat_template.json",
                   "special_tokens_map.json"]


def run(datasets_path, output_path, dataset_file, metrics, report, tokenizer_model_name, cut_size, qa_per_doc,
        save_gpt_oss_format):
    """The component's body: ``metrics`` is the KFP Metrics artifact, ``report`` the Markdown
    one's path; returns the largest cut's path, as the reference component does."""
    out = pathlib.Path(output_path)
    tokenizer = findable_tokenizer(tokenizer_model_name, out / "tokenizer_model")
    result = mix(datasets_path, out=out, cuts=cut_size, qa_per_doc=qa_per_doc, tokenizer=tokenizer,
                 gpt_oss=save_gpt_oss_format, progress=False, env_file=None)
    return hand_on(result, out, dataset_file, metrics, report, tokenizer_model_name)


def hand_on(result, out, dataset_file, metrics, report, tokenizer_model_name):
    """A run's outputs for the pipeline: the largest cut copied to the dataset, the metrics and the
    report; returns the largest cut's path."""
    print(result.text, end="")
    cuts = result.report["cuts"]
    largest = out / max(cuts, key=lambda c: c["cut"])["file_name"]
    shutil.copyfile(largest, dataset_file)
    for name, value in cut_metrics(cuts):
        metrics.log_metric(name, value)
    pathlib.Path(report).write_text(markdown(result, tokenizer_model_name), encoding="utf-8")
    print(f"kmix: the largest cut, {largest.name}, is the dataset")
    return str(largest)


def findable_tokenizer(name, home):
    """``name`` as kmix reads it, its files where kmix looks: a local folder or file as it is; a
    model id from the Hugging Face cache the environment has (``HF_HUB_CACHE``, ``HF_HOME``), which
    kmix reads as huggingface_hub does; else the id's tokenizer files alone, fetched from the hub
    into ``home`` (made the process's ``HF_HOME``, as the reference does)."""
    if pathlib.Path(name).exists():
        return name
    from huggingface_hub import snapshot_download
    from huggingface_hub.utils import HFValidationError, LocalEntryNotFoundError
    try:
        snapshot_download(name, allow_patterns=TOKENIZER_FILES, local_files_only=True)
        return name
    except HFValidationError:
        raise TokenizerError(f"tokenizer_model_name {name!r} is neither a folder or file here nor a model id",
                             field="tokenizer_model_name") from None
    except LocalEntryNotFoundError:
        pass
    os.environ["HF_HOME"] = str(home)
    os.environ["HF_HUB_CACHE"] = str(pathlib.Path(home) / "hub")
    try:
        snapshot_download(name, allow_patterns=TOKENIZER_FILES, cache_dir=os.environ["HF_HUB_CACHE"])
        return name
    except Exception as e:  # offline, unknown, gated: huggingface_hub's classes for these vary by version
        raise TokenizerError(f"tokenizer_model_name {name!r} is not in the Hugging Face cache and could not be "
                             f"fetched from the hub ({type(e).__name__}: {e}); for a gated model, give the step "
                             "HF_TOKEN", field="tokenizer_model_name") from None


def cut_metrics(cuts):
    """(name, number) per cut and per kind in it: rows and tokens, as KFP metrics."""
    for cut in cuts:
        prefix = f"cut_{cut['cut']}x"
        yield f"{prefix}_rows", cut["samples"]
        yield f"{prefix}_tokens", cut["tokens"]
        for kind in cut["kinds"]:
            yield f"{prefix}_{kind['kind']}_rows", kind["samples"]
            yield f"{prefix}_{kind['kind']}_tokens", kind["tokens"]


def markdown(result, tokenizer_model_name):
    """The run for the pipeline's UI: a table of the cuts, the cuts left out and why, the full report."""
    lines = ["# Knowledge mixing (kmix)", "", f"Tokens counted with `{tokenizer_model_name}`.", "",
             "| cut | file | rows | tokens |", "| ---: | --- | ---: | ---: |"]
    lines += [f"| {c['cut']} | `{c['file_name']}` | {c['samples']:,} | {c['tokens']:,} |" for c in result.report["cuts"]]
    left_out = [f for f in result.feasibility if not f["feasible"]]
    if left_out:
        lines += ["", "Cuts left out:", ""] + [f"- {f['cut']}: {f['reason']}" for f in left_out]
    return "\n".join(lines + ["", "```text", result.text.rstrip("\n"), "```", ""])
