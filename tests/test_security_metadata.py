"""YAML metadata never explodes (aliases refused, a size limit) and every metadata value is checked for its field
before it is stored."""
from __future__ import annotations

from pathlib import Path

import pytest

from kb import KnowledgeBase
from kb.errors import KBError

from .fixtures import ENGLISH_PAGES, make_pdf

# 9 levels of nine-fold aliases: a few hundred bytes that a plain YAML reader expands to 9**9 strings
BOMB = "\n".join(["a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]"]
                 + [f"{chr(98 + n)}: &{chr(98 + n)} [" + ",".join([f"*{chr(97 + n)}"] * 9) + "]" for n in range(8)])
BODY = "# Report on labour exploitation\n\nVictims of trafficking were found on farms.\n"


def test_yaml_alias_bomb_in_front_matter_is_refused_per_file(kb: KnowledgeBase, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.md"
    bomb.write_text(f"---\ntitle: Bomb\n{BOMB}\n---\n{BODY}")
    assert len(bomb.read_bytes()) < 800
    good = tmp_path / "good.md"
    good.write_text(BODY)
    report = kb.ingest([bomb, good], workers=1)
    assert [Path(i.source).name for i in report.failed] == ["bomb.md"]
    assert "aliases" in report.failed[0].reason and "bomb.md" in report.failed[0].source
    assert len(kb.doc_ids()) == 1 and (kb.home / "kb.sqlite").stat().st_size < 5_000_000


def test_yaml_alias_bomb_and_oversized_sidecars_are_refused_naming_the_sidecar(kb: KnowledgeBase,
                                                                               tmp_path: Path) -> None:
    first = make_pdf(tmp_path / "first.pdf", ENGLISH_PAGES)
    (tmp_path / "first.pdf.meta.yaml").write_text(f"title: Bomb\n{BOMB}\n")
    second = make_pdf(tmp_path / "second.pdf", ENGLISH_PAGES[:1])
    (tmp_path / "second.pdf.meta.yaml").write_text("title: Big\nnotes: '" + "x" * 70_000 + "'\n")
    report = kb.ingest([first, second], workers=1)
    reasons = {Path(i.source).name: i.reason for i in report.failed}
    assert "first.pdf.meta.yaml" in reasons["first.pdf"] and "aliases" in reasons["first.pdf"]
    assert "second.pdf.meta.yaml" in reasons["second.pdf"] and "KB" in reasons["second.pdf"]
    assert kb.doc_ids() == []


def test_front_matter_values_that_are_not_codes_or_years_are_never_stored(kb: KnowledgeBase, tmp_path: Path) -> None:
    lure = tmp_path / "lure.md"
    lure.write_text("---\ntitle: Lure\nlanguage: \"**nl** [x](https://evil.example)\"\nyear: \"20[x](y)\"\n"
                    "country: \"<b>NL</b>\"\norganisation: GRETA\n---\n" + BODY)
    report = kb.ingest([lure], workers=1)
    assert not report.failed
    doc = kb.get_document(kb.doc_ids()[0])
    assert doc.language == "en"  # the detected language, not the front matter's
    assert doc.year is None and doc.country is None and doc.organisation == "GRETA"


def test_hand_given_values_must_fit_their_field(kb: KnowledgeBase, tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "r.pdf", ENGLISH_PAGES)
    (tmp_path / "r.pdf.meta.json").write_text('{"language": "klingon-ish [x](y)"}')
    report = kb.ingest([path], workers=1)
    assert report.failed and "'language'" in report.failed[0].reason and "ISO 639-1" in report.failed[0].reason
    (tmp_path / "r.pdf.meta.json").write_text('{"language": "Dutch", "country": "Netherlands; BE", "year": "2019"}')
    kb.ingest([path], workers=1)
    doc = kb.get_document(kb.doc_ids()[0])
    assert (doc.language, doc.country, doc.year) == ("nl", "NL,BE", 2019)
    for field, value in (("language", "**nl**"), ("country", "Atlantis"), ("year", "99999"), ("year", "MMXX")):
        with pytest.raises(KBError, match=field):
            kb.correct_metadata(doc.doc_id, {field: value})
