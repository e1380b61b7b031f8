"""The `kb` command line: `main` (the group and the document, search and serve commands), `lists` (reading
lists), `accounts` (`kb users` and `kb audit`), `recommendations` (the records command), `alerts` (saved searches
and their alerts) and `common` (context, the acting account, output, errors). Commands call the `KnowledgeBase`
facade only, with the settings, errors, models and exporters it hands back; never an engine or the store directly."""
from __future__ import annotations

from .main import main

__all__ = ["main"]
