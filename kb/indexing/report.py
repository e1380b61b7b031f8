"""The ingest report: what happened to every source (added, updated, unchanged, duplicate, failed, skipped)."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

_SURROGATE = re.compile("[\ud800-\udfff]")
STATUSES = ("added", "updated", "unchanged", "duplicate", "failed", "skipped")


@dataclass
class IngestItem:
    """The outcome for one source (a file, or one record of a record file)."""

    source: str
    status: str
    doc_id: str | None = None
    title: str | None = None
    reason: str | None = None
    duplicate_of: str | None = None
    pages: int = 0
    chunks: int = 0
    warnings: list[str] = field(default_factory=list)
    # field -> {"value", "source", "evidence"} for added and updated documents
    metadata: dict[str, Any] = field(default_factory=dict)

    def metadata_line(self) -> str:
        """The detected and declared metadata on one line (without the title)."""
        values = [str(self.metadata[name]["value"]) for name in ("language", "organisation", "symbol", "country",
                                                                 "year", "doc_type") if name in self.metadata]
        if "round" in self.metadata:
            values.append(f"round {self.metadata['round']['value']}")
        return " · ".join(values)

    def evidence_lines(self) -> list[str]:
        """`field = value  [source: evidence]` for every metadata field."""
        return [f"{name} = {info['value']}  [{info.get('source', '?')}: {info.get('evidence', '')}]"
                for name, info in self.metadata.items()]

    def line(self) -> str:
        """One human-readable line."""
        if self.status in ("failed", "skipped"):
            return f"{self.status:<10} {self.source}: {self.reason}"
        if self.status == "duplicate":
            return f"duplicate  {self.source}: duplicate of {self.duplicate_of}"
        detail = f" ({self.pages} pages, {self.chunks} chunks)" if self.status in ("added", "updated") else ""
        return f"{self.status:<10} {self.source} -> {self.doc_id}{detail}"


@dataclass
class IngestReport:
    """Every item of one ingest run and how long it took."""

    items: list[IngestItem] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, item: IngestItem) -> IngestItem:
        """Append an item."""
        self.items.append(item)
        return item

    def counts(self) -> dict[str, int]:
        """Number of items per status (every status present)."""
        counter = Counter(item.status for item in self.items)
        return {status: counter.get(status, 0) for status in STATUSES}

    @property
    def failed(self) -> list[IngestItem]:
        """Items that could not be ingested."""
        return [i for i in self.items if i.status == "failed"]

    def pages_indexed(self) -> int:
        """Pages of added or updated documents."""
        return sum(i.pages for i in self.items if i.status in ("added", "updated"))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"counts": self.counts(), "seconds": round(self.seconds, 2), "pages": self.pages_indexed(),
                "items": [_encodable(asdict(i)) for i in self.items]}

    def summary(self) -> str:
        """One line of totals."""
        counts = self.counts()
        return (", ".join(f"{n} {status}" for status, n in counts.items())
                + f" in {self.seconds:.1f}s")


def _encodable(value: Any) -> Any:
    """The value with every string encodable as UTF-8: a byte that was not UTF-8 (kept by a loader as a surrogate
    escape, so that its record could be reported) shows as U+FFFD."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {k: _encodable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_encodable(v) for v in value]
    return value
