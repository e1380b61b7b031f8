"""atkb: a searchable best-practice knowledge base on trafficking in human beings."""
from .errors import KBError
from .facade import KnowledgeBase, SearchResults
from .filters import Filters
from .models import Chunk, Document, Hit, Page, Passage
from .settings import SETTINGS, Settings

__all__ = ["KBError", "KnowledgeBase", "SearchResults", "Filters", "Chunk", "Document", "Hit", "Page", "Passage",
           "SETTINGS", "Settings"]
__version__ = "0.1.0"
