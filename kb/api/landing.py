"""A plain HTML landing page per document, `/d/DOC_ID`, that citation managers can save: Highwire Press
`citation_*` meta tags (what Zotero's connector and Google Scholar read) and schema.org JSON-LD, with the absolute
address of the stored PDF. The same rule as the rest of the server decides who may read it (public_access): where
it is none, an account's API token or a link signed as the app signs links to originals (`?exp=...&sig=...`,
kb.webapp.originals) opens the page, and its PDF address is signed in turn."""
from __future__ import annotations

import json
from html import escape
from typing import Any, Callable

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from ..errors import DocumentNotFoundError
from ..facade import KnowledgeBase
from ..models import Document
from ..permissions import PermissionDenied, require
from ..webapp.originals import original_link, signed_link_valid
from .auth import public_access, request_actor
from .errors import ApiError
from .links import LANDING_PREFIX, absolute, landing_link, original_path

_DOC_ID_CHARS = set("0123456789abcdef")


def _authors(doc: Document) -> tuple[list[str], str | None]:
    """The people who wrote the document (when known) and the organisation that published it."""
    people = doc.extra.get("authors") or []
    people = [str(p) for p in (people if isinstance(people, list) else [people]) if str(p).strip()]
    organisation = doc.extra.get("organisation_name") or doc.organisation
    return people, (str(organisation) if organisation else None)


def _json_ld(data: dict[str, Any]) -> str:
    """JSON for a <script> element: no `<`, `>` or `&` that could end it early."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def landing_html(doc: Document, *, page_url: str, pdf_url: str | None, app_url: str, excerpt: str) -> str:
    """The landing page of a document (every value escaped)."""
    people, organisation = _authors(doc)
    meta: list[tuple[str, str]] = [("citation_title", doc.title or doc.source)]
    meta += [("citation_author", p) for p in people] or ([("citation_author", organisation)] if organisation else [])
    if doc.year:
        meta += [("citation_publication_date", str(doc.year)), ("citation_date", str(doc.year))]
    if doc.language:
        meta.append(("citation_language", doc.language))
    if organisation:
        meta += [("citation_publisher", organisation), ("citation_technical_report_institution", organisation)]
    if doc.symbol:
        meta.append(("citation_technical_report_number", doc.symbol))
    if pdf_url:
        meta.append(("citation_pdf_url", pdf_url))
    meta.append(("citation_abstract_html_url", page_url))
    org_ld = {"@type": "Organization", "name": organisation} if organisation else None
    ld: dict[str, Any] = {"@context": "https://schema.org", "@type": "Report", "@id": page_url, "url": page_url,
                          "name": doc.title or doc.source, "identifier": doc.doc_id}
    if people:
        ld["author"] = [{"@type": "Person", "name": p} for p in people]
    elif org_ld:
        ld["author"] = org_ld
    if org_ld:
        ld["publisher"] = org_ld
    if doc.year:
        ld["datePublished"] = str(doc.year)
    if doc.language:
        ld["inLanguage"] = doc.language
    if doc.symbol:
        ld["reportNumber"] = doc.symbol
    if pdf_url:
        ld["encoding"] = {"@type": "MediaObject", "contentUrl": pdf_url, "encodingFormat": "application/pdf"}
    facts = [("Organisation", organisation), ("Year", doc.year), ("Symbol", doc.symbol), ("Language", doc.language),
             ("Country", doc.country), ("Type", doc.doc_type)]
    rows = "".join(f"<tr><th>{escape(k)}</th><td>{escape(str(v))}</td></tr>" for k, v in facts if v)
    tags = "\n".join(f'<meta name="{escape(n)}" content="{escape(v)}">' for n, v in meta)
    links = [f'<a href="{escape(app_url)}">Open in atkb</a>']
    if pdf_url:
        links.insert(0, f'<a href="{escape(pdf_url)}">PDF</a>')
    return (f'<!doctype html>\n<html lang="{escape(doc.language or "en")}"><head><meta charset="utf-8">\n'
            f"<title>{escape(doc.title or doc.source)}</title>\n{tags}\n"
            f'<link rel="canonical" href="{escape(page_url)}">\n'
            f'<script type="application/ld+json">{_json_ld(ld)}</script>\n'
            "<style>body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem}"
            "th{text-align:left;padding-right:1rem}</style></head><body>\n"
            f"<h1>{escape(doc.title or doc.source)}</h1><table>{rows}</table>\n"
            f"<p>{' · '.join(links)}</p>\n<blockquote>{escape(excerpt)}</blockquote>\n</body></html>\n")


def landing_routes(open_kb: Callable[[], KnowledgeBase]) -> list[Route]:
    """The landing-page route, over the knowledge base that `open_kb` returns."""

    def page(request: Request) -> Response:
        doc_id = request.path_params["doc_id"]
        if len(doc_id) != 16 or not set(doc_id) <= _DOC_ID_CHARS:
            return HTMLResponse("<!doctype html><title>Not found</title><p>No such document.</p>", status_code=404)
        kb = open_kb()
        params = request.query_params
        signed = signed_link_valid(kb.link_key(), doc_id, params.get("exp", ""), params.get("sig", ""))
        try:
            if not signed:
                require(request_actor(kb, request), "read", public_access=public_access(kb))
            doc = kb.get_document(doc_id)
            pages = kb.pages(doc_id)
        except ApiError as exc:
            return _sign_in(str(exc), exc.status)
        except PermissionDenied:
            return _sign_in("This knowledge base is not public: sign in to the app and open the document's page "
                            "from there, or send an account's API token.", 401)
        except DocumentNotFoundError as exc:
            return HTMLResponse(f"<!doctype html><title>Not found</title><p>{escape(str(exc))}</p>", status_code=404)
        stored = kb.original_file(doc)
        pdf = None
        if original_path(kb, doc) and stored and stored.suffix.lower() == ".pdf":
            # where originals are not public, the PDF's address carries its own signature (a citation manager
            # fetches it without the visitor's session)
            key = kb.link_key() if public_access(kb) != "read" else None
            pdf = absolute(kb, request, "/" + original_link(doc_id, key=key))
        excerpt = " ".join((pages[0].text if pages else "").split())[:600]
        html = landing_html(doc, page_url=absolute(kb, request, landing_link(doc_id)), pdf_url=pdf,
                            app_url=absolute(kb, request, "/?" + f"view=doc&doc={doc_id}"), excerpt=excerpt)
        return HTMLResponse(html, headers={"Cache-Control": "private, no-cache"})

    return [Route(f"/{LANDING_PREFIX}/{{doc_id}}", page, methods=["GET", "HEAD"])]


def _sign_in(message: str, status: int) -> Response:
    return HTMLResponse(f'<!doctype html><title>Sign in</title><p>{escape(message)}</p><p><a href="/">Sign in to '
                        "atkb</a></p>", status_code=status, headers={"WWW-Authenticate": "Bearer"})
