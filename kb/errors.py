"""Errors that atkb reports to people: each says what happened, to what, and what to do."""
from __future__ import annotations


class KBError(Exception):
    """Base error; the CLI prints its message and exits non-zero."""


class SettingsError(KBError):
    """A setting has a bad value."""


class SchemaVersionError(KBError):
    """The data directory was written by another schema version."""


class IndexDamagedError(KBError):
    """An index file is missing or cannot be read; `kb reindex` rebuilds it from the store."""


class QuerySyntaxError(KBError):
    """The query could not be parsed."""


class ModeUnavailableError(KBError):
    """A search mode is not available in this installation or configuration."""


class DocumentNotFoundError(KBError):
    """No document has the given id."""


class LoadError(KBError):
    """A file could not be read; the message names the file and the remedy."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class UnsupportedFileType(LoadError):
    """No loader handles this kind of file."""


class QueryLimitError(QuerySyntaxError):
    """A query asks for more work than the limits allow (length, words, expansion, results)."""


class SearchTimeoutError(KBError):
    """A search ran past its time budget and was stopped."""
