"""Tables: golden files for every renderer (hostile labels included) and content checks on real fits."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from data_schemas.errors import InputError
from models import Spec, fit
from report.regression import Labels, regression_table
from report.render import FORMATS, render
from report.style import Style
from report.table import CoefficientRow, Estimate, Panel, StatisticRow, Table, TextRow

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("CHOKEPOINT_UPDATE_GOLDEN") == "1"


def hostile_table() -> Table:
    """A table whose labels carry every character a renderer must escape."""
    est = lambda v, se, p: Estimate(v, se, p, v - 1.96 * se, v + 1.96 * se)
    return Table(
        title="Returns to R&D_share (5%) #firms",
        column_groups=(("ROA & ROE_{t}", 2), ("Tobin's Q", 1)),
        panels=(
            Panel(
                "Panel A: $\\beta$ by <period>",
                (
                    CoefficientRow("rd", "R&D_share (5%) #firms", (est(0.1234, 0.0456, 0.0069), est(-0.02, 0.011, 0.07), None)),
                    CoefficientRow("x", "ln(1+patents) × post | ~50% ^ \\ {x}", (None, est(1.5, 0.2, 0.0001), est(0.004, 0.01, 0.69))),
                ),
            ),
        ),
        indicators=(TextRow("Firm FE", ("Yes", "Yes", "No")), TextRow("Industry×Year FE", ("No", "Yes", "Yes"))),
        statistics=(
            StatisticRow("Observations", (12345, 1234567, 99), "count"),
            StatisticRow("Within R²", (0.1234, 0.5, None)),
        ),
        notes=("Standard errors clustered by firm_id (CRV1).", "Sample: R&D > 0 & 100% listed."),
        label="hostile_table",
    )


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_golden_renderings(fmt):
    text = render(hostile_table(), fmt)
    path = GOLDEN / f"hostile_table{FORMATS[fmt]}"
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_golden_standalone_latex():
    text = render(hostile_table(), "latex", standalone=True)
    path = GOLDEN / "hostile_table.standalone.tex"
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_latex_escapes_and_passes_math_through():
    text = render(hostile_table(), "latex")
    assert r"R\&D\_share (5\%) \#firms" in text
    assert r"Panel A: $\beta$ by \textless{}period\textgreater{}" in text
    assert r"ln(1+patents) $\times$ post | \textasciitilde{}50\% \textasciicircum{} \textbackslash{} \{x\}" in text
    assert r"0.123$^{***}$" in text and r"$-$0.020$^{*}$" in text


def test_markdown_and_html_escape():
    md = render(hostile_table(), "md")
    assert r"ln(1+patents) × post \| ~50% ^ \\ {x}" in md
    assert r"0.123\*\*\*" in md
    page = render(hostile_table(), "html")
    assert "R&amp;D_share (5%) #firms" in page and "&lt;period&gt;" in page


def test_stars_switch_off_and_legend_follows_thresholds():
    plain = render(hostile_table(), "md", style=Style(stars=()))
    assert "\\*" not in plain and "p\\<" not in plain
    custom = render(hostile_table(), "md", style=Style(stars=(0.05, 0.01, 0.001)))
    assert "\\* p\\<0.05, \\*\\* p\\<0.01, \\*\\*\\* p\\<0.001" in custom
    assert "0.123\\*\\*" in custom and "0.123\\*\\*\\*" not in custom


@pytest.mark.parametrize(
    ("second", "expected"),
    [("se", "(0.046)"), ("t", "(2.71)"), ("p", "(0.0069)"), ("ci", "[0.034, 0.213]")],
)
def test_second_row_choices(second, expected):
    assert expected in render(hostile_table(), "csv", style=Style(second_row=second))


def test_bad_options_are_errors():
    with pytest.raises(InputError, match="unknown table format 'pdf'; choose from latex, md, html, csv, json"):
        render(hostile_table(), "pdf")
    with pytest.raises(InputError, match="standalone applies to LaTeX only"):
        render(hostile_table(), "md", standalone=True)
    with pytest.raises(InputError, match="unknown second row 'stderr'"):
        Style(second_row="stderr")
    with pytest.raises(InputError, match="must be p-values in \\(0, 1\\), loosest first"):
        Style(stars=(0.01, 0.05))
    with pytest.raises(TypeError):
        render(hostile_table(), "latex", stars=None)  # a misspelt option is never swallowed


def test_table_json_round_trip():
    table = hostile_table()
    assert Table.from_dict(json.loads(render(table, "json"))) == table


@pytest.fixture(scope="module")
def fitted():
    rng = np.random.default_rng(7)
    firms, years = 60, 8
    data = pd.DataFrame({"firm_id": np.repeat([f"{i:06d}" for i in range(firms)], years),
                         "year": np.tile(np.arange(2012, 2012 + years), firms)})
    data["industry"] = data["firm_id"].map(lambda f: f"C{30 + int(f) % 5}")
    data["industry_year"] = data["industry"] + "_" + data["year"].astype(str)
    data["ln_invention_apply"] = rng.normal(size=len(data))
    data["size"] = rng.normal(size=len(data))
    data["roa"] = 0.02 * data["ln_invention_apply"] + 0.01 * data["size"] + rng.normal(scale=0.05, size=len(data))
    m1 = fit(data, Spec("roa", ("ln_invention_apply",), fixed_effects=("firm_id", "year"), cluster=("firm_id",)))
    m2 = fit(data, Spec("roa", ("ln_invention_apply", "size"), fixed_effects=("firm_id", "industry_year"), cluster=("firm_id",)))
    m3 = fit(data, Spec("roa", ("ln_invention_apply", "size"), vcov="hc1"))
    return m1, m2, m3


def test_fixed_effect_rows_come_from_the_results(fitted):
    table = regression_table(fitted, title="t", label="t", controls=("size",),
                             labels=Labels({"industry_year": "Industry×Year FE"}))
    rows = {r.label: r.cells for r in table.indicators}
    assert rows == {
        "Firm FE": ("Yes", "Yes", "No"),
        "Year FE": ("Yes", "No", "No"),
        "Industry×Year FE": ("No", "Yes", "No"),
        "Controls": ("No", "Yes", "Yes"),
        "Standard errors": ("By firm", "By firm", "Robust (HC1)"),
    }
    assert [r.term for r in table.panels[0].rows] == ["ln_invention_apply"], "controls are not shown"


def test_statistics_and_notes_come_from_the_results(fitted):
    m1, m2, m3 = fitted
    table = regression_table(fitted, title="t", label="t", sample_note="Sample: all firms.")
    stats = {r.label: r.values for r in table.statistics}
    assert stats["Observations"] == (m1.nobs, m2.nobs, m3.nobs)
    assert stats["Within R²"] == (m1.rsquared_within, m2.rsquared_within, None)
    assert stats["R²"] == (None, None, m3.rsquared)
    assert stats["Clusters"] == (60, 60, None)
    assert stats["Mean of dep. var."][0] == pytest.approx(m1.depvar_mean)
    assert any(n.startswith("(1), (2): Standard errors clustered by firm (CRV1") for n in table.notes), "the note names the cluster variable"
    assert "(3): Heteroskedasticity-robust standard errors (HC1, n/(n-K))." in table.notes
    assert f"(3): {m3.vcov_note}" in table.notes
    assert "Sample: all firms." in table.notes
    text = render(table, "md")
    assert "\\* p\\<0.10, \\*\\* p\\<0.05, \\*\\*\\* p\\<0.01" in text
    assert table.column_groups == (("ROA", 3),)


def test_keep_drop_order(fitted):
    table = regression_table(fitted, title="t", label="t", keep=("size", "ln_invention_apply"), order=("size",))
    assert [r.term for r in table.panels[0].rows] == ["size", "ln_invention_apply"]
    with pytest.raises(InputError, match="keep names 'patents', which no model estimates"):
        regression_table(fitted, title="t", label="t", keep=("patents",))
