import os
import pathlib
from typing import Callable, Iterable, Literal, Mapping, Optional, Sequence, Union

_Path = Union[str, os.PathLike]
_Progress = Union[bool, Callable[[int, int], object], None]

__version__: str

class KmixError(Exception):
    kind: str
    message: str
    file: Optional[str]
    line: Optional[int]
    column: Optional[int]
    field: Optional[str]
    context: Optional[str]

class InputError(KmixError): ...
class ParametersError(KmixError, ValueError): ...
class TokenizerError(KmixError): ...
class TemplateError(KmixError): ...
class IoError(KmixError, OSError): ...
class CancelledError(KmixError): ...

class MixResult:
    report: dict
    manifest: Optional[dict]
    files: list[pathlib.Path]
    feasibility: list[dict]
    settings: list[dict]
    text: str
    notes: list[str]

def mix(
    inputs: Union[_Path, Sequence[_Path], None] = None,
    out: Optional[_Path] = None,
    *,
    cuts: Union[str, int, Iterable[int], None] = None,
    qa_per_doc: Optional[int] = None,
    seed: Optional[int] = None,
    tokenizer: Optional[_Path] = None,
    gpt_oss: Optional[bool] = None,
    leave_out: Union[str, Iterable[str], None] = None,
    dedupe: Union[bool, Literal["pairs", "questions"], None] = None,
    holdout: Union[_Path, Sequence[_Path], None] = None,
    drop_contaminated: bool = False,
    date: Optional[str] = None,
    add: Union[Mapping[_Path, Union[str, int, float, None]], Sequence[_Path], _Path, None] = None,
    recipe: Optional[_Path] = None,
    budget: Union[str, int, None] = None,
    share: Optional[str] = None,
    max_seq_len: Optional[int] = None,
    trainer_count: Optional[Literal["unmask", "template"]] = None,
    drop_over_length: bool = False,
    raft: Optional[Literal["retrieved", "random"]] = None,
    raft_passages: Optional[int] = None,
    raft_p_oracle: Optional[float] = None,
    skip_bad_rows: bool = False,
    max_row_mb: Optional[int] = None,
    threads: Optional[int] = None,
    dry_run: bool = False,
    progress: _Progress = True,
    env_file: Optional[_Path] = ".env",
) -> MixResult: ...

def plan(
    inputs: Union[_Path, Sequence[_Path], None] = None,
    *,
    cuts: Union[str, int, Iterable[int], None] = None,
    qa_per_doc: Optional[int] = None,
    seed: Optional[int] = None,
    tokenizer: Optional[_Path] = None,
    gpt_oss: Optional[bool] = None,
    leave_out: Union[str, Iterable[str], None] = None,
    dedupe: Union[bool, Literal["pairs", "questions"], None] = None,
    holdout: Union[_Path, Sequence[_Path], None] = None,
    drop_contaminated: bool = False,
    date: Optional[str] = None,
    add: Union[Mapping[_Path, Union[str, int, float, None]], Sequence[_Path], _Path, None] = None,
    recipe: Optional[_Path] = None,
    budget: Union[str, int, None] = None,
    share: Optional[str] = None,
    max_seq_len: Optional[int] = None,
    trainer_count: Optional[Literal["unmask", "template"]] = None,
    drop_over_length: bool = False,
    raft: Optional[Literal["retrieved", "random"]] = None,
    raft_passages: Optional[int] = None,
    raft_p_oracle: Optional[float] = None,
    skip_bad_rows: bool = False,
    max_row_mb: Optional[int] = None,
    threads: Optional[int] = None,
    progress: _Progress = True,
    env_file: Optional[_Path] = ".env",
) -> MixResult: ...

class Kmix:
    """The kmix page in a notebook cell (an ``anywidget.AnyWidget``; ``pip install kmix[notebook]``)."""

    url: str
    status: str
    report: str
    written: list[str]
    timeout: float
    def __init__(
        self,
        folder: _Path,
        out: _Path = "kmix_out",
        *,
        url: Optional[str] = None,
        www: Optional[_Path] = None,
        tokenizer: Optional[_Path] = "llama3_1",
        timeout: float = 60,
        cuts: Union[str, Iterable[int], None] = None,
        qa_per_doc: Optional[int] = None,
        seed: Optional[int] = None,
        gpt_oss: Optional[bool] = None,
        date: Optional[str] = None,
        leave_out: Optional[Sequence[str]] = None,
    ) -> None: ...

def plan_parts(inputs: Union[_Path, Sequence[_Path], None], plan_dir: _Path, parts: int, *,
               progress: _Progress = True, env_file: Optional[_Path] = ".env", **keywords: object) -> dict: ...
def work_part(plan_dir: _Path, part: int, *, threads: Optional[int] = None, progress: _Progress = True) -> pathlib.Path: ...
def merge_parts(plan_dir: _Path, out: _Path, *, threads: Optional[int] = None, progress: _Progress = True) -> MixResult: ...
