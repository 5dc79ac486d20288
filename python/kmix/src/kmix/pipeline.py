"""kmix as a Kubeflow Pipelines step (``pip install 'kmix[pipeline]'``): in the knowledge-tuning
example's ``pipeline.py``, replace ``from components.knowledge_mixing import knowledge_mixing`` with
``from kmix.pipeline import knowledge_mixing``; nothing else changes.

``knowledge_mixing`` has the reference component's interface and defaults (``datasets_path``,
``tokenizer_model_name``, ``cut_size``, ``qa_per_doc``, ``save_gpt_oss_format``; outputs
``output_path`` with every ``combined_cut_{N}x.jsonl`` and ``manifest.json``, ``dataset_file`` with
the largest feasible cut, and the returned path of that cut), and raises when no cut is feasible.
It adds two outputs the pipeline's UI shows: ``metrics`` (rows and tokens per cut and kind) and
``report`` (Markdown).

``knowledge_mixing_parallel`` is the same step spread over the pipeline's parallel steps, for
inputs one machine takes too long over: a plan step reads the inputs once and splits the run's
tasks into ``parts`` parts in a folder on the workspace volume every step mounts (``workspace``,
its mount path), a ``dsl.ParallelFor`` works the parts (``parallelism`` at once, each retried),
and a merge step writes the same files, outputs and metrics as ``knowledge_mixing``, byte for byte.
Use it as a component of the pipeline (it takes the same inputs, plus ``workspace`` and ``parts``);
``parallel_pipeline(...)`` makes it with another parallelism, retry count or image, and mounts a
PVC (``pvc_name``, with kfp-kubernetes) on every step.

The step installs kmix in its container with pip: ``kmix[pipeline]``, this kmix's version, unless
``KMIX_PIP_SPEC`` says otherwise (a wheel's URL or path, another version) when this module is
imported, from ``KMIX_PIP_INDEX_URL`` (comma-separated, the first the index) if set. ``component(...)``
makes the step with other values, or another base image.
"""
import os
from typing import List, NamedTuple

from kfp import dsl
from kfp.dsl import Artifact, Dataset, Input, Markdown, Metrics, Output

from . import __version__

# The reference component's image: already pulled where that pipeline runs, glibc 2.34 (the wheel's floor).
BASE_IMAGE = "quay.io/opendatahub/odh-training-th04-cpu-torch29-py312-rhel9:cpu-3.3"


def component(package=None, pip_index_urls=None, base_image=BASE_IMAGE, step=None):
    """The step (or another of kmix's, ``step``: a function of this module's kind), installing
    ``package`` (a pip requirement; default ``$KMIX_PIP_SPEC``, else this kmix's version with its
    pipeline extra) from ``pip_index_urls`` (default ``$KMIX_PIP_INDEX_URL``, comma-separated) in
    ``base_image``."""
    package = package or os.environ.get("KMIX_PIP_SPEC") or f"kmix[pipeline]=={__version__}"
    if pip_index_urls is None and os.environ.get("KMIX_PIP_INDEX_URL"):
        pip_index_urls = [u.strip() for u in os.environ["KMIX_PIP_INDEX_URL"].split(",") if u.strip()]
    return dsl.component(step or _step(), base_image=base_image, packages_to_install=[package],
                         pip_index_urls=pip_index_urls)


def _step():
    # Defined inside a function so that the component's name (knowledge_mixing) stays free for the
    # module's component; kfp ships this function's source alone, so it imports what it needs.
    def knowledge_mixing(
        datasets_path: Input[Artifact],
        output_path: Output[Artifact],
        dataset_file: Output[Dataset],
        metrics: Output[Metrics],
        report: Output[Markdown],
        tokenizer_model_name: str = "RedHatAI/Llama-3.1-8B-Instruct",
        cut_size: str = "1,5,10",
        qa_per_doc: int = 3,
        save_gpt_oss_format: bool = False,
    ) -> str:
        """Mixes the generated knowledge data in datasets_path into combined_cut_{N}x.jsonl training
        mixes (kmix), with exact token counts; dataset_file is the largest feasible cut."""
        from kmix._pipeline_run import run

        return run(datasets_path.path, output_path.path, dataset_file.path, metrics, report.path,
                   tokenizer_model_name, cut_size, qa_per_doc, save_gpt_oss_format)

    return knowledge_mixing


knowledge_mixing = component()


def _plan_step():
    def knowledge_mixing_plan(
        datasets_path: Input[Artifact],
        workspace: str,
        parts: int,
        tokenizer_model_name: str,
        cut_size: str,
        qa_per_doc: int,
        save_gpt_oss_format: bool,
    ) -> NamedTuple("Planned", [("plan_dir", str), ("parts", List[int])]):
        """Reads the inputs once and splits the run's tasks into parts, in a folder of the workspace."""
        from collections import namedtuple

        from kmix._pipeline_parts import plan

        plan_dir, numbers = plan(datasets_path.path, workspace, parts, tokenizer_model_name, cut_size, qa_per_doc,
                                 save_gpt_oss_format)
        return namedtuple("Planned", ["plan_dir", "parts"])(plan_dir, numbers)

    return knowledge_mixing_plan


def _work_step():
    def knowledge_mixing_part(plan_dir: str, part: int) -> str:
        """Works one part of the plan; a retry works it again, replacing it."""
        from kmix._pipeline_parts import work

        return work(plan_dir, part)

    return knowledge_mixing_part


def _merge_step():
    def knowledge_mixing_merge(
        plan_dir: str,
        parts_done: List[str],
        output_path: Output[Artifact],
        dataset_file: Output[Dataset],
        metrics: Output[Metrics],
        report: Output[Markdown],
        tokenizer_model_name: str,
    ) -> str:
        """Merges the parts into the mixes a one-machine run writes; dataset_file is the largest cut."""
        from kmix._pipeline_parts import merge

        return merge(plan_dir, output_path.path, dataset_file.path, metrics, report.path, tokenizer_model_name)

    return knowledge_mixing_merge


class Mixed(NamedTuple):
    """The single-step component's outputs."""
    output_path: Artifact
    dataset_file: Dataset
    metrics: Metrics
    report: Markdown
    Output: str


def parallel_components(package=None, pip_index_urls=None, base_image=BASE_IMAGE):
    """The parallel pipeline's steps, ``{"plan", "work", "merge"}``, as ``component`` makes them."""
    return {name: component(package, pip_index_urls, base_image, step())
            for name, step in (("plan", _plan_step), ("work", _work_step), ("merge", _merge_step))}


def parallel_pipeline(package=None, pip_index_urls=None, base_image=BASE_IMAGE, parallelism=16, retries=3,
                      pvc_name=None, mount_path="/workspace"):
    """``knowledge_mixing_parallel`` with ``parallelism`` parts worked at once, each retried
    ``retries`` times, in ``base_image`` with ``package`` (as ``component``); ``pvc_name``: a PVC
    mounted at ``mount_path`` on every step (kfp-kubernetes), else the pipeline mounts the workspace."""
    made = parallel_components(package, pip_index_urls, base_image)

    @dsl.pipeline(name="knowledge-mixing-parallel")
    def knowledge_mixing_parallel(
        datasets_path: Input[Artifact],
        workspace: str = mount_path,
        parts: int = 16,
        tokenizer_model_name: str = "RedHatAI/Llama-3.1-8B-Instruct",
        cut_size: str = "1,5,10",
        qa_per_doc: int = 3,
        save_gpt_oss_format: bool = False,
    ) -> Mixed:
        planned = made["plan"](datasets_path=datasets_path, workspace=workspace, parts=parts,
                               tokenizer_model_name=tokenizer_model_name, cut_size=cut_size, qa_per_doc=qa_per_doc,
                               save_gpt_oss_format=save_gpt_oss_format)
        with dsl.ParallelFor(planned.outputs["parts"], parallelism=parallelism) as part:
            worked = made["work"](plan_dir=planned.outputs["plan_dir"], part=part)
            worked.set_retry(num_retries=retries, backoff_duration="30s", backoff_factor=2)
        merged = made["merge"](plan_dir=planned.outputs["plan_dir"], parts_done=dsl.Collected(worked.output),
                               tokenizer_model_name=tokenizer_model_name)
        if pvc_name:
            from kfp import kubernetes

            for task in (planned, worked, merged):
                kubernetes.mount_pvc(task, pvc_name=pvc_name, mount_path=mount_path)
        return Mixed(output_path=merged.outputs["output_path"], dataset_file=merged.outputs["dataset_file"],
                     metrics=merged.outputs["metrics"], report=merged.outputs["report"], Output=merged.outputs["Output"])

    return knowledge_mixing_parallel


knowledge_mixing_parallel = parallel_pipeline()
