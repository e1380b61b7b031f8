"""The upload page: researchers add files or web addresses, check the metadata found, and ingest them."""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import streamlit as st

from kb import KnowledgeBase
from kb.indexing.report import IngestItem, IngestReport

from .metadata_form import changed_fields, metadata_inputs
from .render import plain
from .session_actor import current_actor
from .signin import require_action
from .state import WRITE_LOCK

BATCH_KEY = "upload_batch"
REPORT_KEY = "upload_report"


@dataclass
class PendingFile:
    """An uploaded file waiting to be ingested, with the metadata found in it."""

    name: str
    path: str
    pages: int = 0
    values: dict[str, Any] = field(default_factory=dict)
    provenance: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    # a record file (.jsonl/.csv): each record is a document with its own metadata, so no form
    records: int = 0


def upload_view(kb: KnowledgeBase) -> None:
    """Render the page."""
    st.title("Add documents")
    if not require_action(kb, "ingest", "Adding documents"):
        return
    suffixes = [s.lstrip(".") for s in kb.supported_suffixes() if s.count(".") == 1]
    st.caption(f"Files: {', '.join(sorted(suffixes))} · at most {kb.settings.max_file_mb:g} MB and "
               f"{kb.settings.max_pages} pages each. Metadata is detected automatically; check it before ingesting.")
    uploads = st.file_uploader("Files", accept_multiple_files=True, type=suffixes, key="upload_files")
    urls = st.text_area("Web addresses (http/https), one per line", key="upload_urls", height=80)
    if st.button("Read and detect metadata", key="upload_read", type="primary", disabled=not (uploads or urls.strip())):
        st.session_state[BATCH_KEY] = _read_uploads(kb, uploads or [])
        st.session_state.pop(REPORT_KEY, None)
    batch: list[PendingFile] = st.session_state.get(BATCH_KEY, [])
    url_list = [u.strip() for u in urls.splitlines() if u.strip()]
    if batch or (url_list and st.session_state.get(BATCH_KEY) is not None):
        _review_and_ingest(kb, batch, url_list)
    report = st.session_state.get(REPORT_KEY)
    if report:
        _show_report(report)


def _safe_name(name: str) -> str:
    stem = re.sub(r"[^\w.\- ]+", "_", Path(name).name).strip(" .") or "upload"
    return stem[:120]


def _read_uploads(kb: KnowledgeBase, uploads: list[Any]) -> list[PendingFile]:
    """Save each upload under HOME/uploads and read it as ingestion would (nothing is indexed yet)."""
    pending: list[PendingFile] = []
    progress = st.progress(0.0, text="Reading files…")
    for n, upload in enumerate(uploads, start=1):
        data = upload.getvalue()
        folder = kb.home / "uploads" / hashlib.sha256(data).hexdigest()[:16]
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / _safe_name(upload.name)
        path.write_bytes(data)
        item = PendingFile(upload.name, str(path))
        found = kb.detect_metadata(path)
        if found.is_record_file:
            item.records = len(found.documents)
        elif not found.documents:
            item.error = found.errors[0] if found.errors else "nothing could be read from the file"
        else:
            first = found.documents[0]
            item.pages = first.n_pages
            item.values = {"title": first.title, **first.metadata()}
            item.provenance = dict(first.extra.get("_provenance") or {})
        pending.append(item)
        progress.progress(n / max(len(uploads), 1), text=f"Read {n} of {len(uploads)}: {upload.name}")
    progress.empty()
    return pending


def _review_and_ingest(kb: KnowledgeBase, batch: list[PendingFile], urls: list[str]) -> None:
    """One metadata form per file, then ingestion with a status line per file and an overall bar."""
    with st.form("upload_metadata"):
        inputs: dict[int, dict[str, str]] = {}
        for i, item in enumerate(batch):
            title = (f"{item.name} — cannot be read" if item.error else f"{item.name} — {item.records} record(s)"
                     if item.records else f"{item.name} — {item.pages} page(s)")
            with st.expander(plain(title), expanded=len(batch) <= 3):
                if item.error:
                    st.error(plain(item.error))
                    continue
                if item.records:
                    st.caption("A record file: each record becomes a document with the metadata of its own fields.")
                    inputs[i] = {}
                    continue
                inputs[i] = metadata_inputs(f"upload_{i}", item.values, item.provenance)
        for url in urls:
            st.markdown(f"Web address: {plain(url)} (metadata is detected when it is downloaded)")
        submitted = st.form_submit_button("Ingest", type="primary")
    if not submitted:
        return
    targets = [(item.name, item.path, changed_fields(item.values, inputs[i])) for i, item in enumerate(batch)
               if i in inputs] + [(url, url, {}) for url in urls]
    combined, statuses = _ingest_one_by_one(kb, targets)
    for item in batch:
        if item.error:
            combined.add(IngestItem(source=item.path, status="failed", reason=item.error))
            statuses.append(("error", f"{item.name}: {item.error}"))
    st.session_state[REPORT_KEY] = combined.to_dict() | {"lines": _report_lines(combined), "statuses": statuses}
    st.session_state.pop(BATCH_KEY, None)
    st.rerun()  # the form is done with: show the report alone


def _ingest_one_by_one(kb: KnowledgeBase, targets: list[tuple[str, str, dict[str, Any]]]
                       ) -> tuple[IngestReport, list[tuple[str, str]]]:
    """Ingest each target with a status line of its own and an overall progress bar."""
    combined = IngestReport()
    statuses: list[tuple[str, str]] = []
    overall = st.progress(0.0, text="Ingesting…")
    rows = {name: st.empty() for name, _, _ in targets}
    for name, _, _ in targets:
        rows[name].caption(f"waiting: {plain(name)}")
    for n, (name, target, corrections) in enumerate(targets, start=1):
        rows[name].info(f"reading and indexing: {plain(name)}…")
        with WRITE_LOCK:
            report = kb.ingest([target], meta=corrections or None, workers=1, actor=current_actor(kb),
                                   activity="upload")
        for item in report.items:
            combined.add(item)
        combined.seconds += report.seconds
        failed = [i for i in report.items if i.status == "failed"]
        if failed:
            statuses.append(("error", f"{name}: {failed[0].reason}"))
        else:
            statuses.append(("success", "; ".join(f"{i.status}: {name} ({i.pages} pages)" if i.pages else
                                                  f"{i.status}: {name}" for i in report.items)))
        getattr(rows[name], statuses[-1][0])(plain(statuses[-1][1]))
        overall.progress(n / len(targets), text=f"{n} of {len(targets)} done")
    return combined, statuses


def _report_lines(report: IngestReport) -> list[str]:
    """The same lines the command line prints."""
    lines: list[str] = []
    for item in report.items:
        lines.append(item.line())
        if item.metadata_line():
            lines.append(f"           {item.metadata_line()}")
        lines.extend(f"           note: {w}" for w in item.warnings)
    lines.append(report.summary())
    return lines


def _show_report(report: dict[str, Any]) -> None:
    st.subheader("Ingest report")
    for kind, message in report.get("statuses", []):
        getattr(st, kind)(plain(message))
    counts = report["counts"]
    st.write(", ".join(f"{n} {status}" for status, n in counts.items() if n) or "nothing to do")
    st.code("\n".join(report["lines"]), language=None)
    data = {k: v for k, v in report.items() if k != "lines"}
    st.download_button("Download the report (JSON)", json.dumps(data, indent=2, ensure_ascii=False),
                       file_name="ingest-report.json", mime="application/json", key="upload_report_json")
