"""diff-diff is reached only through models/staggered/diff_diff_adapter.py, by public names, lazily."""

from __future__ import annotations

import ast
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
PACKAGES = ("panel", "models", "runs", "report", "scripts", "data_schemas")
ADAPTER = Path("models/staggered/diff_diff_adapter.py")
LIBRARY = "diff_diff"


def library_uses(source: str) -> list[str]:
    """Every import of ``diff_diff`` in ``source`` and every name taken from it, as dotted names."""
    tree = ast.parse(source)
    aliases: set[str] = set()
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == LIBRARY:
                    found.append(alias.name)
                    aliases.add(alias.asname or LIBRARY)
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == LIBRARY:
            found += [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Call) and _is_dynamic_import(node):
            found.append(str(node.args[0].value))  # type: ignore[attr-defined]
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases:
            found.append(f"{LIBRARY}.{node.attr}")
    return found


def _is_dynamic_import(node: ast.Call) -> bool:
    """``importlib.import_module("diff_diff...")`` or ``__import__("diff_diff...")``."""
    name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
    return (name in ("import_module", "__import__") and bool(node.args) and isinstance(node.args[0], ast.Constant)
            and str(node.args[0].value).split(".")[0] == LIBRARY)


def private(uses: list[str]) -> list[str]:
    """The uses that name a module or object starting with an underscore."""
    return [use for use in uses if any(part.startswith("_") for part in use.split("."))]


@cache
def project_uses() -> dict[Path, list[str]]:
    """The files of the project's packages that use diff-diff, with their uses."""
    uses = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            found = library_uses(path.read_text(encoding="utf-8"))
            if found:
                uses[path.relative_to(ROOT)] = found
    return uses


def test_only_the_adapter_uses_diff_diff():
    uses = project_uses()
    assert list(uses) == [ADAPTER]
    assert sorted(set(uses[ADAPTER])) == [
        "diff_diff.BaconDecomposition",
        "diff_diff.CallawaySantAnna",
        "diff_diff.HonestDiD",
        "diff_diff.ImputationDiD",
        "diff_diff.SunAbraham",
        "diff_diff.WooldridgeDiD",
    ]


def test_no_private_name_is_taken_from_diff_diff():
    assert {path: private(found) for path, found in project_uses().items() if private(found)} == {}


@pytest.mark.parametrize(
    ("source", "uses", "private_uses"),
    [
        ("from diff_diff import _KitAggregator, SunAbraham",
         ["diff_diff._KitAggregator", "diff_diff.SunAbraham"], ["diff_diff._KitAggregator"]),
        ("from diff_diff.staggered_aggregation import _aggregation_kit",
         ["diff_diff.staggered_aggregation._aggregation_kit"], ["diff_diff.staggered_aggregation._aggregation_kit"]),
        ("import diff_diff as dd\ndd._compute_aggregated_se_with_wif(1)",
         ["diff_diff", "diff_diff._compute_aggregated_se_with_wif"], ["diff_diff._compute_aggregated_se_with_wif"]),
        ("import importlib\nimportlib.import_module('diff_diff._utils')", ["diff_diff._utils"], ["diff_diff._utils"]),
        ("import diff_diffusion\nfrom models import diff_diff_adapter", [], []),
    ],
)
def test_the_checker_finds_imports_and_private_names(source, uses, private_uses):
    found = library_uses(source)
    assert found == uses
    assert private(found) == private_uses


def test_importing_the_estimators_does_not_import_diff_diff():
    code = "import sys, models.staggered; print('diff_diff' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert done.stdout.strip() == "False"
