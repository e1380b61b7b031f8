"""Catalogue files (`*.catalogue.csv`): every entry becomes a searchable stub until its full text is fetched."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

from kb.catalogue import read_catalogue
from kb.models import LoadedDocument, Page, sha256_text

from .base import LoaderSpec
from .base import LoadOptions
from .base import LoadResult
from .base import register


def load_catalogue(path: Path, options: LoadOptions) -> Iterator[LoadResult]:
    """One stub document per catalogue entry: its facts as metadata, a description as its text."""
    for entry in read_catalogue(path):
        text = entry.description()
        metadata = entry.metadata()
        metadata["catalogue_stub"] = True
        yield LoadedDocument(source=f"{path}#{entry.id}", sha256=sha256_text(text + repr(sorted(metadata.items()))),
                             pages=[Page(1, text)], metadata=metadata)


register(LoaderSpec("catalogue", (".catalogue.csv",), load_catalogue, multi=True))
