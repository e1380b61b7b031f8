"""Plain text and Markdown loader: form feeds separate pages; YAML front matter and the first heading give metadata."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

from kb.errors import LoadError
from kb.models import LoadedDocument, Page, sha256_bytes

from ..safe_yaml import YamlRefused, load_metadata_yaml
from .base import LoaderSpec
from .base import LoadOptions
from .base import LoadResult
from .base import register

_HEADING = re.compile(r"^\s{0,3}#\s+(.+?)\s*#*\s*$", re.M)
_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)


def decode_text(data: bytes, path: Path) -> str:
    """Decode UTF-8 (with or without BOM), falling back to cp1252 for legacy files."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise LoadError(str(path), "text file in an unknown encoding: save it as UTF-8 and ingest again")


def load_text(path: Path, options: LoadOptions) -> Iterator[LoadResult]:
    """Read a text or Markdown file; `\\f` splits pages."""
    data = path.read_bytes()
    if not data.strip():
        raise LoadError(str(path), "empty file: nothing to index; replace it with the real document")
    if b"\x00" in data[:4096]:
        raise LoadError(str(path), "binary data in a text file: check the file type and extension")
    text = decode_text(data, path).replace("\r\n", "\n")
    metadata: dict = {}
    front = _FRONT_MATTER.match(text)
    if front and path.suffix.lower() in (".md", ".markdown"):
        metadata.update(_parse_front_matter(front.group(1), path))
        text = text[front.end():]
    if "title" not in metadata:
        heading = _HEADING.search(text) if path.suffix.lower() in (".md", ".markdown") else None
        if heading:
            metadata["title"] = heading.group(1).strip()
    pages = [Page(i, part.strip()) for i, part in enumerate(text.split("\f"), start=1)]
    if not any(p.text for p in pages):
        raise LoadError(str(path), "empty file: nothing to index; replace it with the real document")
    yield LoadedDocument(source=str(path), sha256=sha256_bytes(data), pages=pages, metadata=metadata,
                         original_path=str(path))


def _parse_front_matter(block: str, path: Path) -> dict:
    """YAML front matter as metadata; a block that is not a YAML mapping is ignored, one too large or with aliases
    refuses the file."""
    import yaml

    try:
        data = load_metadata_yaml(block)
    except YamlRefused as exc:
        raise LoadError(str(path), f"front matter: {exc}") from None
    except yaml.YAMLError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): v for k, v in data.items() if v not in (None, "")}


register(LoaderSpec("text", (".txt", ".md", ".markdown"), load_text))
