"""The structure the project keeps: kb/ never imports ingest/, the facade only delegates, small functions."""
from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_core_imports_nothing_from_ingest() -> None:
    code = ("import sys, kb.store, kb.engines.keyword, kb.engines.vectors, kb.facade, kb.cli.main\n"
            "print(sorted(m for m in sys.modules if m == 'ingest' or m.startswith('ingest.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"
    for path in (ROOT / "kb").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
            assert not [n for n in names if n == "ingest" or n.startswith("ingest.")], path


def test_the_facade_only_delegates() -> None:
    tree = ast.parse((ROOT / "kb" / "facade.py").read_text())
    [facade] = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "KnowledgeBase"]
    for method in (n for n in facade.body if isinstance(n, ast.FunctionDef) and n.name != "__init__"):
        statements = [s for s in method.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
        assert len(statements) <= 6, f"KnowledgeBase.{method.name} does more than delegate"


def test_no_function_is_longer_than_about_fifty_lines() -> None:
    long = []
    for folder in ("kb", "ingest"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno > 55:
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    assert long == []


# ----- the layout: packages by job, no import loops, no private names across modules -----------------------------

def _modules() -> dict[str, tuple[Path, bool]]:
    """Every module of kb/ and ingest/ by dotted name, with its file and whether it is a package."""
    out = {}
    for path in [*(ROOT / "kb").rglob("*.py"), *(ROOT / "ingest").rglob("*.py")]:
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        package = parts[-1] == "__init__"
        out[".".join(parts[:-1] if package else parts)] = (path, package)
    return out


def _absolute(module: str, package: bool, node: ast.ImportFrom) -> str:
    base = module.split(".") if package else module.split(".")[:-1]
    base = base[:len(base) - (node.level - 1)] if node.level else []
    return ".".join([*base, node.module] if node.module else base) if node.level else (node.module or "")


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            inside.update(id(child) for child in ast.walk(node))
    return inside


def _run_time_imports(module: str, path: Path, package: bool, modules: dict) -> list[tuple[str, list[str]]]:
    """(imported module, names taken from it) of every import that runs (type-only imports left out)."""
    tree = ast.parse(path.read_text())
    type_only = _type_checking_nodes(tree)
    found = []
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        if isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names if alias.name in modules]
        elif isinstance(node, ast.ImportFrom):
            target = _absolute(module, package, node)
            for alias in node.names:
                if f"{target}.{alias.name}" in modules:
                    found.append((f"{target}.{alias.name}", []))
                elif target in modules:
                    found.append((target, [alias.name]))
    return found


def _import_graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: {target for target, _ in _run_time_imports(name, path, package, modules) if target != name}
            for name, (path, package) in modules.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_cycle_finder_finds_a_loop() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_loops_at_run_time() -> None:
    assert _cycles(_import_graph()) == []


def test_no_private_name_is_imported_from_another_module() -> None:
    modules = _modules()
    private = [f"{name} takes {names} from {target}"
               for name, (path, package) in modules.items()
               for target, names in _run_time_imports(name, path, package, modules)
               if any(n.startswith("_") and not n.startswith("__") for n in names)]
    assert private == []


def _top_level_modules() -> list[str]:
    return sorted(p.name for p in (ROOT / "kb").glob("*.py"))


def _packages(folder: str) -> list[Path]:
    return sorted(p for p in (ROOT / folder).iterdir() if (p / "__init__.py").is_file())


def test_kb_shows_its_architecture_at_a_glance() -> None:
    assert len(_top_level_modules()) <= 20
    assert {p.name for p in _packages("kb")} >= {"engines", "search", "indexing", "recommendations", "text", "cli",
                                                  "webapp"}
    for package in [*_packages("kb"), *_packages("ingest")]:
        doc = ast.get_docstring(ast.parse((package / "__init__.py").read_text()))
        assert doc and len(doc) > 60, f"{package} says nothing about what lives there"


def test_no_two_modules_differ_only_by_a_suffix() -> None:
    for package in [ROOT / "kb", *_packages("kb"), ROOT / "ingest", *_packages("ingest")]:
        names = [p.stem for p in package.glob("*.py") if p.stem != "__init__"]
        clashes = [(a, b) for a in names for b in names if a != b and b.startswith(a)]
        assert clashes == [], package


def _layout_section() -> str:
    readme = (ROOT / "README.md").read_text()
    start = readme.index("### Layout")
    end = readme.index("\n## ", start) if "\n## " in readme[start:] else len(readme)
    nxt = readme.find("\n### ", start + 1)
    return readme[start:min(end, nxt) if nxt != -1 else end]


def test_the_readme_layout_names_every_package_and_top_level_module() -> None:
    section = _layout_section()
    named = set(re.findall(r"^- `([\w/.]+)`", section, flags=re.M))
    wanted = {f"kb/{name}" for name in _top_level_modules()} | {f"kb/{p.name}/" for p in _packages("kb")} \
        | {"ingest/"} | {f"ingest/{p.name}/" for p in _packages("ingest")} | {"app.py"}
    assert wanted - named == set(), "the README's layout section misses these"
    assert named - wanted == set(), "the README's layout section names what is not there"
