"""Topics and the thesaurus: the topics with their numbers of documents, a topic's documents, and the concepts a
text names (as a query would be translated)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from .auth import Call
from .caching import generation_tag
from .errors import ApiError
from .schemas import BrowseOut, ConceptsOut, ErrorBody, TopicsOut

router = APIRouter(tags=["topics and thesaurus"])
ERRORS = {400: {"model": ErrorBody}, 401: {"model": ErrorBody}, 404: {"model": ErrorBody},
          422: {"model": ErrorBody}}
Reading = Annotated[Call, Depends(generation_tag)]


def brief(doc) -> dict:  # noqa: ANN001 (a Document)
    """A document in a list: id, title, source and its known metadata."""
    return {"doc_id": doc.doc_id, "title": doc.title, "source": doc.source, **doc.metadata()}


@router.get("/topics", response_model=TopicsOut, responses=ERRORS,
            summary="The thesaurus's topics with their numbers of documents")
def topics(context: Reading) -> dict:
    kb = context.kb
    counts = kb.overview(recent=0)["by"].get("topic", {})
    return {"topics": [{"id": tid, "label": label, "documents": counts.get(tid, {}).get("documents", 0)}
                       for tid, label in kb.topics().items()]}


@router.get("/topics/{topic}/documents", response_model=BrowseOut, responses=ERRORS,
            summary="The documents of a topic, newest first")
def topic_documents(topic: Annotated[str, Path(pattern=r"^[a-z0-9-]{1,80}$")], context: Reading,
                    limit: Annotated[int, Query(ge=1, le=500)] = 100) -> dict:
    kb = context.kb
    if topic not in kb.topics():
        raise ApiError(404, f"no topic {topic!r}: GET /topics lists them")
    return {"documents": [brief(d) for d in kb.browse({"topic": topic}, limit=limit)]}


@router.get("/thesaurus/concepts", response_model=ConceptsOut, responses=ERRORS,
            summary="The thesaurus's concepts a text names, with their labels in each language")
def concepts(text: Annotated[str, Query(min_length=1)], context: Reading) -> dict:
    kb = context.kb
    if len(text) > int(kb.settings.max_query_chars):
        raise ApiError(400, f"the text is longer than {kb.settings.max_query_chars:,} characters (setting "
                       "max_query_chars)", "query_limit")
    thesaurus = kb.thesaurus()
    if thesaurus is None:
        raise ApiError(404, "no thesaurus is configured (setting thesaurus is off)")
    found = [thesaurus.concepts[c] for c in dict.fromkeys(m.concept for m in thesaurus.find(text))]
    return {"concepts": [{"id": c.id, "labels": {k: list(v) for k, v in c.labels.items()},
                          "broader": c.broader or None, "topic": thesaurus.facet_topic(c.id)} for c in found]}
