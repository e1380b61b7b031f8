"""Ingestion: loaders per file type, metadata, chunking and the pipeline that writes through the facade."""
from .loaders import LoadOptions, RecordOptions
from .report import IngestItem, IngestReport

__all__ = ["LoadOptions", "RecordOptions", "IngestItem", "IngestReport"]
