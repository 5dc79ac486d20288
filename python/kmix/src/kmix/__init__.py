"""kmix: the knowledge-mixing step of LLM knowledge tuning, in Rust.

``kmix.mix(inputs, out, cuts=[5, 50], qa_per_doc=3, seed=42, tokenizer=..., ...)`` writes
``combined_cut_{N}x.jsonl`` per cut and ``manifest.json``, byte for byte what ``kmix`` on the
command line writes with the same flags; ``kmix.plan(...)`` counts without writing. Both read the
working folder's ``.env`` as the notebook does (a variable already set wins), release the GIL while
they work, show a progress bar in a notebook (with ``tqdm``: ``pip install kmix[notebook]``), stop
cleanly on Ctrl-C / Interrupt (nothing half-written), and raise a ``KmixError`` subclass naming the
file, line and field of a problem.

Keywords: ``cuts`` (ints or ``"5,50"``; env CUT_SIZES), ``qa_per_doc`` (env QA_PER_DOC), ``seed``,
``tokenizer`` (a folder, a tokenizer.json, or a model id in the local Hugging Face cache; env
TOKENIZER_MODEL_NAME), ``gpt_oss`` (env SAVE_GPT_OSS_FORMAT), ``leave_out`` (paths, folders or
kinds), ``dedupe`` (True or ``"pairs"``: drop repeated Q&A pairs; ``"questions"``: repeated
questions too), ``holdout`` (held-out files: a path or a list) and ``drop_contaminated``, ``date`` (YYYY-MM-DD for templates), blending: ``add`` (``{path: size}`` or
``["path=size"]``), ``recipe``, ``budget``, ``share``, ``max_seq_len``, ``trainer_count``, ``drop_over_length``;
RAFT rows: ``raft`` (``"retrieved"`` or ``"random"``), ``raft_passages``, ``raft_p_oracle``;
``skip_bad_rows``, ``max_row_mb``, ``threads``, ``dry_run``; ``progress`` (True: a tqdm bar; a
callable of (done, total); False), ``env_file`` (``".env"``; None to read none).

``kmix.plan_parts(inputs, plan_dir, parts, **keywords)``, ``kmix.work_part(plan_dir, part)`` and
``kmix.merge_parts(plan_dir, out)`` split a run over machines (``kmix plan``, ``kmix work``,
``kmix merge`` on the command line; ``kmix.pipeline.knowledge_mixing_parallel`` in Kubeflow) and
write the same bytes as ``mix``.

``kmix.Kmix(folder, ...)`` (``pip install kmix[notebook]``) shows the kmix page in a notebook cell,
served by the Jupyter server itself, and writes the mixes it makes beside the notebook; see
``kmix.notebook``.
"""
from ._errors import (CancelledError, InputError, IoError, KmixError, ParametersError, TemplateError,
                      TokenizerError)
from ._parts import merge_parts, plan_parts, work_part
from ._run import MixResult, mix, plan



def __getattr__(name):
    # The widget needs anywidget (the notebook extra); mix and plan need nothing.
    if name == "Kmix":
        try:
            from .notebook.widget import Kmix
        except ModuleNotFoundError as e:
            if e.name != "anywidget":
                raise
            raise ModuleNotFoundError("kmix.Kmix, the notebook widget, needs anywidget: pip install 'kmix[notebook]'",
                                      name="anywidget") from None
        return Kmix
    raise AttributeError(f"module 'kmix' has no attribute {name!r}")


__all__ = ["mix", "plan", "plan_parts", "work_part", "merge_parts", "MixResult", "KmixError", "InputError", "ParametersError", "TokenizerError",
           "TemplateError", "IoError", "CancelledError"]
__version__ = "0.1.0"
