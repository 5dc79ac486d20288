"""kmix as a Kubeflow Pipelines step (``pip install 'kmix[pipeline]'``): in the knowledge-tuning
example's ``pipeline.py``, replace ``from components.knowledge_mixing import knowledge_mixing`` with
``from kmix.pipeline import knowledge_mixing``; nothing else changes.

``knowledge_mixing`` has the reference component's interface and defaults (``datasets_path``,
``tokenizer_model_name``, ``cut_size``, ``qa_per_doc``, ``save_gpt_oss_format``; outputs
``output_path`` with every ``combined_cut_{N}x.jsonl`` and ``manifest.json``, ``dataset_file`` with
the largest feasible cut, and the returned path of that cut), and raises when no cut is feasible.
It adds two outputs the pipeline's UI shows: ``metrics`` (rows and tokens per cut and kind) and
``report`` (Markdown).

The step installs kmix in its container with pip: ``kmix[pipeline]``, this kmix's version, unless
``KMIX_PIP_SPEC`` says otherwise (a wheel's URL or path, another version) when this module is
imported, from ``KMIX_PIP_INDEX_URL`` (comma-separated, the first the index) if set. ``component(...)``
makes the step with other values, or another base image.
"""
import os

from kfp import dsl
from kfp.dsl import Artifact, Dataset, Input, Markdown, Metrics, Output

from . import __version__

# The reference component's image: already pulled where that pipeline runs, glibc 2.34 (the wheel's floor).
BASE_IMAGE = "quay.io/opendatahub/odh-training-th04-cpu-torch29-py312-rhel9:cpu-3.3"


def component(package=None, pip_index_urls=None, base_image=BASE_IMAGE):
    """The step, installing ``package`` (a pip requirement; default ``$KMIX_PIP_SPEC``, else this
    kmix's version with its pipeline extra) from ``pip_index_urls`` (default ``$KMIX_PIP_INDEX_URL``,
    comma-separated) in ``base_image``."""
    package = package or os.environ.get("KMIX_PIP_SPEC") or f"kmix[pipeline]=={__version__}"
    if pip_index_urls is None and os.environ.get("KMIX_PIP_INDEX_URL"):
        pip_index_urls = [u.strip() for u in os.environ["KMIX_PIP_INDEX_URL"].split(",") if u.strip()]
    return dsl.component(_step(), base_image=base_image, packages_to_install=[package],
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
