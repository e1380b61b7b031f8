"""Metadata filters: parsing `FIELD=VALUE` strings and turning them into SQL over the document table."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from .errors import KBError

COLUMN_FIELDS = ("organisation", "language", "doc_type", "country", "symbol", "title", "source", "doc_id")
_FIELD_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_RANGE_RE = re.compile(r"^\s*(\d{4})?\s*(?:\.\.|-)\s*(\d{4})?\s*$")
_TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$")


# Fields that hold several values in one, and what separates them: "Council of Europe; GRETA" (an organisation's
# name may hold a comma), "NL,BE" or "NL; BE".
MULTI_VALUED = {"organisation": ";", "country": ",;", "topic": ";"}


def field_sql(name: str) -> str:
    """The SQL expression of a field over `documents`: its column, or its value in the JSON of `extra` (the name,
    checked by _FIELD_RE or fixed by the caller, is spelled into the path)."""
    if name in COLUMN_FIELDS or name == "year":
        return name
    return f"CAST(json_extract(extra, '$.\"{name}\"') AS TEXT)"


def split_values(name: str, value: object) -> list[str]:
    """The values of a field (several for a multi-valued field), stripped, empty ones left out."""
    if value in (None, ""):
        return []
    separators = MULTI_VALUED.get(name)
    parts = re.split(f"[{re.escape(separators)}]", str(value)) if separators else [str(value)]
    return [p.strip() for p in parts if p.strip()]


def _op(value: str) -> str:
    """`VALUE*` matches by prefix; anything else exactly (case-insensitive)."""
    return "LIKE" if value.endswith("*") else "="


def _escape_clause(value: str) -> str:
    return " ESCAPE '\\'" if value.endswith("*") else ""


def _pattern(value: str) -> str:
    if not value.endswith("*"):
        return value
    escaped = value[:-1].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


@dataclass
class Filters:
    """Field -> accepted values (any of them), plus an optional year range and ingestion time."""

    values: dict[str, list[str]] = field(default_factory=dict)
    year_min: int | None = None
    year_max: int | None = None
    # documents first ingested at or after this UTC time (ISO 8601, as the store writes it): what is new to a
    # saved search
    ingested_since: str | None = None

    def __bool__(self) -> bool:
        return (bool(self.values) or self.year_min is not None or self.year_max is not None
                or self.ingested_since is not None)

    @classmethod
    def parse(cls, specs: Iterable[str] | Mapping[str, Any] | "Filters" | None) -> "Filters":
        """Build filters from `FIELD=VALUE` strings or a mapping (lists mean any-of)."""
        if specs is None:
            return cls()
        if isinstance(specs, Filters):
            return specs
        result = cls()
        if isinstance(specs, Mapping):
            items: list[tuple[str, Any]] = list(specs.items())
        else:
            items = []
            for spec in specs:
                if "=" not in spec:
                    raise KBError(f"filter {spec!r} is not FIELD=VALUE (e.g. language=nl or year=2015..2020)")
                name, _, value = spec.partition("=")
                items.append((name.strip(), value.strip()))
        for name, value in items:
            if not _FIELD_RE.match(name):
                raise KBError(f"filter field {name!r} is not a valid field name")
            values = value if isinstance(value, (list, tuple, set)) else [value]
            for v in values:
                result.add(name, v)
        return result

    def add(self, name: str, value: Any) -> None:
        """Accept one more value for a field (year accepts `2015`, `2015..2020`, `..2010`)."""
        if name == "year":
            text = str(value)
            match = _RANGE_RE.match(text)
            if match and (match.group(1) or match.group(2)):
                lo, hi = match.group(1), match.group(2)
                self.year_min = int(lo) if lo else self.year_min
                self.year_max = int(hi) if hi else self.year_max
                return
            if not text.strip().isdigit() or len(text.strip()) > 4:  # SQLite's integers end at 19 digits
                raise KBError(f"year filter {text[:20]!r} is not a year or a range like 2015..2020")
            self.year_min = self.year_max = int(text)
            return
        if name in ("year_min", "year_max"):
            setattr(self, name, int(value) if value not in (None, "") else None)
            return
        if name == "ingested_since":
            text = str(value).strip()
            if not _TIME_RE.match(text):
                raise KBError(f"ingested_since filter {text!r} is not a UTC time like 2026-01-31T08:00:00+00:00")
            self.ingested_since = text
            return
        self.values.setdefault(name, []).append(str(value))

    def to_sql(self) -> tuple[str, list[Any]]:
        """Return a WHERE fragment over `documents` and its parameters ('1' when empty)."""
        clauses: list[str] = []
        params: list[Any] = []
        for name, vals in self.values.items():
            ors: list[str] = []
            column = field_sql(name)
            for v in vals:
                if name in MULTI_VALUED and not v.endswith("*"):
                    # one of its values, or the whole text (separators normalised to one, spaces around them out)
                    sep = MULTI_VALUED[name][-1]
                    listed = f"lower({column})"
                    for other in MULTI_VALUED[name][:-1]:
                        listed = f"replace({listed}, '{other}', '{sep}')"
                    listed = f"replace(replace({listed}, '{sep} ', '{sep}'), ' {sep}', '{sep}')"
                    ors.append(f"('{sep}' || {listed} || '{sep}') LIKE ? ESCAPE '\\' OR lower({column}) = lower(?)")
                    needle = v.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                    params.extend([f"%{sep}{needle}{sep}%", v.strip()])
                else:
                    ors.append(f"lower({column}) {_op(v)} lower(?){_escape_clause(v)}")
                    params.append(_pattern(v))
            clauses.append("(" + " OR ".join(ors) + ")")
        if self.year_min is not None:
            clauses.append("year >= ?")
            params.append(self.year_min)
        if self.year_max is not None:
            clauses.append("year <= ?")
            params.append(self.year_max)
        if self.ingested_since is not None:
            clauses.append("ingested_at >= ?")
            params.append(self.ingested_since)
        return (" AND ".join(clauses) or "1"), params

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        out: dict[str, Any] = {k: list(v) for k, v in self.values.items()}
        if self.year_min is not None:
            out["year_min"] = self.year_min
        if self.year_max is not None:
            out["year_max"] = self.year_max
        if self.ingested_since is not None:
            out["ingested_since"] = self.ingested_since
        return out
