"""The int8 ONNX embedder: a sentence-transformers model exported once to ONNX, its matrix multiplications
quantised to int8 (dynamic, per channel), and run by ONNX Runtime — about twice the chunks per second of torch
fp32 on a CPU, with vectors within a cosine of 0.99 of the originals (docs/benchmarks.md).

The export is made offline from the model on disk (the bundled all-MiniLM-L6-v2 or any local model), on first
use, and cached under the data directory (`models/`), keyed by the model's files; the embedding cache and the
vector index record the backend in the model id, so fp32 and int8 vectors are never mixed.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import threading
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import numpy as np

from .embedding import QueryCache, embedding_threads
from ..errors import KBError
from .model_paths import resolve_model_path

ONNX_FILE = "model-int8.onnx"
_EXPORT_LOCK = threading.Lock()


def onnx_model_id(model_name: str) -> str:
    """The id the int8 ONNX embedder records for a model (distinct from the torch one)."""
    return f"st:{model_name}#onnx-int8"


def _model_fingerprint(location: Path) -> str:
    """A short digest of the model's files (names, sizes, modification times): a changed model exports anew."""
    digest = hashlib.sha256()
    for path in sorted(p for p in location.rglob("*") if p.is_file()):
        stat = path.stat()
        digest.update(f"{path.relative_to(location)}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:12]


@contextmanager
def _quiet_root_logger() -> Iterator[None]:
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)
    try:
        yield
    finally:
        root.setLevel(level)


def export_int8(location: Path, target: Path) -> None:
    """Export a local sentence-transformers model to ONNX and quantise it to int8, into `target` (atomically)."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(location), device="cpu").eval()
    tokenizer_file = location / "tokenizer.json"
    if not tokenizer_file.is_file():
        raise KBError(f"the model at {location} has no tokenizer.json (a fast tokenizer), which the int8 ONNX "
                      "backend needs: set embed_backend = \"torch\" for this model")
    examples = ["an example sentence", "another, somewhat longer, example sentence"]
    features = model.preprocess(examples) if hasattr(model, "preprocess") else model.tokenize(examples)
    names = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in features]

    class SentenceEmbedding(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, *inputs: torch.Tensor) -> torch.Tensor:
            out = self.model(dict(zip(names, inputs)))["sentence_embedding"]
            return torch.nn.functional.normalize(out, p=2, dim=1)

    work = Path(tempfile.mkdtemp(prefix=".export-", dir=target.parent))
    try:
        axes = {n: {0: "batch", 1: "tokens"} for n in names} | {"sentence_embedding": {0: "batch"}}
        # the exporter's and the quantiser's advice is for their developers, not for people ingesting documents
        with torch.no_grad(), warnings.catch_warnings(), _quiet_root_logger():
            warnings.simplefilter("ignore")
            torch.onnx.export(SentenceEmbedding(), tuple(features[n] for n in names), str(work / "model.onnx"),
                              input_names=names, output_names=["sentence_embedding"], dynamic_axes=axes,
                              opset_version=17, dynamo=False)
            quantize_dynamic(str(work / "model.onnx"), str(work / ONNX_FILE), op_types_to_quantize=["MatMul"],
                             per_channel=True, weight_type=QuantType.QInt8)
        (work / "model.onnx").unlink()
        shutil.copyfile(tokenizer_file, work / "tokenizer.json")
        (work / "config.json").write_text(json.dumps({
            "inputs": names, "max_seq_length": int(model.max_seq_length or 256),
            "dimension": int((getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension)())}))
        try:
            os.replace(work, target)
        except OSError:  # another process finished the same export first: keep theirs
            pass
    finally:
        shutil.rmtree(work, ignore_errors=True)


class OnnxInt8Embedder:
    """A sentence-transformers model run as int8 ONNX; same interface as the torch embedder."""

    def __init__(self, model_name: str, cache_root: Path):
        location = Path(resolve_model_path(model_name))
        if not location.is_dir():
            raise KBError(f"embed_backend = \"onnx-int8\" exports the model from disk, but {model_name!r} is not a "
                          "local model: download it once (or set KB_EMBED_MODEL to its folder), or use "
                          "embed_backend = \"torch\"")
        folder = Path(cache_root) / f"{location.name}-{_model_fingerprint(location)}"
        with _EXPORT_LOCK:
            if not (folder / ONNX_FILE).is_file():
                folder.parent.mkdir(parents=True, exist_ok=True)
                export_int8(location, folder)
        self._load(folder)
        self.model_name = model_name
        self.model_id = onnx_model_id(model_name)
        self._cache = QueryCache()

    def _load(self, folder: Path) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        config = json.loads((folder / "config.json").read_text())
        self.inputs: list[str] = config["inputs"]
        self.max_tokens = int(config["max_seq_length"])
        self.dimension = int(config["dimension"])
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.intra_op_num_threads = embedding_threads()
        # no busy-waiting between operators: during ingestion the reading workers need those cores
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(str(folder / ONNX_FILE), options, providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(self.max_tokens)
        self.tokenizer.no_padding()  # padded per batch below, with the attention mask to match

    def _batch(self, texts: Sequence[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(list(texts))
        length = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), length), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, encoding in enumerate(encodings):
            ids[row, :len(encoding.ids)] = encoding.ids
            mask[row, :len(encoding.ids)] = 1
        feeds: dict[str, Any] = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        return self.session.run(None, {name: feeds[name] for name in self.inputs})[0]

    def embed(self, texts: Sequence[str], *, batch_size: int = 32,
              progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Embed in batches (texts of similar length together, so that little padding is computed)."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), batch_size):
            rows = order[start:start + batch_size]
            out[rows] = self._batch([texts[i] for i in rows])
            if progress:
                progress(len(rows))
        return out

    def embed_query(self, text: str) -> np.ndarray:
        """One query vector (cached per process)."""
        return self._cache.get(text, lambda t: self.embed([t])[0])
