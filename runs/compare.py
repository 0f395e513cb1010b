"""Compare the numbers of two run roots: every ``results.json`` value and every table cell.

A run root is what ``chokepoint run --out ROOT`` writes: ``ROOT/<study>/<run>/``.
Each study of the first root is paired with the same study of the second (a study
with several runs pairs its runs in name order), and within a pair

- ``results.json`` is compared value by value (floats exactly, ``NaN`` equal to ``NaN``);
- every CSV table is compared cell by cell;
- every Word table (``.docx``, a zip archive) is compared member by member on
  the unzipped contents, so the archive's own timestamps do not count;
- every other table file (LaTeX, Markdown, HTML) is compared as text.

The manifest is not compared (it holds times, paths and versions).  Run it as
``python -m runs.compare OLD_ROOT NEW_ROOT``; it prints one line per difference
and exits 1 when there is any.

Examples
--------
>>> _compare_values({"b": [1.0, float("nan")]}, {"b": [1.0, float("nan")]}, "results.json")
[]
>>> _compare_values({"b": [1.0, 2.0]}, {"b": [1.0, 2.5], "c": 1}, "r")
['r: $.b[1]: 2.0 != 2.5', 'r: $.c: only in the second']
"""

from __future__ import annotations

import csv
import json
import math
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Comparison:
    """What two run roots were found to share and where they differ."""

    values: int = 0
    cells: int = 0
    files: int = 0
    documents: int = 0
    members: int = 0
    differences: list[str] = field(default_factory=list)

    @property
    def identical(self) -> bool:
        """Whether no difference was found."""
        return not self.differences

    def summary(self) -> str:
        """One line: how much was compared and how many differences there are."""
        return (f"{self.values} results.json values, {self.cells} table cells, {self.files} table files compared "
                f"({self.documents} .docx files by their {self.members} unzipped members, zip metadata ignored): "
                f"{len(self.differences)} differences")


def compare_roots(first: Path, second: Path) -> Comparison:
    """Compare every bundle under ``first`` with its counterpart under ``second``."""
    comparison = Comparison()
    first_runs, second_runs = _runs(Path(first)), _runs(Path(second))
    for study in sorted(set(first_runs) | set(second_runs)):
        a, b = first_runs.get(study, []), second_runs.get(study, [])
        if len(a) != len(b):
            comparison.differences.append(f"{study}: {len(a)} runs in the first root, {len(b)} in the second")
            continue
        for run_a, run_b in zip(a, b):
            _compare_bundles(run_a, run_b, comparison)
    return comparison


def _runs(root: Path) -> dict[str, list[Path]]:
    """Study name -> its run folders (those holding a results.json), in name order."""
    runs: dict[str, list[Path]] = {}
    for results in sorted(root.glob("*/*/results.json")):
        runs.setdefault(results.parent.parent.name, []).append(results.parent)
    return runs


def _compare_bundles(a: Path, b: Path, comparison: Comparison) -> None:
    label = f"{a.parent.name}"
    values_a = json.loads((a / "results.json").read_text(encoding="utf-8"))
    values_b = json.loads((b / "results.json").read_text(encoding="utf-8"))
    comparison.values += _count_values(values_a)
    comparison.differences += _compare_values(values_a, values_b, f"{label}/results.json")
    tables_a = {p.relative_to(a): p for p in sorted((a / "tables").glob("*")) if p.is_file()}
    tables_b = {p.relative_to(b): p for p in sorted((b / "tables").glob("*")) if p.is_file()}
    for name in sorted(set(tables_a) | set(tables_b)):
        where = f"{label}/{name}"
        if name not in tables_a or name not in tables_b:
            comparison.differences.append(f"{where}: only in the {'first' if name in tables_a else 'second'} root")
            continue
        comparison.files += 1
        if name.suffix == ".csv":
            comparison.cells += _compare_csv(tables_a[name], tables_b[name], where, comparison.differences)
        elif name.suffix == ".docx":
            comparison.documents += 1
            comparison.members += _compare_docx(tables_a[name], tables_b[name], where, comparison.differences)
        elif tables_a[name].read_bytes() != tables_b[name].read_bytes():
            comparison.differences.append(f"{where}: text differs")


def _compare_csv(a: Path, b: Path, where: str, differences: list[str]) -> int:
    rows_a = list(csv.reader(a.open(encoding="utf-8", newline="")))
    rows_b = list(csv.reader(b.open(encoding="utf-8", newline="")))
    if len(rows_a) != len(rows_b):
        differences.append(f"{where}: {len(rows_a)} rows != {len(rows_b)} rows")
    cells = 0
    for i, (row_a, row_b) in enumerate(zip(rows_a, rows_b), start=1):
        if len(row_a) != len(row_b):
            differences.append(f"{where}: row {i}: {len(row_a)} cells != {len(row_b)} cells")
        for j, (cell_a, cell_b) in enumerate(zip(row_a, row_b), start=1):
            cells += 1
            if cell_a != cell_b:
                differences.append(f"{where}: row {i}, column {j}: {cell_a!r} != {cell_b!r}")
    return cells


def _compare_docx(a: Path, b: Path, where: str, differences: list[str]) -> int:
    """Compare two Word files by the names and unzipped bytes of their members; return the members compared."""
    members_a, members_b = _zip_members(a), _zip_members(b)
    for members, root in ((members_a, "first"), (members_b, "second")):
        if members is None:
            differences.append(f"{where}: the {root} root's file is not a readable .docx (zip) file")
    if members_a is None or members_b is None:
        return 0
    for name in sorted(set(members_a) ^ set(members_b)):
        differences.append(f"{where}: member {name} only in the {'first' if name in members_a else 'second'} root")
    shared = [name for name in members_a if name in members_b]
    differences += [f"{where}: member {name} differs" for name in shared if members_a[name] != members_b[name]]
    return len(shared)


def _zip_members(path: Path) -> dict[str, bytes] | None:
    """The unzipped contents of each member of a zip archive, None if it is not one."""
    try:
        with zipfile.ZipFile(path) as archive:
            return {name: archive.read(name) for name in archive.namelist()}
    except zipfile.BadZipFile:
        return None


def _count_values(value: Any) -> int:
    if isinstance(value, dict):
        return sum(_count_values(v) for v in value.values())
    if isinstance(value, list):
        return sum(_count_values(v) for v in value)
    return 1


def _compare_values(a: Any, b: Any, where: str, path: str = "$") -> list[str]:
    """Differences between two parsed JSON values, each as ``where: path: a != b``."""
    if isinstance(a, dict) and isinstance(b, dict):
        found = []
        for key in list(a) + [k for k in b if k not in a]:
            if key not in b or key not in a:
                found.append(f"{where}: {path}.{key}: only in the {'first' if key in a else 'second'}")
            else:
                found += _compare_values(a[key], b[key], where, f"{path}.{key}")
        return found
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{where}: {path}: {len(a)} items != {len(b)} items"]
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in _compare_values(x, y, where, f"{path}[{i}]")]
    same = type(a) is type(b) and (a == b or (isinstance(a, float) and math.isnan(a) and math.isnan(b)))
    return [] if same else [f"{where}: {path}: {a!r} != {b!r}"]


def main(argv: list[str] | None = None) -> int:
    """``python -m runs.compare FIRST_ROOT SECOND_ROOT``: print the differences; exit 1 if any."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m runs.compare FIRST_ROOT SECOND_ROOT", file=sys.stderr)
        return 2
    comparison = compare_roots(Path(args[0]), Path(args[1]))
    for line in comparison.differences:
        print(line)
    print(comparison.summary())
    return 0 if comparison.identical else 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
