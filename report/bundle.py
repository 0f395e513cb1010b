"""Run bundles: every table in every format, the figures, ``results.json`` and a manifest.

A bundle is a folder ``results/<study>/<run>/``::

    tables/<name>.tex             LaTeX fragment for \\input (booktabs, threeparttable)
    tables/<name>.standalone.tex  the same table as a complete document (pdflatex)
    tables/<name>.md|.html|.csv|.docx   other requested formats
    figures/<name>.pdf|.png
    results.json                  estimates and tables as numbers (re-render without re-estimating)
    manifest.json                 study, sample, input file hashes, package versions, seed, command,
                                  the SHA-256 of results.json
    index.html                    the run's page (report.page): every table and figure, offline

It is written into a temporary folder and renamed into place, so a failed run
leaves nothing behind and an earlier run is replaced only when asked (and only
if it is a bundle: a folder holding ``manifest.json``).  Study, run, table and
figure names are checked (:func:`panel.files.check_name`) and every path is
checked to lie inside the output folder before anything is written.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from data_schemas.errors import InputError, check_choice, during
from panel.files import atomic_directory, check_inside, check_name, replaceable
from report.page.content import PAGE_KEY, RESULTS_HASH_KEY, page_block, sha256_text
from report.page.study import PAGE_FILE, study_page
from report.render import FORMATS, render
from report.style import Style
from report.table import Table

RESULTS_FILE = "results.json"
MANIFEST_FILE = "manifest.json"
TABLE_FORMATS = ("latex", "md", "html", "csv", "docx")


@dataclass(frozen=True)
class BundleContent:
    """What a run puts in its bundle.

    Parameters
    ----------
    tables : mapping of str to Table
        Tables by file stem.
    figures : mapping of str to callable
        Figure name -> function that draws it to a given stem (without suffix)
        and returns the files written; a :class:`report.page.content.Figure`
        also gives the caption shown on the page.
    results : dict
        The study's estimates in JSON-able form.
    manifest : dict
        Provenance of the run.
    title, description : str
        What the study is, for the page.
    warnings : tuple of str
        Warnings raised while the study ran, for the page.
    """

    tables: Mapping[str, Table]
    figures: Mapping[str, Callable[[Path], list[Path]]] = field(default_factory=dict)
    results: dict[str, Any] = field(default_factory=dict)
    manifest: dict[str, Any] = field(default_factory=dict)
    title: str = ""
    description: str = ""
    warnings: tuple[str, ...] = ()


def parse_formats(text: str | Sequence[str]) -> tuple[str, ...]:
    """``"latex,md"`` -> ``("latex", "md")``, each checked against the known formats."""
    names = [t.strip() for t in (text.split(",") if isinstance(text, str) else text) if t.strip()]
    for name in names:
        check_choice(name, TABLE_FORMATS, what="table format")
    if not names:
        raise InputError("no table format given", fix=f"choose from {', '.join(TABLE_FORMATS)}")
    return tuple(dict.fromkeys(names))


def table_files(table: Table, formats: Sequence[str], style: Style) -> dict[str, str | bytes]:
    """File name -> text (bytes for Word) of ``table`` in every requested format (LaTeX also standalone)."""
    files: dict[str, str | bytes] = {}
    for fmt in formats:
        if fmt == "docx":
            from report.docx import render_docx

            files[f"{table.label}.docx"] = render_docx(table, style)
            continue
        files[f"{table.label}{FORMATS[fmt]}"] = render(table, fmt, style=style)
        if fmt == "latex":
            files[f"{table.label}.standalone.tex"] = render(table, fmt, style=style, standalone=True)
    return files


def bundle_target(out_root: str | Path, study: str, run: str, *, force: bool = False) -> Path:
    """``out_root/<study>/<run>``, checked before any work: safe names, inside ``out_root``, writable.

    Raises
    ------
    InputError
        For an unsafe name, a path leaving ``out_root``, an output folder that
        cannot be written, or an existing target that may not be replaced.
    """
    check_name(study, "study name")
    check_name(run, "run name (--name)")
    target = check_inside(out_root, Path(out_root) / study / run)
    replaceable(target, force=force, marker=MANIFEST_FILE)
    return target


def write_bundle(
    target: str | Path, content: BundleContent, *, formats: Sequence[str], style: Style, force: bool = False
) -> Path:
    """Write a run bundle to ``target`` atomically.

    Raises
    ------
    InputError
        If ``target`` exists and ``force`` is false or it is not a bundle, or a
        table or figure name is not safe (checked before writing).
    """
    target = Path(target)
    for table in content.tables.values():
        check_name(table.label, "table name")
    for name in content.figures:
        check_name(name, "figure name")
    with during(f"writing the bundle {target}"), atomic_directory(target, force=force, marker=MANIFEST_FILE) as folder:
        fill_bundle(folder, content, formats=formats, style=style)
    return target


def fill_bundle(folder: Path, content: BundleContent, *, formats: Sequence[str], style: Style) -> None:
    """Write a bundle's files into the empty folder ``folder`` (see :func:`write_bundle` for an atomic write).

    The same as :func:`write_tables`, :func:`draw_figure` for each figure, then
    :func:`finish_bundle`: a run that draws its figures side by side calls them itself.
    """
    write_tables(folder, content.tables, formats=formats, style=style)
    finish_bundle(folder, content, {name: draw_figure(folder, name, draw) for name, draw in content.figures.items()},
                  formats=formats, style=style)


def write_tables(folder: Path, tables: Mapping[str, Table], *, formats: Sequence[str], style: Style) -> None:
    """Write every table in every format into ``folder/tables``."""
    (folder / "tables").mkdir(exist_ok=True)
    for table in tables.values():
        for name, text in table_files(table, formats, style).items():
            path = check_inside(folder, folder / "tables" / name)
            path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))


def draw_figure(folder: Path, name: str, draw: Callable[[Path], list[Path]]) -> list[str]:
    """Draw one figure into ``folder/figures``; return its files relative to ``folder`` (``figures/x.png``)."""
    stem = check_inside(folder, folder / "figures" / name)
    stem.parent.mkdir(exist_ok=True)
    return [p.relative_to(folder).as_posix() for p in draw(stem)]


def finish_bundle(folder: Path, content: BundleContent, figure_files: Mapping[str, Sequence[str]], *,
                  formats: Sequence[str], style: Style) -> None:
    """Write ``results.json``, the manifest and the page once the tables and figures are in ``folder``.

    Parameters
    ----------
    figure_files : mapping
        Figure name -> the files :func:`draw_figure` wrote for it.
    """
    stored = {
        "results": content.results,
        "tables": {name: table.to_dict() for name, table in content.tables.items()},
        "rendering": {"formats": list(formats), "stars": list(style.stars), "second_row": style.second_row,
                      "digits": style.digits, "numbers": style.numbers},
        PAGE_KEY: page_block(title=content.title, description=content.description, figures=content.figures,
                             figure_files=figure_files, warnings=content.warnings),
    }
    results_text = _write_json(folder / RESULTS_FILE, stored)
    manifest_text = _write_json(folder / MANIFEST_FILE,
                                {**content.manifest, RESULTS_HASH_KEY: sha256_text(results_text)})
    page = study_page(json.loads(results_text), json.loads(manifest_text))
    (folder / PAGE_FILE).write_bytes(page.encode("utf-8"))


def _write_json(path: Path, data: Any) -> str:
    """Write ``data`` as JSON and return the text written."""
    text = json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"
    path.write_bytes(text.encode("utf-8"))
    return text


def read_bundle_tables(bundle: str | Path) -> dict[str, Table]:
    """The tables stored in a bundle's ``results.json``, by name.

    Raises
    ------
    InputError
        If the folder is not a run bundle or its results file is unreadable.
    """
    path = Path(bundle) / RESULTS_FILE
    if not path.is_file():
        raise InputError(f"no {RESULTS_FILE} in {bundle}", fix="pass a run folder written by 'chokepoint run'")
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        return {name: Table.from_dict(data) for name, data in stored["tables"].items()}
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise InputError(f"unreadable results file ({exc.__class__.__name__}: {exc})", file=path,
                         fix="re-run the study to write it again") from None
