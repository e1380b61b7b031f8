"""The engines behind small protocols, and the one place that builds them: keyword indexes (`KeywordIndex`: tantivy,
whoosh, Milvus), vector indexes (`VectorIndex`: exact, HNSW, Milvus), embedders (`Embedder`: sentence-transformers,
int8 ONNX, the multilingual USE, the composite of two, hashing) and `registry`, one table per kind from which
settings choose. Imports `kb.errors`, `kb.models`, `kb.settings` and `kb.text`; never search, indexing,
recommendations, the store or a surface."""
