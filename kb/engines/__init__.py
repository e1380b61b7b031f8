"""The engines behind small protocols, and the one place that builds them: keyword indexes (`KeywordIndex`: tantivy,
whoosh, Milvus), vector indexes (`VectorIndex`: exact, HNSW, Milvus), embedders (`Embedder`: sentence-transformers
on torch fp32, bf16 or a GPU, int8 ONNX, the multilingual USE, the composite of two, hashing), the calibration that
picks a runtime per machine, and `registry`, one table per kind from which settings choose. Imports `kb.errors`, `kb.models`, `kb.settings` and `kb.text`; never search, indexing,
recommendations, the store or a surface."""
