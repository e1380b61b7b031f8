"""The narrow interface through which the knowledge base hands files to an ingestion pipeline.

`kb/` never imports the pipeline: the installed one is found by its entry point (group `atkb.pipelines`, name
`default`; atkb's own is `ingest.pipeline:Pipeline`), or a pipeline is passed to `KnowledgeBase(pipeline=...)`.
The pipeline drives the knowledge base only through the facade's public surface (`settings`, `home`,
`tokenizer_model`, `batch_writer()`, `catalogue_documents()`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping, Protocol, Sequence

from ..errors import KBError
from ..models import Document, RecordOptions
from .report import IngestItem, IngestReport

if TYPE_CHECKING:
    from ..facade import KnowledgeBase

ENTRY_POINT_GROUP = "atkb.pipelines"


@dataclass
class DetectedFile:
    """What ingestion would make of a file, found without chunking, embedding or writing anything."""

    documents: list[Document] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    is_record_file: bool = False


class IngestPipeline(Protocol):
    """Reads files, web addresses and catalogue entries into the knowledge base."""

    def ingest(self, kb: "KnowledgeBase", targets: Sequence[str], *, meta_file: str | Path | None = None,
               record_options: RecordOptions | None = None, progress: bool = False, workers: int | None = None,
               meta: Mapping[str, Any] | None = None,
               on_file: Callable[[str, list[IngestItem]], None] | None = None) -> IngestReport:
        """Ingest every target and return the report."""

    def detect(self, kb: "KnowledgeBase", path: Path) -> DetectedFile:
        """The metadata ingestion would give each document of a file."""

    def fetch_catalogue(self, kb: "KnowledgeBase", ids: list[str] | None, *,
                        progress: Callable[[int], None] | None = None, refetch: bool = False) -> Any:
        """Download and ingest the full text of catalogue entries."""

    def supported_suffixes(self) -> list[str]:
        """File name endings the pipeline reads."""


def load_pipeline(name: str = "default") -> IngestPipeline:
    """The installed ingestion pipeline registered under `name`."""
    found = [ep for ep in entry_points(group=ENTRY_POINT_GROUP) if ep.name == name]
    if not found:
        raise KBError(f"no ingestion pipeline {name!r} is installed (entry point group {ENTRY_POINT_GROUP}): "
                      "reinstall atkb with `pip install -e .` from its folder")
    return found[0].load()()
