"""Loader registry: one module per file type, chosen by suffix (and by content sniffing where it matters)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Union

from kb.errors import LoadError, UnsupportedFileType
from kb.models import LoadedDocument

LoadResult = Union[LoadedDocument, LoadError]


@dataclass
class RecordOptions:
    """How to map the fields of JSONL/CSV records to documents (BEIR's `_id`/`title`/`text` by default)."""

    id_field: str = "_id"
    title_field: str = "title"
    text_fields: tuple[str, ...] = ("text",)


@dataclass
class LoadOptions:
    """Options every loader may consult."""

    records: RecordOptions = field(default_factory=RecordOptions)
    max_file_bytes: int = 300 * 1024 * 1024


@dataclass(frozen=True)
class LoaderSpec:
    """A registered loader: its name, the suffixes it claims and its load function."""

    name: str
    suffixes: tuple[str, ...]
    load: Callable[[Path, LoadOptions], Iterator[LoadResult]]
    # True for files holding many records (each record becomes a document).
    multi: bool = False


_REGISTRY: dict[str, LoaderSpec] = {}


def register(spec: LoaderSpec) -> LoaderSpec:
    """Register a loader for its suffixes."""
    for suffix in spec.suffixes:
        _REGISTRY[suffix] = spec
    return spec


def supported_suffixes() -> list[str]:
    """Every suffix some loader handles."""
    _ensure_loaded()
    return sorted(_REGISTRY)


def loader_for(path: Path) -> LoaderSpec:
    """The loader for a file, or UnsupportedFileType with the list of what is supported."""
    _ensure_loaded()
    name = path.name.lower()
    compound = [s for s in _REGISTRY if s.count(".") > 1 and name.endswith(s)]
    suffix = compound[0] if compound else path.suffix.lower()
    spec = _REGISTRY.get(suffix)
    if spec is None:
        raise UnsupportedFileType(
            str(path), f"unsupported file type {suffix or '(no suffix)'!r}: atkb reads "
            f"{', '.join(sorted(_REGISTRY))}; convert the file to one of these (e.g. save as PDF)")
    return spec


def _ensure_loaded() -> None:
    if not _REGISTRY:
        from . import catalogue, pdf, records, text  # noqa: F401  (modules register themselves)
