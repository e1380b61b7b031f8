"""Text as atkb reads it: per-language analysis (tokens, stop words, stems, accents), the language of a short query,
plain queries and the raw query syntax, and the thesaurus of the field. Imports only `kb.errors` and `kb.models`:
never an engine, the store or anything above them."""
