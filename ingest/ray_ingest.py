"""Reading, chunking and embedding spread over a Ray cluster (or a local Ray instance): each file is one Ray task
that returns its prepared documents with their chunks' vectors; the one writer (this process) puts the vectors in
the embedding cache and writes the documents as a local run does, so the report, the crash safety and the
knowledge base are the same."""
from __future__ import annotations

import os
from collections import deque
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

import numpy as np

from kb.errors import KBError
from kb.lock import kill_point

LOCAL = "local"
GCS_WAIT_VARIABLE = "RAY_gcs_server_port_wait_time_s"
AUTH_MODE_VARIABLE = "RAY_AUTH_MODE"
LOCAL_START_WAIT_S = 180
# The Ray instance this process started or joined, and the address it was asked for.
_started: dict[str, str] = {}
# Each Ray worker's embedding model, loaded by its first task and kept for the next ones.
_worker_embedders: dict[str, Any] = {}


def start_ray(address: str) -> Any:
    """Join the Ray cluster at `address`, or start a local Ray instance (address "local" or empty)."""
    try:
        import ray
    except ImportError:
        raise KBError("`kb ingest --ray` needs the package ray: pip install 'atkb[ray]'") from None
    wanted = address or LOCAL
    if ray.is_initialized():
        if _started.get("address", wanted) != wanted:
            raise KBError(f"this process already uses the Ray instance at {_started['address']}; it cannot switch to "
                          f"{wanted}")
        return ray
    try:
        if wanted == LOCAL:
            # Ray waits 30 s for a new instance's control server, which a busy machine of 2 cores can exceed
            os.environ.setdefault(GCS_WAIT_VARIABLE, str(LOCAL_START_WAIT_S))
            # Ray's servers listen on every interface whatever node address it is given (it even rewrites
            # 127.0.0.1 to the machine's address), so the instance atkb starts always requires Ray's token
            # (kept 0600 in ~/.ray): other machines cannot join it or run tasks on it.
            _require_ray_token()
            # a small object store: prepared documents are passed one file at a time
            ray.init(include_dashboard=False, log_to_driver=False, configure_logging=False,
                     object_store_memory=256 * 1024 * 1024)
        else:
            ray.init(address=wanted, log_to_driver=False, configure_logging=False)
    except Exception as exc:  # ray raises ConnectionError, RuntimeError and its own errors
        raise KBError(f"cannot start or join the Ray cluster at {wanted!r} ({type(exc).__name__}: {exc}): check "
                      "the address (ray://host:10001 or host:6379) or leave it out for a local Ray instance") from None
    _started["address"] = wanted
    return ray


def _require_ray_token() -> None:
    """Token authentication for this process and the Ray instance it starts, whatever RAY_AUTH_MODE said."""
    os.environ[AUTH_MODE_VARIABLE] = "token"
    try:  # Ray caches its configuration when imported; this is how Ray itself refreshes it
        from ray._raylet import Config

        Config.initialize("")
    except (ImportError, AttributeError):  # another Ray version: the variable alone decides
        pass


def prepare_and_embed(job: Any, settings_values: Mapping[str, Any], embed: bool) -> tuple[list[Any], dict[str, bytes]]:
    """One Ray task: read and chunk a file, then embed its chunks (once per distinct text)."""
    from kb.settings import Settings

    from .prepare import prepare_file

    kill_point(f"ray_task_{Path(job.path).name}")
    results = prepare_file(job)
    if not embed:
        return results, {}
    texts = {c.text_sha256: c.text for r in results if r.prepared is not None for c in r.prepared.chunks}
    if not texts:
        return results, {}
    settings = Settings(dict(settings_values))
    matrix = worker_embedder(settings).embed(list(texts.values()), batch_size=settings.embed_batch_size)
    vectors = {digest: np.asarray(matrix[i], dtype=np.float32).tobytes() for i, digest in enumerate(texts)}
    return results, vectors


def worker_embedder(settings: Any) -> Any:
    """This Ray worker's embedder for the settings, loaded by its first task to compute with the CPUs Ray gave
    that task (the node's other CPUs run other tasks) and kept for the next ones."""
    from kb.engines.registry import build_embedder, embedder_model_id
    from kb.engines.embedding import set_embedding_threads

    model_id = embedder_model_id(settings)
    if model_id not in _worker_embedders:
        set_embedding_threads(_assigned_cpus())
        _worker_embedders[model_id] = build_embedder(settings)
    return _worker_embedders[model_id]


def _assigned_cpus() -> int:
    """The CPUs Ray gave this task (one, unless the cluster's scheduler gave more)."""
    import ray

    return max(1, int(ray.get_runtime_context().get_assigned_resources().get("CPU", 1)))


def run_jobs_on_ray(jobs: list[Any], address: str, settings: Any, failed: Callable[[str, str], Any],
                    cache_vectors: Callable[[dict[str, bytes]], None]) -> Iterator[tuple[Any, list[Any]]]:
    """Run the jobs as Ray tasks, a few per CPU of the cluster ahead of the writer, and yield each job's results
    in order; a task that fails (its worker died, its node was lost) is that file's failure."""
    if not jobs:
        return
    ray = start_ray(address)
    resources = ray.cluster_resources()
    # a GPU embeds where the cluster has one: the torch and cuda-fp16 runtimes use it (int8 ONNX and bf16 run on
    # CPUs); `settings` name the runtime this knowledge base's vectors are made with
    options: dict[str, Any] = {"max_retries": 0, "num_cpus": 1}
    if resources.get("GPU", 0) >= 1 and settings.embed_backend in ("torch", "cuda-fp16"):
        options["num_gpus"] = 1
    task = ray.remote(prepare_and_embed).options(**options)
    values = settings.as_dict()
    embed = bool(settings.semantic)
    window = max(2, int(resources.get("CPU", 1)) * 2)
    queue = deque(jobs)
    in_flight: deque[tuple[Any, Any]] = deque()
    while queue or in_flight:
        while queue and len(in_flight) < window:
            job = queue.popleft()
            in_flight.append((job, task.remote(job, values, embed)))
        job, ref = in_flight.popleft()
        try:
            results, vectors = ray.get(ref)
        except Exception as exc:  # RayTaskError, WorkerCrashedError, NodeDiedError, ...
            reason = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ""
            results, vectors = [failed(job.source or job.path, f"the Ray worker reading it failed "
                                                              f"({type(exc).__name__}: {reason}); try it again, or "
                                                              "without --ray to see the reason")], {}
        if vectors:
            cache_vectors(vectors)
        yield job, results

