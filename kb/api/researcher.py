"""What researchers do: ingest a web address, upload a file (at most max_file_mb), correct a document's metadata,
remove a document. Each is asked of kb.permissions ("ingest", "correct", "remove"), runs under the write lock and
is written to the audit trail as the token's account's, via "api"."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import run_in_threadpool
from pydantic import BaseModel, Field, StringConstraints

from .auth import Call, call
from .documents import DocId, document
from .errors import ApiError
from .schemas import DocumentOut, ErrorBody, IngestOut, RemovedOut

router = APIRouter(prefix="/documents", tags=["researchers"])
ERRORS = {400: {"model": ErrorBody}, 401: {"model": ErrorBody}, 403: {"model": ErrorBody},
          404: {"model": ErrorBody}, 413: {"model": ErrorBody}, 415: {"model": ErrorBody},
          422: {"model": ErrorBody}}
Context = Annotated[Call, Depends(call)]
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._ -]+")
# an upload's file name: safe characters and a suffix (the schema names the suffixes this server reads)
UPLOAD_NAME = r"^[A-Za-z0-9_-][A-Za-z0-9._ -]{0,150}\.[A-Za-z0-9]{1,10}$"
UPLOAD_NAME_TEXT = ("The file's name: letters, digits, '.', '_', '-' and spaces, ending in a suffix atkb reads "
                    "(.pdf, .docx, .html, ...)")


def upload_name_pattern(suffixes: list[str]) -> str:
    """UPLOAD_NAME narrowed to the suffixes a server reads (either case), for its schema."""
    either = ["".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else re.escape(c) for c in s.lstrip("."))
              for s in sorted(suffixes)]
    return UPLOAD_NAME.replace(r"[A-Za-z0-9]{1,10}", f"({'|'.join(either)})")


class IngestUrl(BaseModel):
    url: str = Field(min_length=8, max_length=2000, pattern=r"^https?://", description="An http(s) address")


@router.post("/ingest", response_model=IngestOut, responses=ERRORS,
             summary="Download a web address and ingest it (PDF, HTML, text, Markdown, DOCX, PPTX)")
def ingest_url(body: IngestUrl, context: Context) -> dict:
    context.require("ingest")
    with context.write_lock:
        report = context.kb.ingest([body.url], workers=1, actor=context.actor)
    return report.to_dict()


@router.post("/upload", response_model=IngestOut, responses=ERRORS,
             openapi_extra={"requestBody": {"required": True, "description": "The file's bytes",
                                            "content": {"application/octet-stream": {
                                                "schema": {"type": "string", "format": "binary", "minLength": 1}}}}},
             summary="Upload one file as the request body (`?filename=report.pdf`) and ingest it")
async def upload(request: Request, filename: Annotated[str, Query(min_length=3, max_length=200, pattern=UPLOAD_NAME,
                                                                 description=UPLOAD_NAME_TEXT)],
                 context: Context) -> Any:
    context.require("ingest")
    kb = context.kb
    name = _SAFE_NAME.sub("_", FilePath(filename.strip()).name).strip(" .") or "upload"
    if not any(name.lower().endswith(s) for s in kb.supported_suffixes()):
        raise ApiError(415, f"{name}: atkb cannot read this kind of file; it reads "
                       f"{', '.join(sorted(kb.supported_suffixes()))}")
    limit = int(float(kb.settings.max_file_mb) * 1024 * 1024)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(name, kb.settings.max_file_mb)
    data = bytearray()
    async for piece in request.stream():  # counted as it arrives: an upload never grows past the limit
        data.extend(piece)
        if len(data) > limit:
            raise _too_large(name, kb.settings.max_file_mb)
    if not data:
        raise ApiError(400, f"{name}: the request body is empty: send the file's bytes")
    folder = kb.home / "uploads" / hashlib.sha256(data).hexdigest()[:16]
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    target.write_bytes(bytes(data))
    def ingest() -> dict:
        with context.write_lock:
            return kb.ingest([target], workers=1, actor=context.actor, activity="upload").to_dict()
    return await run_in_threadpool(ingest)


def _too_large(name: str, mb: float) -> ApiError:
    return ApiError(413, f"{name}: larger than {mb:g} MB (setting max_file_mb)")


FIELD_NAME = r"^[A-Za-z_][A-Za-z0-9_]{0,40}$"
FieldName = Annotated[str, StringConstraints(pattern=FIELD_NAME)]
FieldValue = Annotated[str, StringConstraints(max_length=2000)] | Annotated[int, Field(ge=-10**9, le=10**9)] | None


class Correction(BaseModel):
    values: dict[FieldName, FieldValue] = Field(
        max_length=30, json_schema_extra={"additionalProperties": False},
        description="Fields to set, e.g. {\"organisation\": \"GRETA\", \"year\": 2023}; null or \"\" clears a field "
                    "(names of letters, digits and _, values of at most 2,000 characters)")


@router.patch("/{doc_id}/metadata", response_model=DocumentOut, responses=ERRORS,
              summary="Correct metadata fields (kept when the document is ingested again)")
def correct(doc_id: DocId, body: Correction, context: Context) -> dict:
    context.require("correct")
    with context.write_lock:
        context.kb.get_document(doc_id)
        context.kb.correct_metadata(doc_id, {k: "" if v is None else v for k, v in body.values.items()},
                                     actor=context.actor)
    return document(doc_id, context)


@router.delete("/{doc_id}", response_model=RemovedOut, responses=ERRORS,
               summary="Remove a document from the store and every index")
def remove(doc_id: DocId, context: Context) -> dict:
    context.require("remove")
    with context.write_lock:
        doc = context.kb.get_document(doc_id)
        context.kb.remove(doc.doc_id, actor=context.actor)
    return {"doc_id": doc.doc_id, "title": doc.title, "source": doc.source}
