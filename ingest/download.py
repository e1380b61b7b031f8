"""Ingesting web addresses: download over HTTP(S) within limits, then read the file like any other."""
from __future__ import annotations

import hashlib
import time
from pathlib import Path
from typing import Any

from kb.errors import LoadError

from .fetch import FetchError, Fetcher

# Content types accepted from a URL and the file suffix each one is read as ("" = decide from the bytes).
URL_CONTENT_TYPES = {
    "application/pdf": ".pdf",
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "text/plain": ".txt",
    "text/markdown": ".md",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
    "application/octet-stream": "",
}


class UrlDownloader:
    """Downloads the documents named by URLs into HOME/downloads, one file per address."""

    def __init__(self, fetcher: Fetcher):
        self.fetcher = fetcher

    @classmethod
    def from_settings(cls, folder: Path, settings: Any) -> "UrlDownloader":
        """A downloader with the size limit, timeout and retries of the settings."""
        return cls(Fetcher.from_settings(folder, settings, delay=0.0, max_bytes=int(settings.url_max_mb * 1024 * 1024),
                                         accepted=URL_CONTENT_TYPES, limit_setting="url_max_mb"))

    def download(self, url: str) -> tuple[Path, dict[str, Any]]:
        """(downloaded file, metadata about the download); LoadError naming the URL when it fails."""
        name = "url-" + hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]
        try:
            path, content_type, final_url = self.fetcher.download(url, name)
        except FetchError as exc:
            raise LoadError(url, f"download failed: {exc}") from None
        meta = {"url": url, "content_type": content_type,
                "fetched_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        if final_url != url:
            meta["fetched_url"] = final_url
        return path, meta
