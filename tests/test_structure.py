"""The structure the project keeps: kb/ never imports ingest/, the facade only delegates, small functions."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_core_imports_nothing_from_ingest() -> None:
    code = ("import sys, kb.store, kb.keyword, kb.vectors, kb.facade, kb.cli\n"
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
