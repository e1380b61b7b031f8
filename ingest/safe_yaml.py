"""YAML metadata (front matter, sidecars) read safely: a size limit and no aliases, so that a few hundred bytes can
never expand into gigabytes (the "billion laughs": each alias level multiplies what the one before holds)."""
from __future__ import annotations

from typing import Any

import yaml

MAX_YAML_BYTES = 64 * 1024


class YamlRefused(ValueError):
    """YAML metadata that is refused: too large, or using aliases."""


class _NoAliases(yaml.SafeLoader):
    """The safe loader, refusing every alias (`*name`)."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.events.AliasEvent):
            mark = self.peek_event().start_mark
            raise YamlRefused(f"YAML aliases (*name, line {mark.line + 1}) are not accepted in metadata: write "
                              "each value out")
        return super().compose_node(parent, index)


def load_metadata_yaml(text: str) -> Any:
    """The YAML document of a metadata block; YamlRefused when too large or using aliases, yaml.YAMLError when
    malformed."""
    if len(text.encode("utf-8")) > MAX_YAML_BYTES:
        raise YamlRefused(f"YAML metadata larger than {MAX_YAML_BYTES // 1024} KB is not accepted: keep it to the "
                          "document's fields")
    return yaml.load(text, Loader=_NoAliases)  # noqa: S506 - a SafeLoader subclass
