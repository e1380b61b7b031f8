"""Documents: metadata with the evidence of each field, pages, the passages matching a query, similar documents,
translations, and the stored original (served under the same rules as the app's originals route)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import FileResponse

from ..models import Document
from ..webapp.originals import original_headers, stored_original
from .auth import Call
from .caching import generation_tag, tag_headers
from .errors import ApiError
from .links import landing_link, original_path
from .schemas import (DocumentOut, ErrorBody, PageOut, PagesOut, PassagesOut, RelatedListOut, SimilarOut)
from .search import Mode, run_search

router = APIRouter(prefix="/documents", tags=["documents"])
ERRORS = {400: {"model": ErrorBody}, 401: {"model": ErrorBody}, 404: {"model": ErrorBody},
          422: {"model": ErrorBody}, 503: {"model": ErrorBody}}
DocId = Annotated[str, Path(pattern=r"^[0-9a-f]{16}$", description="A document id (16 hexadecimal digits)")]
Reading = Annotated[Call, Depends(generation_tag)]
MAX_PAGES_AT_ONCE = 100


def related_of(context: Call, doc: Document) -> list[dict]:
    """A document's translations and near-duplicates."""
    return [{"doc_id": other.doc_id, "title": other.title, "language": other.language, "kind": kind,
             "score": round(score, 3)} for other, kind, score in context.kb.related([doc.doc_id])[doc.doc_id]]


@router.get("/{doc_id}", response_model=DocumentOut, responses=ERRORS,
            summary="A document's metadata with the evidence of each field, its related documents and links")
def document(doc_id: DocId, context: Reading) -> dict:
    kb = context.kb
    doc = kb.get_document(doc_id)
    return {"doc_id": doc.doc_id, "source": doc.source, "title": doc.title, "metadata": doc.metadata(),
            "fields": doc.described_fields(), "n_pages": doc.n_pages, "ingested_at": doc.ingested_at,
            "related": related_of(context, doc),
            "links": {"landing": landing_link(doc.doc_id), "original": original_path(kb, doc)}}


@router.get("/{doc_id}/pages", response_model=PagesOut, responses=ERRORS,
            summary=f"A document's text page by page (at most {MAX_PAGES_AT_ONCE} pages at once)")
def pages(doc_id: DocId, context: Reading, start: Annotated[int, Query(ge=1, le=10**6)] = 1,
          limit: Annotated[int, Query(ge=1, le=MAX_PAGES_AT_ONCE)] = 20) -> dict:
    kb = context.kb
    doc = kb.get_document(doc_id)
    every = kb.pages(doc.doc_id)
    chosen = [p for p in every if p.number >= start][:limit]
    return {"doc_id": doc.doc_id, "total_pages": len(every),
            "pages": [{"number": p.number, "text": p.text} for p in chosen]}


@router.get("/{doc_id}/pages/{number}", response_model=PageOut, responses=ERRORS, summary="One page's text")
def page(doc_id: DocId, number: Annotated[int, Path(ge=1, le=10**6)], context: Reading) -> dict:
    kb = context.kb
    doc = kb.get_document(doc_id)
    for p in kb.pages(doc.doc_id):
        if p.number == number:
            return {"number": p.number, "text": p.text}
    raise ApiError(404, f"document {doc_id} has no page {number} (it has {doc.n_pages})")


@router.get("/{doc_id}/passages", response_model=PassagesOut, responses=ERRORS,
            summary="The passages of a document that match a query, with pages and highlights")
def passages(doc_id: DocId, q: Annotated[str, Query(min_length=1, max_length=2000)], context: Reading, mode: Mode | None = None,
             raw: bool = False, translate: bool | None = None) -> dict:
    doc = context.kb.get_document(doc_id)
    results = run_search(context.kb, q, mode, 1, 0, [f"doc_id={doc.doc_id}"], raw, translate, False)
    found = results.hits[0].passages if results.hits else []
    return {"doc_id": doc.doc_id, "query": q, "passages": [p.to_dict() for p in found]}


@router.get("/{doc_id}/similar", response_model=SimilarOut, responses=ERRORS, response_model_exclude_unset=True,
            summary="Documents closest in meaning (the document itself and its duplicates left out)")
def similar(doc_id: DocId, context: Reading, k: Annotated[int, Query(ge=1, le=100)] = 10) -> dict:
    kb = context.kb
    doc = kb.get_document(doc_id)
    k = min(k, int(kb.settings.max_results))
    return {"doc_id": doc.doc_id, "results": [h.to_dict() for h in kb.similar(doc.doc_id, k=k)]}


@router.get("/{doc_id}/translations", response_model=RelatedListOut, responses=ERRORS,
            summary="The document's editions in other languages (kind translation) and near-duplicates")
def translations(doc_id: DocId, context: Reading) -> dict:
    doc = context.kb.get_document(doc_id)
    return {"doc_id": doc.doc_id, "related": related_of(context, doc)}


@router.get("/{doc_id}/original", response_class=FileResponse,
            responses={**ERRORS, 200: {"content": {"application/pdf": {}, "application/octet-stream": {}},
                                       "description": "The stored original: PDFs inline, other files as downloads"}},
            summary="The stored original file (PDFs inline, every other file as a sandboxed download)")
def original(doc_id: DocId, context: Annotated[Call, Depends(generation_tag)]) -> FileResponse:
    context.kb.get_document(doc_id)
    path = stored_original(context.kb.home, doc_id)
    if path is None:
        raise ApiError(404, f"document {doc_id} has no stored original (records and removed documents have none)")
    settings = original_headers(path.name)
    settings["headers"] = {**tag_headers(context.request.state.etag), **settings["headers"]}
    return FileResponse(path, **settings)

