"""Embedding in a background thread, so that reading, chunking and indexing the next batch overlap with it.

The thread only computes vectors; everything that touches the store or an index stays with the writer's thread,
which collects the finished steps (and writes them to the embedding cache) whenever it gets control.
"""
from __future__ import annotations

import queue
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

import numpy as np

EmbedTexts = Callable[[Sequence[str]], np.ndarray]


class _Stopped(Exception):
    """The stage was closed while a job was still running."""


@dataclass
class EmbeddingJob:
    """The texts (digest, text) one batch still needs vectors for, and the future of their computation."""

    items: list[tuple[str, str]]
    future: Future


class EmbeddingStage:
    """One worker thread that embeds the jobs it is given in order, a step of texts at a time."""

    def __init__(self, embed: EmbedTexts, step: int):
        self._embed = embed
        self._step = max(1, step)
        self._done: queue.SimpleQueue[tuple[list[str], np.ndarray]] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="atkb-embed")

    def submit(self, items: list[tuple[str, str]]) -> EmbeddingJob:
        """Queue texts to embed after the jobs already queued."""
        return EmbeddingJob(items, self._executor.submit(self._run, items))

    def _run(self, items: list[tuple[str, str]]) -> None:
        for start in range(0, len(items), self._step):
            if self._stop.is_set():
                raise _Stopped()
            part = items[start:start + self._step]
            matrix = self._embed([text for _, text in part])
            self._done.put(([digest for digest, _ in part], matrix))

    def finished_steps(self) -> list[tuple[list[str], np.ndarray]]:
        """The steps computed since the last call (digests and their vectors), without waiting."""
        steps = []
        while True:
            try:
                steps.append(self._done.get_nowait())
            except queue.Empty:
                return steps

    def wait(self, job: EmbeddingJob) -> None:
        """Block until a job is computed; its error, if it failed, is raised here."""
        job.future.result()

    def close(self) -> None:
        """Stop after the step in progress (what is not collected is dropped) and end the thread."""
        self._stop.set()
        self._executor.shutdown(wait=True, cancel_futures=True)


def embedding_matrix(hashes: Sequence[str], vectors: Mapping[str, bytes]) -> np.ndarray:
    """One float32 row per text hash, from stored vectors."""
    if not hashes:
        return np.zeros((0, 0), dtype=np.float32)
    dim = len(vectors[hashes[0]]) // 4
    out = np.zeros((len(hashes), dim), dtype=np.float32)
    for i, digest in enumerate(hashes):
        out[i] = np.frombuffer(vectors[digest], dtype=np.float32)
    return out
