"""atkb's raw query parser reads every text as whoosh's parser (QueryParser("body", schema=None) with GtLtPlugin)
does, quirks and errors included; and with tantivy or Milvus as the keyword engine, no whoosh module is imported."""
from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from whoosh import query as wq
from whoosh.qparser import QueryParser
from whoosh.qparser.plugins import GtLtPlugin

from kb.text import raw_query as rq
from kb.errors import QuerySyntaxError
from kb.engines.whoosh_keyword import whoosh_query

ROOT = Path(__file__).resolve().parents[1]

QUERIES = [
    "", "   ", "victims", "victims compensation", "title:guide", "body:victims", "title:(grooming sextortion)",
    "title:guide AND (grooming OR sextortion)", "a OR b AND c", "a AND b OR c AND d", "a OR b OR c", "NOT a",
    "a NOT b", "NOT a b", "NOT (a OR b)", "a AND NOT b", "a OR NOT b", "(a OR b) (c OR d)", "a ANDNOT b",
    "a ANDMAYBE b", "a REQUIRE b", "a ANDNOT b ANDNOT c", "(a OR b) ANDNOT (c OR d)", "REQUIRE a b",
    # phrases and single quotes
    '"labour exploitation"', '"labour exploitation"~3', '"a b"~0', '"a b"~12 c', '"a"', '""', 'title:"a b c"^2',
    '"unclosed victims', 'a "b c" "d', '"a\nb"', "'quoted words'", "x 'a b' y", "don't", "l'État", "''", "'a'b'",
    # wildcards and prefixes
    "traffick*", "t?st", "*", "*:*", "a*b*c", "a *", "*a", "a**", "a\u055eb", "title:inspect*", '"a b"*', "? ?",
    # fuzzy syntax is not whoosh's default: these are words
    "word~", "word~2", "word~2/3",
    # boosts
    "a^2", "a^2.5 b^0.5", "a^.5", "a^5.", "(a b)^2", "(a b)^2 AND c", "(a^2)^3", "^2", "a ^2", "(a ^2)", "a^", "a^x",
    # pages, ranges and comparisons
    "page:5", "page:[1 TO 3]", "page:{1 TO 3}", "page:[1 to 3}", "page:[TO 3]", "page:[3 TO]", "page:[ TO ]",
    "page:>5", "page:<5", "page:>=5", "page:<=5", "page:=<5", "page:=>5", "page:>5 page:<10", "page:>5^2",
    "page:[1 TO 3] page:[2 TO 12]", "page:>=5 page:<3 page:=<2 page:=>4", "page:[5 TO 5]", "page:{5 TO 5]",
    "page:['1' TO '3']", "page:[tomato TO 5]", "page:[1 TO 3] OR page:[2 TO 4]", "x:>a", "page:> 5", "a > b",
    # fields
    "doc_id:x-1", "page_id:x-1-p2", "doc_id:abc AND victims", "organisation:GRETA", "a:b:c", "title:", "title: a",
    "title:) a", "title:(a body:b)", "*:a", "title:*:* b", "title:* b", "a-b:c", "*:)* a", "*:[ TO ] a",
    # brackets and stray operators
    "(a", "a)", "((a b)", "(a b))", "()", "( )", "(((a)))", "(" * 50 + "a b" + ")" * 50, "(" * 2000 + "a",
    ")" * 2000, "AND", "OR a", "a OR", "a AND AND b", "NOT", "a OR OR b", "NOT AND b",
    # what whoosh cannot parse
    "NOT NOT a", "a ANDNOT REQUIRE b", ">5", "<< a", "(>5 a)",
    # unicode and whitespace
    "café naïve Überstunden", "Η εμπορία ανθρώπων", "mensenhandel\tslachtoffers\nschadevergoeding", "a\u3000b",
    "victims\u00a0AND\u00a0court", "ﬁnancial ½", "*:* NOT a", "* a", "page:* a",
]

PARSER = QueryParser("body", schema=None)
PARSER.add_plugin(GtLtPlugin())


def _whoosh_tree(q: Any) -> tuple:
    """A whoosh query as nested tuples of its kind and the fields that matter to results."""
    if isinstance(q, type(wq.NullQuery)):
        return ("null",)
    if isinstance(q, wq.Not):
        return ("not", _whoosh_tree(q.query), q.boost)
    if isinstance(q, (wq.AndNot, wq.AndMaybe, wq.Require)):
        return (type(q).__name__, _whoosh_tree(q.a), _whoosh_tree(q.b))
    if type(q) in (wq.And, wq.Or):
        return (type(q).__name__, q.boost, tuple(map(_whoosh_tree, q.subqueries)))
    if isinstance(q, wq.Phrase):
        return ("Phrase", q.fieldname, tuple(q.words), q.slop, q.boost)
    if isinstance(q, wq.TermRange):
        return ("Range", q.fieldname, q.start, q.end, q.startexcl, q.endexcl, q.boost)
    if isinstance(q, wq.Every):
        return ("Every", q.fieldname, q.boost)
    assert type(q) in (wq.Term, wq.Prefix, wq.Wildcard), q
    return (type(q).__name__, q.fieldname, q.text, q.boost)


def _tree(q: rq.Query) -> tuple:
    """atkb's query as the same nested tuples."""
    if q is rq.NULL:
        return ("null",)
    if isinstance(q, rq.Not):
        return ("not", _tree(q.query), q.boost)
    if isinstance(q, rq.BINARY):
        return (type(q).__name__, _tree(q.a), _tree(q.b))
    if isinstance(q, (rq.And, rq.Or)):
        return (type(q).__name__, q.boost, tuple(map(_tree, q.subqueries)))
    if isinstance(q, rq.Phrase):
        return ("Phrase", q.fieldname, q.words, q.slop, q.boost)
    if isinstance(q, rq.Range):
        return ("Range", q.fieldname, q.start, q.end, q.startexcl, q.endexcl, q.boost)
    if isinstance(q, rq.Every):
        return ("Every", q.fieldname, q.boost)
    return (type(q).__name__, q.fieldname, q.text, q.boost)


def _both(text: str) -> tuple[tuple, tuple]:
    """(whoosh's reading, atkb's reading): ("tree", tree) or ("error", what)."""
    try:
        theirs: tuple = ("tree", _whoosh_tree(PARSER.parse(text)))
    except Exception as exc:  # whoosh fails with IndexError, AssertionError, RecursionError...
        theirs = ("error", type(exc).__name__)
    try:
        ours: tuple = ("tree", _tree(rq.parse(text)))
    except QuerySyntaxError as exc:
        ours = ("error", str(exc))
    return theirs, ours


def _same(theirs: tuple, ours: tuple) -> bool:
    return theirs == ours if theirs[0] == "tree" else ours[0] == "error"


@pytest.mark.parametrize("text", QUERIES)
def test_the_tree_is_whooshs(text: str) -> None:
    theirs, ours = _both(text)
    assert _same(theirs, ours), f"{text!r}\nwhoosh: {theirs}\natkb:   {ours}"


@pytest.mark.parametrize("text", [t for t in QUERIES if _both(t)[0][0] == "tree"])
def test_the_whoosh_engine_gets_the_query_whooshs_parser_made(text: str) -> None:
    assert whoosh_query(rq.parse(text)) == PARSER.parse(text)


FUZZ_TOKENS = [
    "a", "b", "victims", "café", "x1", "to", "TO", "Tom", "AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "REQUIRE", '"',
    "'", "(", ")", "title:", "body:", "page:", "doc_id:", "x:", "*:", "*", "?", "\u055e", "^2", "^", "^.5", "~", "~2",
    "[", "]", "{", "}", "[1 TO 3]", "{a to}", "<", ">", "<=", ">=", "=<", "=>", "=", "1", "5", "10", ":", "*:*", "-",
    "'x y'", "\n", "\u00a0",
]
FUZZ_SEPARATORS = ["", "", " ", " ", "  ", "\t", "\u2009"]


FUZZ_CHARACTERS = [*"abtoTON DRQUIEMY\"'()*?:^~[]{}<>=.0123_-\n\t\u00a0\u055eé", " AND ", " OR ", " NOT ", "page:"]


def test_random_texts_read_as_whoosh_reads_them() -> None:
    rng = random.Random(20240611)
    texts = ["".join(rng.choice(FUZZ_TOKENS) + rng.choice(FUZZ_SEPARATORS) for _ in range(rng.randint(1, 16)))
             for _ in range(4000)]
    texts += ["".join(rng.choice(FUZZ_CHARACTERS) for _ in range(rng.randint(1, 30))) for _ in range(2000)]
    differ = []
    for text in texts:
        theirs, ours = _both(text)
        if not _same(theirs, ours):
            differ.append((text, theirs, ours))
    assert differ == []


def test_examples_of_the_tree() -> None:
    assert rq.parse("title:(a b)") == rq.And((rq.Term("title", "a"), rq.Term("title", "b")))
    a, b, c = rq.Term("body", "a"), rq.Term("body", "b"), rq.Term("body", "c")
    assert rq.parse("a OR b AND c") == rq.Or((a, rq.And((b, c))))
    assert rq.parse("a OR b c") == rq.And((rq.Or((a, b)), c))  # words side by side are not an AND operator
    assert rq.parse('"a b"~3^2') == rq.Phrase("body", ("a", "b"), 3, 2.0)
    assert rq.parse("page:>5") == rq.Range("page", "5", None, True, False)
    assert rq.parse("page:[1 TO 3]") == rq.Range("page", "1", "3")
    assert rq.parse("page:5") == rq.Term("page", "5")
    assert rq.parse("inspect*") == rq.Prefix("body", "inspect")
    assert rq.parse("word~2") == rq.Term("body", "word~2")
    assert rq.parse("a NOT b") == rq.And((a, rq.Not(b)))
    assert rq.parse("(a") == rq.Term("body", "a") and rq.parse("()") is rq.NULL


@pytest.mark.parametrize("text, message", [
    (">5", "must follow a field name"), ("NOT NOT a", "NOT must be followed"),
    ("a ANDNOT REQUIRE b", "on either side"), ("(" * 2000 + "a" + ")" * 2000, "levels deep"),
    (" ANDNOT ".join(["a"] * 2000), "levels deep"), ('"a b"~' + "9" * 5000, "too long"),
    (" ".join(f"page:[{n:04d}0 TO {n:04d}1]" for n in range(150)), "ranges"),
])
def test_what_cannot_be_read_is_a_query_syntax_error(text: str, message: str) -> None:
    with pytest.raises(QuerySyntaxError, match=message):
        rq.parse(text)


def test_long_hostile_texts_parse_in_linear_time() -> None:
    """Texts that make whoosh's patterns rescan the rest of the text at every position."""
    size = 20000
    texts = ["-'" * (size // 2), "[" * size, "[a to " * (size // 6), "abcdefghij" * (size // 10), '"a ' * (size // 3),
             "'a\n" * (size // 3), "a*" * (size // 2), "a:" * (size // 2), " OR ".join(["a"] * (size // 5)),
             "(" * size + "a", "page:>1 " * (size // 8)]
    started = time.perf_counter()
    for text in texts:
        try:
            rq.parse(text)
        except QuerySyntaxError:
            pass
    assert time.perf_counter() - started < 10


def test_tantivy_and_milvus_import_no_whoosh(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "report.txt").write_text("Victims of labour exploitation in agriculture get compensation.")
    script = (
        "import sys\n"
        "import kb.facade\n"
        "from kb import KnowledgeBase, Settings\n"
        "from kb.engines.keyword import parse_raw_syntax\n"
        "from kb.engines.milvus_raw_query import RawTranslator\n"
        "with KnowledgeBase(Settings.load()) as kb:\n"
        f"    kb.ingest([{str(tmp_path / 'docs')!r}], workers=1)\n"
        "    found = [len(kb.search('victims compensation', mode='keyword').hits),\n"
        "             len(kb.search('title:report OR (victims AND page:>0)', mode='keyword', raw=True).hits),\n"
        "             len(kb.search('victims compensation', mode='hybrid').hits)]\n"
        "RawTranslator(['en']).translate(parse_raw_syntax('title:a OR \"b c\" NOT page:[1 TO 3] d*'))\n"
        "print(found, sorted(m for m in sys.modules if m == 'whoosh' or m.startswith('whoosh.')))\n")
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("KB_")}, "KB_HOME": str(tmp_path / "home"),
           "KB_KEYWORD_BACKEND": "tantivy", "KB_EMBEDDER": "hashing", "KB_OCR": "off"}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[1, 1, 1] []"
