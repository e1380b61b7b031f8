"""Document fingerprints for near-duplicates (MinHash of word shingles) and translations (language-neutral
features: numbers, acronyms, web addresses, and the shape of the document)."""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Iterable

import numpy as np

N_HASHES = 128
SHINGLE_WORDS = 5
_WORD = re.compile(r"\w+", re.UNICODE)
# Tokens that read the same in every language: numbers (separators dropped), acronyms, web and mail addresses.
_NEUTRAL = re.compile(r"\b\d[\d.,]*\d\b|\b\d\b|\b[A-Z][A-Z0-9]{1,9}\b|(?:https?://|www\.)\S+|\S+@\S+\.\w+")
_SEEDS = np.random.default_rng(20260101).integers(1, 2**63 - 1, size=N_HASHES, dtype=np.uint64)
_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)


# Translations keep numbers, acronyms and addresses in the same order, so their consecutive pairs are compared:
# reports of one series share single numbers (years, totals) far more often than runs of them.
MIN_PAIRS = 50
MIN_PAGE_RATIO = 0.3


@dataclass
class Fingerprint:
    """What is compared between documents."""

    doc_id: str
    language: str | None
    n_pages: int
    minhash: np.ndarray  # uint64[N_HASHES]
    pair_hashes: np.ndarray  # uint64, sorted and unique: hashes of consecutive language-neutral tokens
    pair_counts: np.ndarray  # uint32, how often each pair occurs

    @property
    def pair_mass(self) -> int:
        """How many language-neutral pairs the document has."""
        return int(self.pair_counts.sum())


def _stable_hash(token: str) -> int:
    return int.from_bytes(hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest(), "little")


def _mix(values: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser, vectorised (uint64 arithmetic wraps, which is what the mixer wants)."""
    with np.errstate(over="ignore"):
        z = values + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def minhash(words: list[str]) -> np.ndarray:
    """MinHash signature of the set of word shingles."""
    if len(words) < SHINGLE_WORDS:
        shingles = {" ".join(words)}
    else:
        shingles = {" ".join(words[i:i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}
    hashes = np.fromiter((_stable_hash(s) for s in shingles), dtype=np.uint64, count=len(shingles))
    out = np.empty(N_HASHES, dtype=np.uint64)
    for start in range(0, N_HASHES, 16):
        seeds = _SEEDS[start:start + 16]
        out[start:start + 16] = _mix(hashes[None, :] ^ seeds[:, None]).min(axis=1)
    return out


def neutral_tokens(text: str) -> list[str]:
    """Language-neutral tokens in reading order, numbers normalised ("1.234" and "1,234" are the same)."""
    tokens: list[str] = []
    for token in _NEUTRAL.findall(text):
        if token[0].isdigit():
            token = token.replace(".", "").replace(",", "")
            if len(token) == 1:
                continue  # single digits are list numbers and page furniture
        elif "/" in token or "@" in token:
            token = token.rstrip(".,;:)").lower()
        tokens.append(token)
    return tokens


def fingerprint(doc_id: str, language: str | None, pages: Iterable[str]) -> Fingerprint:
    """The fingerprint of a document's text."""
    page_list = list(pages)
    text = "\n".join(page_list)
    words = [w.lower() for w in _WORD.findall(text)]
    tokens = neutral_tokens(text)
    pairs = Counter(_stable_hash(f"{a} {b}") for a, b in zip(tokens, tokens[1:]))
    hashes = np.array(sorted(pairs), dtype=np.uint64)
    counts = np.array([pairs[h] for h in sorted(pairs)], dtype=np.uint32)
    return Fingerprint(doc_id, language, len(page_list), minhash(words), hashes, counts)


def shingle_similarity(a: Fingerprint, b: Fingerprint) -> float:
    """Estimated Jaccard similarity of the two documents' word-shingle sets."""
    return float(np.mean(a.minhash == b.minhash))


def pair_containment(a: Fingerprint, b: Fingerprint) -> float:
    """Share of the smaller document's language-neutral pairs (with repeats) that the other one also has."""
    if not a.pair_mass or not b.pair_mass:
        return 0.0
    _, ia, ib = np.intersect1d(a.pair_hashes, b.pair_hashes, assume_unique=True, return_indices=True)
    shared = np.minimum(a.pair_counts[ia], b.pair_counts[ib]).sum()
    return float(shared) / min(a.pair_mass, b.pair_mass)


def translation_score(a: Fingerprint, b: Fingerprint) -> float:
    """How likely two documents in different languages are versions of one another (0 when not comparable)."""
    if not a.language or not b.language or a.language == b.language:
        return 0.0
    if min(a.pair_mass, b.pair_mass) < MIN_PAIRS:
        return 0.0
    if min(a.n_pages, b.n_pages) / max(a.n_pages, b.n_pages, 1) < MIN_PAGE_RATIO:
        return 0.0
    return pair_containment(a, b)


def find_relations(new: Fingerprint, others: Iterable[Fingerprint], near_threshold: float,
                   translation_threshold: float, linked_score: Callable[[str, str | None], float]
                   ) -> list[tuple[str, str, float]]:
    """(other doc id, "near-duplicate" | "translation", score) for a new document.

    A translation link goes to the best-scoring document of each other language, and only when that document
    has no better-scoring translation in the new document's language already (`linked_score`).
    """
    found: list[tuple[str, str, float]] = []
    best: dict[str, tuple[float, str]] = {}
    for other in others:
        if other.doc_id == new.doc_id:
            continue
        if new.language == other.language or not new.language or not other.language:
            score = shingle_similarity(new, other)
            if score >= near_threshold:
                found.append((other.doc_id, "near-duplicate", score))
            continue
        score = translation_score(new, other)
        if score >= translation_threshold and score > best.get(other.language, (0.0, ""))[0]:
            best[other.language] = (score, other.doc_id)
    for score, other_id in best.values():
        if linked_score(other_id, new.language) < score:
            found.append((other_id, "translation", score))
    return found


def from_blobs(doc_id: str, language: str | None, n_pages: int, minhash_blob: bytes, hashes_blob: bytes,
               counts_blob: bytes) -> Fingerprint:
    """A fingerprint read back from the store."""
    return Fingerprint(doc_id, language, n_pages, np.frombuffer(minhash_blob, dtype=np.uint64),
                       np.frombuffer(hashes_blob, dtype=np.uint64), np.frombuffer(counts_blob, dtype=np.uint32))
