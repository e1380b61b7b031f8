"""Loader registry: one module per file type, chosen by suffix (and by content sniffing where it matters)."""
from __future__ import annotations

from pathlib import Path

from kb.errors import UnsupportedFileType

from .base import LOADERS, LoaderSpec, LoadOptions, LoadResult, register

__all__ = ["LoaderSpec", "LoadOptions", "LoadResult", "loader_for", "register", "supported_suffixes"]


def supported_suffixes() -> list[str]:
    """Every suffix some loader handles."""
    _ensure_loaded()
    return sorted(LOADERS)


def loader_for(path: Path) -> LoaderSpec:
    """The loader for a file, or UnsupportedFileType with the list of what is supported."""
    _ensure_loaded()
    name = path.name.lower()
    compound = [s for s in LOADERS if s.count(".") > 1 and name.endswith(s)]
    suffix = compound[0] if compound else path.suffix.lower()
    spec = LOADERS.get(suffix)
    if spec is None:
        raise UnsupportedFileType(
            str(path), f"unsupported file type {suffix or '(no suffix)'!r}: atkb reads "
            f"{', '.join(sorted(LOADERS))}; convert the file to one of these (e.g. save as PDF)")
    return spec


_loaded = False


def _ensure_loaded() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        from . import catalogue
        from . import pdf
        from . import records
        from . import slides
        from . import text
        from . import webpage
        from . import word  # noqa: F401  (modules register themselves)
