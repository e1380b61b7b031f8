"""Answering queries: the searcher (keyword, semantic and hybrid retrieval), query translation, ranking and fusion,
results grouped by document, the passages a results page shows, the ready documents, and retrieval metrics.
Imports the core modules (`kb.errors`, `kb.models`, `kb.filters`, `kb.settings`, `kb.store`), `kb.text` and
`kb.engines`; never indexing, recommendations or a surface."""
