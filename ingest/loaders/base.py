"""What every loader shares: the options and limits it consults, what it yields, and the table of loaders by
suffix that each loader module registers itself in."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Union

from kb.errors import LoadError
from kb.models import LoadedDocument, RecordOptions

LoadResult = Union[LoadedDocument, LoadError]


@dataclass
class LoadOptions:
    """Options and limits every loader may consult."""

    records: RecordOptions = field(default_factory=RecordOptions)
    max_file_bytes: int = 300 * 1024 * 1024
    max_pages: int = 5000
    max_unpacked_bytes: int = 1000 * 1024 * 1024
    max_image_pixels: int = 200_000_000
    ocr: str = "auto"
    ocr_languages: str = "eng+nld+fra+deu"
    ocr_dpi: int = 300
    # time.monotonic() after which a loader stops (None: no limit); checked between pages
    deadline: float | None = None
    seconds_allowed: float = 0.0
    # read only this many pages of a PDF (metadata detection over large collections); None: all of them
    first_pages: int | None = None

    @classmethod
    def from_settings(cls, settings: Any, **changes: Any) -> "LoadOptions":
        """Options with the limits taken from the settings."""
        values = dict(max_file_bytes=int(settings.max_file_mb * 1024 * 1024), max_pages=settings.max_pages,
                      max_unpacked_bytes=int(settings.max_unpacked_mb * 1024 * 1024),
                      max_image_pixels=int(settings.max_image_megapixels * 1_000_000), ocr=settings.ocr,
                      ocr_languages=settings.ocr_languages, ocr_dpi=settings.ocr_dpi,
                      seconds_allowed=settings.max_seconds_per_file)
        values.update(changes)
        return cls(**values)

    def check_time(self, path: Path, where: str) -> None:
        """Stop with a clear reason once the time allowed for one file is used up."""
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise LoadError(str(path), f"reading took longer than {self.seconds_allowed:.0f} s (stopped at {where}); "
                                       "raise the setting max_seconds_per_file or split the file")

    def check_pages(self, path: Path, n_pages: int, unit: str = "pages") -> None:
        """Refuse documents with more pages than allowed."""
        if n_pages > self.max_pages:
            raise LoadError(str(path), f"{n_pages} {unit}, over the limit of {self.max_pages} (setting max_pages): "
                                       "split the document or raise the limit")


@dataclass(frozen=True)
class LoaderSpec:
    """A registered loader: its name, the suffixes it claims and its load function."""

    name: str
    suffixes: tuple[str, ...]
    load: Callable[[Path, LoadOptions], Iterator[LoadResult]]
    # True for files holding many records (each record becomes a document).
    multi: bool = False


LOADERS: dict[str, LoaderSpec] = {}


def register(spec: LoaderSpec) -> LoaderSpec:
    """Register a loader for its suffixes."""
    for suffix in spec.suffixes:
        LOADERS[suffix] = spec
    return spec
