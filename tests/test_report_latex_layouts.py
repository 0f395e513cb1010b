"""LaTeX layouts (longtable, sideways, siunitx) and the fragment inside journal templates, compiled with pdflatex.

Elsevier: the ``elsarticle`` class of Debian's texlive-publishers. AER: the
AEA's own class is not in TeX Live, so its setting is emulated with the
article class at 12 pt, double spacing (setspace), natbib and amsmath, the
packages its template loads, with tables without stars as the AER asks.
pdflatex and the classes come from Debian's texlive packages (``.ci/run``
installs them); without them the tests skip locally and fail on CI.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import replace

import pytest

from report.latex import Layout, packages
from report.render import render
from report.style import Style
from report.table import CoefficientRow, Estimate, Panel
from tests.test_report_tables import hostile_table


def _needs(tool: str, found: bool) -> None:
    if not found:
        if os.environ.get("CI"):
            pytest.fail(f"{tool} is missing on CI: .ci/run must install it")
        pytest.skip(f"{tool} not installed (Debian texlive packages; see .ci/run)")


def _kpsewhich(name: str) -> bool:
    return shutil.which("kpsewhich") is not None and subprocess.run(
        ["kpsewhich", name], capture_output=True, check=False).returncode == 0


def _compile(folder, name: str, text: str) -> str:
    """Compile ``text`` as ``name``.tex and return the log."""
    _needs("pdflatex", shutil.which("pdflatex") is not None)
    (folder / f"{name}.tex").write_text(text, encoding="utf-8")
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", f"{name}.tex"],
                          cwd=folder, capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stdout[-3000:]
    log = (folder / f"{name}.log").read_text(errors="replace")
    assert "Missing character" not in log
    return log


def long_table():
    """The hostile table with 45 coefficient rows: more than one page."""
    base = hostile_table()
    est = Estimate(-0.0123, 0.0042, 0.004, -0.0205, -0.0041)
    rows = tuple(CoefficientRow(f"x{i}", f"Regressor {i} (R&D_{i})", (est, None, est)) for i in range(45))
    return replace(base, panels=(Panel("Panel A: long", rows),), label="long_table")


def test_layout_fragments_name_their_packages():
    assert packages() == ["booktabs", "threeparttable"]
    assert packages(Layout(longtable=True, landscape=True, siunitx=True)) == ["booktabs", "longtable", "pdflscape", "siunitx"]
    text = render(hostile_table(), "latex", layout=Layout(siunitx=True))
    assert r"\begin{tabular}{lS[table-format=1.3,table-space-text-post=\textsuperscript{***}]" in text
    assert r"R\&D\_share (5\%) \#firms & 0.123{\textsuperscript{***}} & -0.020{\textsuperscript{*}} &  \\" in text
    assert r" & {(}0.046{)} & {(}0.011{)} &  \\" in text and r"Firm FE & {Yes} & {Yes} & {No} \\" in text
    assert r"\begin{sidewaystable}" in render(hostile_table(), "latex", layout=Layout(landscape=True))
    longtable = render(long_table(), "latex", layout=Layout(longtable=True))
    assert longtable.startswith(r"\begin{longtable}{l*{3}{c}}" "\n" r"\caption{Returns to R\&D\_share (5\%) \#firms}")
    assert longtable.count(r"\endhead") == 1 and r"\textit{Table \thetable{} continued}" in longtable


@pytest.mark.slow
@pytest.mark.parametrize("layout", [Layout(longtable=True), Layout(longtable=True, landscape=True, siunitx=True),
                                    Layout(landscape=True, siunitx=True)], ids=["long", "long-landscape-siunitx",
                                                                                  "sideways-siunitx"])
def test_standalone_layouts_compile(tmp_path, layout):
    _needs("siunitx", not layout.siunitx or _kpsewhich("siunitx.sty"))
    log = _compile(tmp_path, "table", render(long_table(), "latex", standalone=True, layout=layout))
    pages = int(re.search(r"Output written on table\.pdf \((\d+) pages?", log).group(1))
    assert pages >= (2 if layout.longtable else 1)


def _fragments(folder, style: Style) -> str:
    """Write the fragments a paper would \\input and return the \\input lines."""
    variants = {"plain": (hostile_table(), Layout()), "siunitx": (hostile_table(), Layout(siunitx=True)),
                "sideways": (hostile_table(), Layout(landscape=True)), "long": (long_table(), Layout(longtable=True))}
    lines = []
    for name, (table, layout) in variants.items():
        (folder / f"{name}.tex").write_text(render(replace(table, label=f"t_{name}"), "latex", style=style,
                                                   layout=layout), encoding="utf-8")
        floated = not (layout.longtable or layout.landscape)
        lines.append(rf"\begin{{table}}[htbp]\centering\input{{{name}}}\end{{table}}" if floated else rf"\input{{{name}}}")
    return "\n".join(lines)


PACKAGES = r"\usepackage{booktabs,threeparttable,longtable,rotating,siunitx}"


def test_fragments_compile_in_the_elsevier_template(tmp_path):
    _needs("elsarticle.cls (texlive-publishers)", _kpsewhich("elsarticle.cls"))
    _needs("siunitx", _kpsewhich("siunitx.sty"))
    document = "\n".join([
        r"\documentclass[preprint,12pt]{elsarticle}", PACKAGES, r"\begin{document}", r"\begin{frontmatter}",
        r"\title{Tables}", r"\author{A. Author}", r"\end{frontmatter}", _fragments(tmp_path, Style()),
        r"\end{document}", ""])
    log = _compile(tmp_path, "paper", document)
    assert "Document Class: elsarticle" in log


def test_fragments_compile_in_an_aer_setting(tmp_path):
    _needs("siunitx", _kpsewhich("siunitx.sty"))
    document = "\n".join([
        r"\documentclass[12pt]{article}", r"\usepackage{setspace,natbib,amsmath}", PACKAGES, r"\doublespacing",
        r"\begin{document}", _fragments(tmp_path, Style(stars=())), r"\end{document}", ""])
    _compile(tmp_path, "paper", document)
    assert "$^{" not in (tmp_path / "plain.tex").read_text(encoding="utf-8"), "no stars in an AER table"


def test_table_command_sets_the_layout_and_number_format(tmp_path):
    from click.testing import CliRunner

    from report.bundle import BundleContent, write_bundle
    from scripts.cli import main

    bundle = write_bundle(tmp_path / "r" / "s" / "b", BundleContent(tables={"hostile_table": hostile_table()}),
                          formats=("latex",), style=Style())
    runner = CliRunner()
    result = runner.invoke(main, ["table", str(bundle), "--latex", "longtable,siunitx", "--numbers", "fixed"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(r"\begin{longtable}{lS[table-format=1.3")
    assert " & 0.004 \\\\" in result.output, "fixed decimals"
    cases = {("--latex", "wide"): "Error: unknown LaTeX layout 'wide'; choose from longtable, landscape, siunitx\n",
             ("--latex", "longtable", "--format", "md"): "Error: --latex applies to LaTeX only, not 'md'\n",
             ("--numbers", "sig"): "Error: unknown number format 'sig'; choose from auto, fixed, significant\n"}
    for args, expected in cases.items():
        failed = runner.invoke(main, ["table", str(bundle), *args])
        assert (failed.exit_code, failed.output) == (2, expected)
