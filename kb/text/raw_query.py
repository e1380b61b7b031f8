"""The raw query syntax (`kb search --raw`): atkb's own parser and query tree, the same for every keyword engine.

The syntax is the one whoosh's default query parser (with its `<`/`>` plugin) reads, and the parser gives the tree
whoosh gives, quirks included, because results depend on it: clauses side by side are all required, more loosely
bound than any operator (`a OR b c` is `(a OR b) AND c`); AND binds tighter than OR; NOT applies to the next clause;
`title:`, `body:`, `page:`, `doc_id:` and `page_id:` name a field, also for a group (`title:(a b)`); "phrases" take
a `~slop`; `*` and `?` are wildcards (a single trailing `*` is a prefix); `^2` boosts; `page:[1 TO 3]`,
`page:{1 TO 3}`, `page:>5`, `<`, `>=` and `<=` are ranges; ANDNOT, ANDMAYBE and REQUIRE join two clauses. Malformed input is read as whoosh reads it: an unmatched quote or bracket is a plain
character or is dropped, an operator with nothing on one side is dropped, `word~2` is the word "word~2" (then
`with_fuzzy_terms` makes such words fuzzy terms, which every engine reads). What whoosh cannot read at all is a
QuerySyntaxError.

The steps are whoosh's: the text is cut into tokens (at each position the first of whoosh's token patterns that
matches, tried in whoosh's order; the characters between are words), the tokens are grouped by brackets, then
wildcards, `<`/`>`, fields, boosts and operators are applied in whoosh's order, and the tree is normalised as
whoosh normalises it (nested groups of one kind flattened, duplicates and empty parts dropped, ranges on one field
merged). Each step is linear in the length of the text. Two limits whoosh does not have keep it so: nesting deeper
than MAX_DEPTH levels (whoosh fails with a RecursionError some way beyond) and more than MAX_RANGES ranges side by
side (whoosh compares each pair) are refused.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any, Callable, ClassVar, Union

from ..errors import QuerySyntaxError

DEFAULT_FIELD = "body"
MAX_DEPTH = 100  # levels of brackets and operators
MAX_RANGES = 100  # ranges side by side in one group


# ----- the query tree ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Term:
    """A word in a field (the engines analyse it)."""

    fieldname: str
    text: str
    boost: float = 1.0


@dataclass(frozen=True)
class Phrase:
    """Words in order in a field; slop 1 means next to each other."""

    fieldname: str
    words: tuple[str, ...]
    slop: int = 1
    boost: float = 1.0


@dataclass(frozen=True)
class Prefix:
    """Terms that start with the text."""

    fieldname: str
    text: str
    boost: float = 1.0


@dataclass(frozen=True)
class Wildcard:
    """Terms that match a glob pattern of `*` and `?`."""

    fieldname: str
    text: str
    boost: float = 1.0


@dataclass(frozen=True)
class FuzzyTerm:
    """Terms within maxdist edits of the text (whoosh's default syntax, and so `parse`, never makes one: `word~2` is
    a word, which `with_fuzzy_terms` turns into one)."""

    fieldname: str
    text: str
    boost: float = 1.0
    maxdist: int = 1
    prefixlength: int = 0


@dataclass(frozen=True)
class Range:
    """Values from start to end (None: open), each end included unless marked exclusive."""

    fieldname: str
    start: str | None
    end: str | None
    startexcl: bool = False
    endexcl: bool = False
    boost: float = 1.0


@dataclass(frozen=True)
class Every:
    """Every page (fieldname None, or `*`) or every page with something in the field."""

    fieldname: str | None = None
    boost: float = 1.0

    def __post_init__(self) -> None:
        if self.fieldname == "*":
            object.__setattr__(self, "fieldname", None)


@dataclass(frozen=True)
class Not:
    """Pages that do not match the query."""

    query: Query
    boost: float = 1.0


@dataclass(frozen=True)
class AndNot:
    """Pages matching a but not b."""

    a: Query
    b: Query
    boost: ClassVar[float] = 1.0


@dataclass(frozen=True)
class AndMaybe:
    """Pages matching a; b adds to the score of those that match it too."""

    a: Query
    b: Query
    boost: ClassVar[float] = 1.0


@dataclass(frozen=True)
class Require:
    """Pages matching both, scored by a only."""

    a: Query
    b: Query
    boost: ClassVar[float] = 1.0


@dataclass(frozen=True)
class And:
    """Pages matching every subquery."""

    subqueries: tuple[Query, ...]
    boost: float = 1.0


@dataclass(frozen=True)
class Or:
    """Pages matching any subquery."""

    subqueries: tuple[Query, ...]
    boost: float = 1.0


@dataclass(frozen=True)
class Null:
    """Matches nothing."""

    boost: ClassVar[float] = 1.0


NULL = Null()
Query = Union[Term, Phrase, Prefix, Wildcard, FuzzyTerm, Range, Every, Not, AndNot, AndMaybe, Require, And, Or, Null]
LEAVES = (Term, Phrase, Prefix, Wildcard, FuzzyTerm, Range)
BINARY = (AndNot, AndMaybe, Require)


def parse(text: str) -> Query:
    """The query tree of a text in the raw syntax (a QuerySyntaxError where it cannot be read)."""
    top = _apply_brackets(_Tokenizer(text).tokens())
    _clean_boosts(top)
    for step in (_merge_wildcards, _apply_comparisons, _apply_fields, _remove_whitespace, _apply_boosts,
                 _apply_operators):
        step(top)
    if _depth(top) > MAX_DEPTH:
        raise QuerySyntaxError(f"the query nests operators and brackets more than {MAX_DEPTH} levels deep")
    query = _query(top)
    return normalize(query if _truthy(query) else NULL)


_FUZZY = re.compile(r"^(?P<word>[^~*?]+)~(?P<distance>[0-9]?)$")
MAX_FUZZY_DISTANCE = 2


def with_fuzzy_terms(query: Query) -> Query:
    """The tree with every word written `word~` or `word~N` (N edits, 1 when not given, at most 2) as a FuzzyTerm."""
    if isinstance(query, Term):
        match = _FUZZY.match(query.text) if query.fieldname not in ("page", "doc_id", "page_id") else None
        if match is None:
            return query
        distance = int(match["distance"] or 1)
        if not 0 < distance <= MAX_FUZZY_DISTANCE:
            raise QuerySyntaxError(f"fuzzy term {query.text!r}: the number of edits after ~ must be 1 or 2")
        return FuzzyTerm(query.fieldname, match["word"], query.boost, distance)
    return _map_children(query, with_fuzzy_terms)


def _map_children(query: Query, change: Callable[[Query], Query]) -> Query:
    if isinstance(query, (And, Or)):
        return replace(query, subqueries=tuple(change(q) for q in query.subqueries))
    if isinstance(query, Not):
        return replace(query, query=change(query.query))
    if isinstance(query, BINARY):
        return replace(query, a=change(query.a), b=change(query.b))
    return query


def leaves(query: Query) -> list[Query]:
    """Every leaf of the tree (terms, phrases, prefixes, wildcards, fuzzy terms, ranges)."""
    if isinstance(query, LEAVES):
        return [query]
    found: list[Query] = []

    def collect(child: Query) -> Query:
        found.extend(leaves(child))
        return child
    _map_children(query, collect)
    return found


def expansions(query: Query) -> int:
    """How many parts of the tree match a set of terms: each prefix and fuzzy term, each `*` and `?` of a wildcard."""
    count = 0
    for leaf in leaves(query):
        if isinstance(leaf, (Prefix, FuzzyTerm)):
            count += 1
        elif isinstance(leaf, Wildcard):
            count += sum(leaf.text.count(c) for c in "*?")
    return count


# ----- tokens --------------------------------------------------------------------------------------------------

class _Node:
    """A token or group while the text is parsed (mutable, as whoosh's syntax nodes)."""

    has_fieldname = has_boost = False
    fieldname: str | None = None
    boost = 1.0

    def is_ws(self) -> bool:
        return False

    def set_fieldname(self, name: str) -> None:
        if self.has_fieldname and self.fieldname is None:
            self.fieldname = name


class _Text(_Node):
    """A word, wildcard pattern, prefix or phrase."""

    has_fieldname = has_boost = True

    def __init__(self, kind: str, text: str, slop: int = 1):
        self.kind, self.text, self.slop = kind, text, slop
        self.fieldname, self.boost = None, 1.0


class _Range(_Node):
    has_fieldname = has_boost = True

    def __init__(self, start: str | None, end: str | None, startexcl: bool, endexcl: bool):
        self.start, self.end, self.startexcl, self.endexcl = start, end, startexcl, endexcl
        self.fieldname, self.boost = None, 1.0


class _Group(_Node):
    """Nodes joined by AND or OR, a NOT of one node, or two nodes joined by ANDNOT, ANDMAYBE or REQUIRE."""

    def __init__(self, kind: str, nodes: list[_Node] | None = None):
        self.kind, self.nodes, self.boost = kind, nodes or [], 1.0
        self.has_boost = kind not in _BINARY_KINDS

    def set_fieldname(self, name: str) -> None:
        for node in self.nodes:
            node.set_fieldname(name)


class _Mark(_Node):
    """Whitespace, a bracket, `*:*`, an operator (`op`) or a comparison (`rel`)."""

    def __init__(self, kind: str, value: str = ""):
        self.kind, self.value = kind, value

    def is_ws(self) -> bool:
        return self.kind == "ws"


class _Field(_Node):
    has_fieldname = True

    def __init__(self, name: str, original: str):
        self.fieldname, self.original = name, original


class _Boost(_Node):
    def __init__(self, original: str, boost: float):
        self.original, self.boost_value = original, boost


_BINARY_KINDS = {"andnot": AndNot, "andmaybe": AndMaybe, "require": Require}
_OPERATORS = (  # word, kind, may it start the text, may it follow a bracket (else it must follow whitespace)
    ("ANDNOT", "andnot", False, False), ("ANDMAYBE", "andmaybe", False, False), ("NOT", "not", True, True),
    ("AND", "and", False, False), ("OR", "or", False, False), ("REQUIRE", "require", True, False))
_QMARKS = "?\u055e\u061f\u1367"  # whoosh's question marks: Latin, Armenian, Arabic, Ethiopic
_DIGITS = "0123456789"
_COMPARISONS = ("<=", ">=", "<", ">", "=<", "=>")
_ABSENT = -1


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"  # what \w matches


def _next_where(size: int, test: Callable[[int], bool]) -> list[int]:
    """For each position (and one past the end), the first position at or after it where test holds (else size)."""
    out = [size] * (size + 2)
    for i in range(size - 1, -1, -1):
        out[i] = i if test(i) else out[i + 1]
    return out


class _Tokenizer:
    """Cuts the text into whoosh's tokens. The lookups that whoosh's patterns would rescan at each position are
    computed once, from the end, so that no position is scanned more than a few times."""

    def __init__(self, text: str):
        self.text, self.size = text, len(text)

    def tokens(self) -> list[_Node]:
        """The tokens: at each position the first token pattern that matches; characters between are words."""
        text, out = self.text, []
        pos = prev = 0
        while pos < self.size:
            found = self._match(pos)
            if found is None:
                pos += 1
                continue
            if prev < pos:
                out.append(_Text("word", text[prev:pos]))
            out.append(found[0])
            pos = prev = found[1]
        if prev < self.size:
            out.append(_Text("word", text[prev:]))
        return out

    def _match(self, pos: int) -> tuple[_Node, int] | None:
        char = self.text[pos]
        if char == "*" and self.text.startswith("*:*", pos):
            return _Mark("every"), pos + 3
        if char == "'":
            return self._single_quoted(pos)
        if _is_word(char) or char == "*":
            found = self._field(pos) or self._operator(pos)
            if found or char != "*":
                return found
        if char == "*" or char in _QMARKS:
            return _Text("wild", char), pos + 1
        if char in "()":
            return _Mark("open" if char == "(" else "close"), pos + 1
        return self._punctuation(pos, char)

    def _punctuation(self, pos: int, char: str) -> tuple[_Node, int] | None:
        if char == '"':
            return self._phrase(pos)
        if char == "^":
            return self._boost(pos)
        if char in "<>=":
            rel = next((r for r in _COMPARISONS if self.text.startswith(r, pos)), None)
            return (_Mark("rel", rel), pos + len(rel)) if rel else None
        if char in "[{":
            return self._range(pos)
        if char.isspace():
            end = self._space_end[pos]
            return _Mark("ws"), end
        return None

    def _operator(self, pos: int) -> tuple[_Node, int] | None:
        text = self.text
        for word, kind, at_start, after_bracket in _OPERATORS:
            end = pos + len(word)
            if not (text.startswith(word, pos) and end < self.size and text[end].isspace()):
                continue
            before = text[pos - 1] if pos else ""
            if before.isspace() or (at_start and not pos) or (after_bracket and before in ("(", ")")):
                return _Mark("op", kind), end
        return None

    def _field(self, pos: int) -> tuple[_Node, int] | None:
        text = self.text
        if text[pos] == "*":
            return (_Field("*", "*:"), pos + 2) if text.startswith("*:", pos) else None
        end = self._word_end[pos]
        if end < self.size and text[end] == ":":
            return _Field(text[pos:end], text[pos:end + 1]), end + 1
        return None

    def _single_quoted(self, pos: int) -> tuple[_Node, int] | None:
        """'text' as one word: the quote starts the text or follows a non-word character, and the closing one
        is followed by whitespace, a closing bracket or the end (on the same line)."""
        if pos and _is_word(self.text[pos - 1]):
            return None
        close = self._quote_close[pos + 1]
        if close < self.size and close < self._newline[pos + 1]:
            return _Text("word", self.text[pos + 1:close]), close + 1
        return None

    def _phrase(self, pos: int) -> tuple[_Node, int] | None:
        text = self.text
        close = text.find('"', pos + 1)
        if close == _ABSENT or text.find("\n", pos + 1, close) != _ABSENT:
            return None
        end, slop = close + 1, 1
        if text.startswith("~", end) and end + 1 < self.size and text[end + 1] in "123456789":
            digits = self._digits_end(end + 1)
            slop, end = _number(int, text[end + 1:digits]), digits
        return _Text("phrase", text[pos + 1:close], slop), end

    def _digits_end(self, pos: int) -> int:
        while pos < self.size and self.text[pos] in _DIGITS:
            pos += 1
        return pos

    def _boost(self, pos: int) -> tuple[_Node, int] | None:
        text = self.text
        end = self._digits_end(pos + 1)
        if text.startswith(".", end) and end + 1 < self.size and text[end + 1] in _DIGITS:
            end = self._digits_end(end + 1)
        if end < self.size and text[end] not in " \t\r\n)":
            return None
        original = text[pos:end]
        if end == pos + 1:  # `^` alone is a word
            return _Text("word", original), end
        return _Boost(original, _number(float, original[1:])), end

    def _range(self, pos: int) -> tuple[_Node, int] | None:
        """`[start TO end]` or `{start TO end}` (either end may be missing) as whoosh's range pattern reads it."""
        for start_of in (self._quoted_range_start, self._plain_range_start, self._bare_range_start):
            to_at = start_of(pos)
            rest = self._range_rest(to_at + 2) if to_at is not None else None
            if rest is not None:
                break
        else:
            return None
        end, stop = rest
        start = _unquote(self.text[pos + 1:to_at].rstrip()) if to_at > pos + 1 else None
        end = _unquote(end.lstrip()) if end else end
        return _Range(start, end, self.text[pos] == "{", self.text[stop - 1] == "}"), stop

    def _is_to(self, pos: int) -> bool:
        return pos + 1 < self.size and self.text[pos] in "Tt" and self.text[pos + 1] in "Oo"

    def _quoted_range_start(self, pos: int) -> int | None:
        """Where TO is after a start in single quotes and whitespace (`['a b' TO c]`)."""
        if not self.text.startswith("'", pos + 1):
            return None
        close = self._quote[pos + 2]
        after = self._space_end[close + 1] if close < self.size else close
        return after if close < self.size and after > close + 1 and self._is_to(after) else None

    def _plain_range_start(self, pos: int) -> int | None:
        """Where the first TO is after at least one character, before any closing bracket."""
        to_at = self._to[pos + 2]
        return to_at if to_at < self._closing[pos + 1] else None

    def _bare_range_start(self, pos: int) -> int | None:
        return pos + 1 if self._is_to(pos + 1) else None

    def _range_rest(self, pos: int) -> tuple[str | None, int] | None:
        """The end of a range after TO, and where the range stops (after its closing bracket)."""
        text, spaces = self.text, self._space_end[pos]
        if spaces > pos and text.startswith("'", spaces):
            close = self._quote[spaces + 1]
            if close + 1 < self.size and text[close + 1] in "]}":
                return text[pos:close + 1], close + 2
        bracket = self._closing[pos]
        return (text[pos:bracket] or None, bracket + 1) if bracket < self.size else None

    @cached_property
    def _word_end(self) -> list[int]:
        return _next_where(self.size, lambda i: not _is_word(self.text[i]))

    @cached_property
    def _space_end(self) -> list[int]:
        return _next_where(self.size, lambda i: not self.text[i].isspace())

    @cached_property
    def _quote(self) -> list[int]:
        return _next_where(self.size, lambda i: self.text[i] == "'")

    @cached_property
    def _quote_close(self) -> list[int]:
        text, size = self.text, self.size
        return _next_where(size, lambda i: text[i] == "'" and (
            i + 1 == size or text[i + 1].isspace() or text[i + 1] in "])}"))

    @cached_property
    def _newline(self) -> list[int]:
        return _next_where(self.size, lambda i: self.text[i] == "\n")

    @cached_property
    def _closing(self) -> list[int]:
        return _next_where(self.size, lambda i: self.text[i] in "]}")

    @cached_property
    def _to(self) -> list[int]:
        return _next_where(self.size, self._is_to)


def _number(kind: Callable[[str], Any], digits: str) -> Any:
    try:
        return kind(digits)
    except ValueError:  # more digits than int() reads
        raise QuerySyntaxError(f"the number {digits[:20]}... in the query is too long") from None


def _unquote(text: str) -> str:
    return text[1:-1] if text.startswith("'") and text.endswith("'") else text


# ----- grouping ------------------------------------------------------------------------------------------------

def _apply_brackets(tokens: list[_Node]) -> _Group:
    """Brackets become groups; an unmatched `)` is dropped, and what an unclosed `(` holds joins the top level."""
    stack, heights = [_Group("and")], [0]
    for node in tokens:
        kind = node.kind if isinstance(node, _Mark) else ""
        if kind == "open":
            stack.append(_Group("and"))
            heights.append(0)
        elif kind == "close":
            if len(stack) > 1:
                stack[-2].nodes.append(stack.pop())
                height = heights.pop()
                heights[-1] = max(heights[-1], height + 1)
        else:
            stack[-1].nodes.append(node)
    top = stack[0]
    for level in stack[1:]:
        top.nodes.extend(level.nodes)
    if max(heights) >= MAX_DEPTH:
        raise QuerySyntaxError(f"the query nests brackets more than {MAX_DEPTH} levels deep")
    if len(top.nodes) == 1 and isinstance(top.nodes[0], _Group):
        return top.nodes[0]
    return top


def _clean_boosts(top: _Group) -> None:
    """A `^2` at the top level with nothing boostable before it is a word (whoosh looks at the top level only)."""
    nodes = top.nodes
    for i, node in enumerate(nodes):
        if isinstance(node, _Boost) and (not i or not nodes[i - 1].has_boost):
            nodes[i] = _Text("word", node.original)


def _merge_wildcards(group: _Group) -> None:
    """A `*` or `?` takes in the text right after it and then the text right before it; `word*` is a prefix."""
    out: list[_Node] = []
    pieces: dict[int, list[str]] = {}  # a pattern's texts, joined at the end (a long chain stays linear)
    nodes, k = group.nodes, 0
    while k < len(nodes):
        node = nodes[k]
        if isinstance(node, _Text) and node.kind == "wild":
            texts = pieces[id(node)] = [node.text]
            if k + 1 < len(nodes) and isinstance(nodes[k + 1], _Text):
                k += 1
                texts.append(nodes[k].text)  # type: ignore[attr-defined]
            if out and isinstance(out[-1], _Text):
                before = out.pop()
                if id(before) in pieces:  # the pattern before takes this one's texts (the same result)
                    pieces[id(before)] += pieces.pop(id(node))
                    node = before
                else:
                    texts.insert(0, before.text)  # type: ignore[attr-defined]
        elif isinstance(node, _Group):
            _merge_wildcards(node)
        out.append(node)
        k += 1
    for i, node in enumerate(out):
        if isinstance(node, _Text) and node.kind == "wild":
            text = node.text = "".join(pieces[id(node)])
            if len(text) > 1 and not any(q in text for q in _QMARKS) and text.find("*") == len(text) - 1:
                out[i] = _Text("prefix", text[:-1])
    group.nodes = out


def _apply_comparisons(group: _Group) -> None:
    """`field:>text` becomes a range; a `<`/`>` anywhere else is dropped (first in a group: an error)."""
    out: list[_Node] = []
    nodes, i = group.nodes, 0
    while i < len(nodes):
        node = nodes[i]
        if isinstance(node, _Mark) and node.kind == "rel":
            if i < len(nodes) - 1:
                if not out:
                    raise QuerySyntaxError(f"`{node.value}` must follow a field name, as in page:{node.value}5")
                following = nodes[i + 1]
                if isinstance(out[-1], _Field) and isinstance(following, _Text):
                    out.append(_comparison_range(node.value, following.text))
                    i += 1
        else:
            if isinstance(node, _Group):
                _apply_comparisons(node)
            out.append(node)
        i += 1
    group.nodes = out


def _comparison_range(rel: str, text: str) -> _Range:
    if rel == "<":
        return _Range(None, text, False, True)
    if rel == ">":
        return _Range(text, None, True, False)
    return _Range(None, text, False, False) if rel in ("<=", "=<") else _Range(text, None, False, False)


def _apply_fields(group: _Group) -> None:
    """A field name applies to the node right after it (all of a group's nodes that name no field); a field
    name with nothing right after it is a word."""
    nodes, out, i = group.nodes, [], len(group.nodes)
    while i > 0:
        i -= 1
        node = nodes[i]
        if isinstance(node, _Field):
            node = _Text("word", node.original)
        elif isinstance(node, _Group):
            _apply_fields(node)
        if i > 0 and not node.is_ws() and isinstance(nodes[i - 1], _Field):
            node.set_fieldname(nodes[i - 1].fieldname or "")
            i -= 1
        out.append(node)
    out.reverse()
    group.nodes = out


def _remove_whitespace(group: _Group) -> None:
    group.nodes = [node for node in group.nodes if not node.is_ws()]
    for node in group.nodes:
        if isinstance(node, _Group):
            _remove_whitespace(node)


def _apply_boosts(group: _Group) -> None:
    """`^2` sets the boost of the node before it (else it is a word)."""
    out: list[_Node] = []
    for node in group.nodes:
        if isinstance(node, _Group):
            _apply_boosts(node)
        elif isinstance(node, _Boost):
            if out and out[-1].has_boost:
                out[-1].boost = node.boost_value
                continue
            node = _Text("word", node.original)
        out.append(node)
    group.nodes = out


def _apply_operators(top: _Group) -> None:
    """Each group's operators, kind by kind (NOT, AND, OR, ANDNOT, ANDMAYBE, REQUIRE), then the groups inside."""
    pending = [top]
    while pending:
        group = pending.pop()
        for kind in ("not", "and", "or", "andnot", "andmaybe", "require"):
            group.nodes = _apply_operator(group.nodes, kind)
        pending.extend(node for node in group.nodes if isinstance(node, _Group))


def _apply_operator(nodes: list[_Node], kind: str) -> list[_Node]:
    """Left to right: NOT takes the node after it, the others the nodes on either side (AND and OR join an AND
    or OR group on their left); an operator without its nodes is dropped."""
    out: list[_Node] = []
    k = 0
    while k < len(nodes):
        node = nodes[k]
        if not (isinstance(node, _Mark) and node.kind == "op" and node.value == kind):
            out.append(node)
        elif k + 1 < len(nodes) and kind == "not":
            k += 1
            out.append(_Group("not", [nodes[k]]))
        elif k + 1 < len(nodes) and out:
            k += 1
            left = out[-1]
            if kind in ("and", "or") and isinstance(left, _Group) and left.kind == kind:
                left.nodes.append(nodes[k])
            else:
                out[-1] = _Group(kind, [left, nodes[k]])
        k += 1
    return out


def _depth(top: _Group) -> int:
    deepest, pending = 0, [(top, 1)]
    while pending:
        group, depth = pending.pop()
        deepest = max(deepest, depth)
        pending.extend((node, depth + 1) for node in group.nodes if isinstance(node, _Group))
    return deepest


# ----- the tree ------------------------------------------------------------------------------------------------

def _truthy(query: Query | None) -> bool:
    """Whether whoosh counts the query as something (None and an empty AND or OR are not)."""
    return query is not None and not (isinstance(query, (And, Or)) and not query.subqueries)


def _query(node: _Node) -> Query | None:
    if isinstance(node, _Group):
        return _group_query(node)
    if isinstance(node, _Text):
        field = node.fieldname or DEFAULT_FIELD
        if node.kind == "phrase":
            return Phrase(field, tuple(node.text.split()), node.slop, node.boost)
        return {"word": Term, "wild": Wildcard, "prefix": Prefix}[node.kind](field, node.text, node.boost)
    if isinstance(node, _Range):
        return Range(node.fieldname or DEFAULT_FIELD, node.start, node.end, node.startexcl, node.endexcl, node.boost)
    if isinstance(node, _Mark) and node.kind == "every":
        return Every()
    raise QuerySyntaxError("this part of the query cannot be read")


def _group_query(group: _Group) -> Query | None:
    if group.kind == "not":
        if not group.nodes:
            raise QuerySyntaxError("NOT must be followed by a word, a phrase or a group, not by an operator")
        inner = _query(group.nodes[0])
        return Not(inner) if _truthy(inner) else None  # type: ignore[arg-type]
    if group.kind in _BINARY_KINDS:
        if len(group.nodes) != 2:
            raise QuerySyntaxError("ANDNOT, ANDMAYBE and REQUIRE need a word, a phrase or a group on either side")
        first, second = _query(group.nodes[0]), _query(group.nodes[1])
        if first is None or second is None:
            return NULL if first is None and second is None else second if first is None else first
        return _BINARY_KINDS[group.kind](first, second)
    subqueries = tuple(q for q in map(_query, group.nodes) if q is not None)
    return (And if group.kind == "and" else Or)(subqueries, group.boost)


# ----- normalisation (whoosh's `normalize`) --------------------------------------------------------------------

def normalize(query: Query) -> Query:
    """The query with redundancy and empty parts removed, exactly as whoosh's `Query.normalize` does it."""
    if isinstance(query, (And, Or)):
        return _normalize_compound(query)
    if isinstance(query, BINARY):
        first, second = normalize(query.a), normalize(query.b)
        if first is NULL or (isinstance(query, Require) and second is NULL):
            return NULL
        return first if second is NULL else type(query)(first, second)
    if isinstance(query, Not):
        inner = normalize(query.query)
        return NULL if inner is NULL else Not(inner, query.boost)
    if isinstance(query, Wildcard):
        return _normalize_wildcard(query)
    if isinstance(query, Range):
        return _normalize_range(query)
    if isinstance(query, Phrase):
        if len(query.words) <= 1:
            return Term(query.fieldname, query.words[0]) if query.words else NULL
        return query
    return query


def _normalize_wildcard(query: Wildcard) -> Query:
    text = query.text
    if text == "*":
        return Every(query.fieldname, query.boost)
    if "*" not in text and "?" not in text:
        return Term(query.fieldname, text, query.boost)
    if "?" not in text and text.find("*") == len(text) - 1:
        return Prefix(query.fieldname, text[:-1], query.boost)
    return query


def _normalize_range(query: Range) -> Query:
    if query.start in ("", None) and query.end in ("\uffff", None):
        return Every(query.fieldname, query.boost)
    if query.start == query.end:
        if query.startexcl or query.endexcl:
            return NULL
        return Term(query.fieldname, query.start or "", query.boost)
    return query


def _normalize_compound(query: And | Or) -> Query:
    kind = type(query)
    subqueries: list[Query] = []
    for sub in map(normalize, query.subqueries):
        if type(sub) is kind:
            subqueries += [_with_boost(s, s.boost * sub.boost) for s in sub.subqueries]  # type: ignore[union-attr]
        else:
            subqueries.append(sub)
    if all(sub is NULL for sub in subqueries):
        return NULL
    if any(isinstance(sub, Every) and sub.fieldname is None for sub in subqueries):
        return Every()
    every_fields = _merge_ranges(subqueries, intersect=kind is And)
    kept = _unique(subqueries, every_fields)
    if not kept:
        return NULL
    if len(kept) == 1:
        sub = kept[0]
        return sub if query.boost == 1.0 and sub.boost == 1.0 else _with_boost(sub, sub.boost * query.boost)
    return kind(tuple(kept), query.boost)


def _merge_ranges(subqueries: list[Query], intersect: bool) -> set[str | None]:
    """Merge overlapping ranges on one field (comparing values as text, as whoosh does) and drop what a fielded
    Every makes redundant; the fields that an Every covers."""
    every_fields: set[str | None] = set()
    i = ranges = 0
    while i < len(subqueries):
        query = subqueries[i]
        if field_of(query) in every_fields:
            subqueries.pop(i)
            continue
        if isinstance(query, Range):
            ranges += 1
            if ranges > MAX_RANGES:
                raise QuerySyntaxError(f"at most {MAX_RANGES} ranges can stand side by side in a query")
            j = i + 1
            while j < len(subqueries):
                if _overlaps(query, subqueries[j]):
                    query = _merge(query, subqueries.pop(j), intersect)  # type: ignore[arg-type]
                else:
                    j += 1
            query = subqueries[i] = normalize(query)
        if isinstance(query, Every):
            every_fields.add(query.fieldname)
        i += 1
    return every_fields


def _unique(subqueries: list[Query], every_fields: set[str | None]) -> list[Query]:
    seen: set[Query] = set()
    kept = []
    for sub in subqueries:
        if (not isinstance(sub, Every) and field_of(sub) in every_fields) or sub in seen:
            continue
        seen.add(sub)
        kept.append(sub)
    return [sub for sub in kept if sub is not NULL]


def _with_boost(query: Query, boost: float) -> Query:
    """A copy with the boost set (whoosh's `with_boost`: a binary query passes it to its first or both parts)."""
    if isinstance(query, (AndNot, Require)):
        return type(query)(_with_boost(query.a, boost), query.b)
    if isinstance(query, AndMaybe):
        return AndMaybe(_with_boost(query.a, boost), _with_boost(query.b, boost))
    return query if query is NULL else replace(query, boost=boost)  # type: ignore[type-var]


def field_of(query: Query) -> str | None:
    """The one field a query searches (None: several, or none)."""
    if isinstance(query, (And, Or)):
        fields = {field_of(sub) for sub in query.subqueries}
        return fields.pop() if len(fields) == 1 else None
    if isinstance(query, BINARY):
        first = field_of(query.a)
        return first if field_of(query.b) == first else None
    if isinstance(query, (Not, Null)):
        return None
    return query.fieldname


class _Lowest:
    """Below every value but itself (whoosh's `Lowest`, whose comparisons range merging depends on)."""

    def __eq__(self, other: object) -> bool:
        return type(other) is _Lowest

    def __lt__(self, other: object) -> bool:
        return type(other) is not _Lowest

    def __gt__(self, other: object) -> bool:
        return not (self.__lt__(other) or self.__eq__(other))

    def __le__(self, other: object) -> bool:
        return self.__eq__(other) or self.__lt__(other)

    def __ge__(self, other: object) -> bool:
        return self.__eq__(other) or self.__gt__(other)


class _Highest:
    """Above every value but itself (whoosh's `Highest`, its quirks kept)."""

    def __eq__(self, other: object) -> bool:
        return type(other) is _Highest

    def __lt__(self, other: object) -> bool:
        return type(other) is _Highest

    def __gt__(self, other: object) -> bool:
        return not (self.__lt__(other) or self.__eq__(other))

    def __le__(self, other: object) -> bool:
        return self.__eq__(other) or self.__lt__(other)

    def __ge__(self, other: object) -> bool:
        return self.__eq__(other) or self.__gt__(other)


_LOWEST, _HIGHEST = _Lowest(), _Highest()


def _bounds(query: Range) -> tuple[tuple[object, int], tuple[object, int]]:
    start = (_LOWEST, 0) if query.start is None else (query.start, 1 if query.startexcl else 0)
    end = (_HIGHEST, 0) if query.end is None else (query.end, -1 if query.endexcl else 0)
    return start, end


def _overlaps(query: Range, other: Query) -> bool:
    if not isinstance(other, Range) or query.fieldname != other.fieldname:
        return False
    (start1, end1), (start2, end2) = _bounds(query), _bounds(other)
    return ((start1 >= start2 and start1 <= end2) or (end1 >= start2 and end1 <= end2)  # type: ignore[operator]
            or (start2 >= start1 and start2 <= end1) or (end2 >= start1 and end2 <= end1))  # type: ignore[operator]


def _merge(query: Range, other: Range, intersect: bool) -> Range:
    """whoosh's range merge: the containing range when one holds the other (even within AND), else the
    intersection (AND) or the union (OR)."""
    (start1, end1), (start2, end2) = _bounds(query), _bounds(other)
    if start1 >= start2 and end1 <= end2:  # type: ignore[operator]
        start, end = start2, end2
    elif start2 >= start1 and end2 <= end1:  # type: ignore[operator]
        start, end = start1, end1
    elif intersect:
        start, end = max(start1, start2), min(end1, end2)  # type: ignore[type-var]
    else:
        start, end = min(start1, start2), max(end1, end2)  # type: ignore[type-var]
    return Range(query.fieldname, None if start[0] is _LOWEST else start[0],  # type: ignore[arg-type]
                 None if end[0] is _HIGHEST else end[0], start[1] == 1, end[1] == -1,  # type: ignore[arg-type]
                 max(query.boost, other.boost))
