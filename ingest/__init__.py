"""Ingestion: loaders per file type, metadata, chunking and the pipeline the knowledge base runs to ingest."""
from .loaders import LoadOptions

__all__ = ["LoadOptions"]
