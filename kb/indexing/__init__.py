"""Changing a data directory: the indexer (every change under the write lock: writes, deletes, corrections,
rebuilds, recovery), the batched crash-safe writer and its embedding stage, document fingerprints and the relations
they reveal, document topics, the ingest report, and the interface through which an ingestion pipeline hands files
over. Imports the core modules, `kb.text`, `kb.engines` and `kb.recommendations` (records are extracted as documents
are written); never search or a surface."""
