"""The connection to Milvus shared by the Milvus keyword and vector indexes: one client per URI and process,
collection names recorded beside the knowledge base, and one message for a Milvus that cannot be reached."""
from __future__ import annotations

import json
import logging
import os
import secrets
import threading
from pathlib import Path
from typing import Any, Callable, TypeVar

from ..errors import KBError
from ..settings import mask_secrets

MARKER = "atkb-milvus.json"
# Reads see every write that came before them: a reader process must notice what the writer committed.
CONSISTENCY = "Strong"
_clients: dict[tuple[str, str], Any] = {}
_clients_lock = threading.Lock()
T = TypeVar("T")


class SearchUnavailableError(KBError):
    """The search backend (a Milvus server) cannot be reached; the store and everything in it are unaffected."""


def is_local_file(uri: str) -> bool:
    """Whether a Milvus URI names a Milvus Lite data file (run inside this process) rather than a server."""
    return not uri.startswith(("http://", "https://", "tcp://", "unix:"))


def client_for(uri: str, token: str = "") -> Any:
    """The process's client for a Milvus URI (a Milvus Lite file path, or http://host:19530)."""
    key = (os.path.abspath(uri) if is_local_file(uri) else uri, token)
    with _clients_lock:
        if key not in _clients:
            _clients[key] = _connect(key[0], token)
        return _clients[key]


def close_clients() -> None:
    """Close this process's Milvus clients: a Milvus Lite file is then free for another process to open."""
    with _clients_lock:
        for (uri, _), client in _clients.items():
            client.close()
            if is_local_file(uri):  # the Lite server pymilvus started in this process holds the file's lock
                from milvus_lite.server_manager import server_manager_instance

                server_manager_instance.release_server(uri)
        _clients.clear()


def _connect(uri: str, token: str) -> Any:
    # pymilvus logs every failed call with its traceback; atkb reports them once, as a message that says what to do
    try:
        from pymilvus import MilvusClient
    except ImportError:
        raise KBError("search_backend = milvus needs the package pymilvus (and milvus-lite for a local file): "
                      "pip install 'atkb[milvus]'") from None
    for name in [n for n in logging.root.manager.loggerDict if n.startswith("pymilvus")] + ["pymilvus"]:
        logging.getLogger(name).setLevel(logging.CRITICAL)
    if is_local_file(uri):
        Path(uri).parent.mkdir(parents=True, exist_ok=True)
    try:
        return MilvusClient(uri=uri, token=token, timeout=30)
    except Exception as exc:  # pymilvus raises MilvusException, grpc errors and ConnectionError
        raise unavailable(uri, exc) from None


def unavailable(uri: str, exc: BaseException) -> SearchUnavailableError:
    """The message for a Milvus that cannot be reached or opened: what failed, and what to do (credentials in the
    address are never shown)."""
    detail = mask_secrets(f"{type(exc).__name__}: {str(exc).strip()[:300]}")
    uri = mask_secrets(uri)
    if is_local_file(uri):
        return SearchUnavailableError(
            f"the Milvus Lite data {uri} cannot be opened ({detail}). Milvus Lite serves one process at a time: "
            f"close the other process using it, or run `milvus-lite server --data-dir {uri}` and set "
            "milvus_uri = http://127.0.0.1:19530 so that several processes share it. The document store is "
            "unaffected.")
    return SearchUnavailableError(
        f"search is unavailable: the Milvus server {uri} cannot be reached ({detail}). Check that it runs and that "
        "milvus_uri and milvus_token are right; the document store is unaffected, and `kb reindex` rebuilds the "
        "index once Milvus is back.")


def guarded(uri: str, call: Callable[[], T]) -> T:
    """Run one Milvus call; a lost connection or a server error becomes one clear message."""
    try:
        return call()
    except KBError:
        raise
    except Exception as exc:  # pymilvus wraps grpc failures in MilvusException; sockets raise OSError
        raise (unavailable(uri, exc) if _unreachable(exc) else refused(exc)) from None


def _unreachable(exc: BaseException) -> bool:
    """Whether an error means Milvus could not be reached (rather than that it refused one request)."""
    from pymilvus.exceptions import ConnectError, ConnectionNotExistException, MilvusUnavailableException

    if isinstance(exc, (OSError, TimeoutError, ConnectError, ConnectionNotExistException, MilvusUnavailableException)):
        return True
    text = str(exc).lower()
    return any(word in text for word in ("connect", "unavailable", "deadline exceeded", "closed channel", "lock"))


def refused(exc: BaseException) -> KBError:
    """The message for one request Milvus refused (a query it cannot run, a value out of its range)."""
    detail = mask_secrets(f"{type(exc).__name__}: {str(exc).strip()[:300]}")
    return KBError(f"Milvus refused the request ({detail}): check the query; the knowledge base is unaffected.")


_loaded: set[tuple[int, str]] = set()


def ensure_loaded(client: Any, uri: str, collection: str) -> None:
    """Load a collection for searching (once per process and client; Milvus answers nothing before)."""
    key = (id(client), collection)
    if key not in _loaded:
        guarded(uri, lambda: client.load_collection(collection))
        _loaded.add(key)


def read_marker(folder: Path) -> dict[str, Any] | None:
    """What a Milvus index folder records: its collection, its kind, and the count of writes so far."""
    path = Path(folder) / MARKER
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def write_marker(folder: Path, values: dict[str, Any]) -> None:
    """Replace the folder's marker atomically."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{MARKER}.tmp"
    tmp.write_text(json.dumps(values))
    os.replace(tmp, folder / MARKER)


def collection_stem(prefix: str) -> str:
    """The start of every collection name of a knowledge base (Milvus allows letters, digits and underscores)."""
    clean = "".join(c if c.isalnum() else "_" for c in prefix) or "atkb"
    return clean if clean[0].isalpha() else "kb_" + clean


def new_collection_name(prefix: str, kind: str) -> str:
    """A collection name no other knowledge base on the same server uses."""
    return f"{collection_stem(prefix)}_{kind}_{secrets.token_hex(4)}"


def quoted(value: str) -> str:
    """A string literal for a Milvus filter expression."""
    return json.dumps(str(value), ensure_ascii=False)


def in_list(field: str, values: Any) -> str:
    """A filter expression: the field holds one of the values."""
    return f"{field} in [{', '.join(quoted(v) for v in sorted(values))}]"


def drop_unused_collections(uri: str, token: str, prefix: str, folders: list[Path]) -> list[str]:
    """Drop this knowledge base's collections that no index folder names any more (left by rebuilds and by a
    rebuild that a crash interrupted); the caller holds the write lock. Returns the dropped names."""
    if is_local_file(uri) and not Path(uri).exists():
        return []
    live = {str((read_marker(folder) or {}).get("collection") or "") for folder in folders}
    live |= {str((read_marker(folder.with_name(folder.name + ".new")) or {}).get("collection") or "")
             for folder in folders}
    client = client_for(uri, token)
    mine = collection_stem(prefix) + "_"
    dropped = [name for name in guarded(uri, client.list_collections) if name.startswith(mine) and name not in live]
    for name in dropped:
        guarded(uri, lambda: client.drop_collection(name))
    return dropped


def delete_documents(client: Any, uri: str, collection: str, doc_ids: list[str]) -> None:
    """Delete every row of these documents from a collection (a thousand ids per request)."""
    for start in range(0, len(doc_ids), 1000):
        where = in_list("doc_id", doc_ids[start:start + 1000])
        guarded(uri, lambda: client.delete(collection, filter=where))
