"""The `kb` command line: `main` (the group and the document, search, list and serve commands), `recommendations`
(the records command), `alerts` (saved searches and their alerts) and `common` (context, output, errors). Commands
call the `KnowledgeBase` facade only, with the settings, errors, models and exporters it hands back; never an engine
or the store directly."""
from __future__ import annotations

from .main import main

__all__ = ["main"]
