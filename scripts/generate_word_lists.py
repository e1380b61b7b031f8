"""Writes kb/text/word_lists.py from the installed whoosh: its English stop words, its stop-word list of every language
and its accent-folding table, which atkb's analyzers use without importing whoosh. Indexes hold terms analysed with
exactly these lists, so the file is copied, never edited; tests/test_raw_query.py checks it against whoosh.
Usage: python scripts/generate_word_lists.py
"""
from __future__ import annotations

import textwrap
from pathlib import Path

from whoosh.analysis import STOP_WORDS
from whoosh.lang import aliases
from whoosh.lang.stopwords import stoplists
from whoosh.support.charset import accent_map

TARGET = Path(__file__).resolve().parents[1] / "kb" / "text" / "word_lists.py"
WIDTH = 116

HEADER = '''"""whoosh 2.7's English stop words, stop-word lists per language and accent-folding table, copied by
scripts/generate_word_lists.py (do not edit: indexes hold terms analysed with exactly these)."""
from __future__ import annotations

'''


def words(name: str, items: frozenset[str], indent: str = "") -> str:
    """A frozenset of words as a wrapped string literal that is split at import."""
    assert all(w and not any(c.isspace() for c in w) for w in items)
    body = textwrap.fill(" ".join(sorted(items)), WIDTH - len(indent) - 4, break_on_hyphens=False)
    lines = body.split("\n")
    return f'{name}frozenset("""\n' + "\n".join(indent + "    " + line for line in lines) + f'\n{indent}""".split())'


def mapping(items: list[tuple[object, object]]) -> str:
    """A dict literal, a few pairs a line, keys and values written with ASCII escapes."""
    lines, line = [], ""
    for key, value in items:
        pair = f"{ascii(key)}: {ascii(value)},"
        if line and len(line) + len(pair) + 1 > WIDTH - 4:
            lines.append(line)
            line = ""
        line = f"{line} {pair}" if line else pair
    return "{\n" + "\n".join("    " + text for text in [*lines, line]) + "\n}"


def main() -> None:
    parts = [HEADER, words("ENGLISH_STOP_WORDS = ", STOP_WORDS), "\n\nSTOPLISTS: dict[str, frozenset[str]] = {\n"]
    for lang in sorted(stoplists):
        parts.append(words(f'    "{lang}": ', stoplists[lang], "    ") + ",\n")
    parts.append("}\n\nLANGUAGE_ALIASES: dict[str, str] = ")
    parts.append(mapping(sorted(aliases.items())))
    parts.append("\n\nACCENT_MAP: dict[int, str] = ")
    parts.append(mapping(sorted(accent_map.items())))
    TARGET.write_text("".join(parts) + "\n")


if __name__ == "__main__":
    main()
