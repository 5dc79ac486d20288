"""What the steps of kmix's parallel Kubeflow pipeline (``kmix.pipeline.knowledge_mixing_parallel``)
do in their containers: the plan, on the workspace volume every step mounts; a part; the merge,
whose outputs are the single-step component's."""
import os
import pathlib
import shutil
import uuid

from ._parts import merge_parts, plan_parts, work_part
from ._pipeline_run import findable_tokenizer, hand_on


def plan(datasets_path, workspace, parts, tokenizer_model_name, cut_size, qa_per_doc, save_gpt_oss_format):
    """Plans the run into a new folder of ``workspace``; returns the folder and the parts' numbers.
    The parts read the inputs where the plan found them, so an input artifact that is not on the
    workspace (a step's artifacts are its own container's files) is copied there first."""
    folder = pathlib.Path(workspace) / f"kmix-plan-{uuid.uuid4().hex[:12]}"
    folder.mkdir(parents=True)
    inputs = pathlib.Path(datasets_path).resolve()
    if not inputs.is_relative_to(pathlib.Path(workspace).resolve()):
        copied = folder / "inputs" / inputs.name
        (shutil.copytree if inputs.is_dir() else shutil.copyfile)(inputs, copied)
        inputs = copied
    tokenizer = findable_tokenizer(tokenizer_model_name, folder / "tokenizer_model")
    planned = plan_parts(inputs, folder / "plan", parts, cuts=cut_size, qa_per_doc=qa_per_doc, tokenizer=tokenizer,
                         gpt_oss=save_gpt_oss_format, progress=False, env_file=None)
    print(f"kmix: planned {planned['tasks']} tasks in {len(planned['parts'])} parts into {planned['dir']}")
    return str(folder / "plan"), list(range(len(planned["parts"])))


def work(plan_dir, part):
    """Works one part (a retry works it again, replacing it); returns its file."""
    written = work_part(plan_dir, part, progress=False)
    print(f"kmix: wrote {written}")
    return os.fspath(written)


def merge(plan_dir, output_path, dataset_file, metrics, report, tokenizer_model_name):
    """Merges the parts into ``output_path``, and hands the run on as the single-step component does."""
    result = merge_parts(plan_dir, output_path, progress=False)
    return hand_on(result, pathlib.Path(output_path), dataset_file, metrics, report, tokenizer_model_name)
