"""Recommendations and practices as records: a document's lines, its recommendation sections and items, the cue
words, extraction, addressees and topics, the records' store tables, their catalogue, keyword index, links and
searcher, exports and the evaluation against gold sets. Imports the core modules, `kb.text`, `kb.engines` and
`kb.search` (fusion and the document searcher); never indexing or a surface."""
