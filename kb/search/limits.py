"""What one search may cost: the query's length, words and raw-syntax expansion, the results asked for, and the
time it may run. The searcher checks them for every surface (CLI, app, API), before any engine is asked."""
from __future__ import annotations

import re
import time

from ..errors import QueryLimitError, SearchTimeoutError
from ..settings import Settings
from ..text import raw_query

_TERM = re.compile(r"\S+")


def check_query(settings: Settings, text: str, raw: bool) -> None:
    """Refuse a query longer, wordier or (raw) expanding to more term sets than the settings allow."""
    if len(text) > settings.max_query_chars:
        raise QueryLimitError(f"the query is {len(text):,} characters long; at most {settings.max_query_chars:,} "
                              "are searched (setting max_query_chars): shorten it")
    terms = sum(1 for _ in _TERM.finditer(text))
    if terms > settings.max_query_terms:
        raise QueryLimitError(f"the query has {terms:,} words; at most {settings.max_query_terms:,} are searched "
                              "(setting max_query_terms): use fewer words")
    if raw:
        expanding = raw_query.expansions(raw_query.with_fuzzy_terms(raw_query.parse(text)))
        if expanding > settings.max_query_expansions:
            raise QueryLimitError(
                f"the query has {expanding:,} wildcards, prefixes and fuzzy terms; at most "
                f"{settings.max_query_expansions:,} are searched (setting max_query_expansions): use fewer")


def check_results(settings: Settings, k: int, offset: int) -> None:
    """Refuse to show more results at once than max_results."""
    if k < 0 or offset < 0:
        raise QueryLimitError("the number of results and the offset must be 0 or more")
    if k + offset > settings.max_results:
        raise QueryLimitError(f"{k + offset:,} results asked for; at most {settings.max_results:,} are shown "
                              "(setting max_results)")


class Deadline:
    """The time budget of one search (search_seconds; 0 or less: none), checked between its steps."""

    def __init__(self, seconds: float):
        self.seconds = float(seconds)
        self.ends = time.monotonic() + self.seconds if self.seconds > 0 else None

    def check(self) -> None:
        """Stop the search with a message once its time is up."""
        if self.ends is not None and time.monotonic() > self.ends:
            raise SearchTimeoutError(f"the search took longer than {self.seconds:g} s and was stopped (setting "
                                     "search_seconds): use fewer or more specific words, or a filter")
