"""Table features paper authors ask for: number formats, patterns, extra and chosen statistic rows, panels, text bodies."""

from __future__ import annotations

from dataclasses import replace

import pytest

from data_schemas.errors import InputError
from report.numbers import format_number
from report.regression import Labels, regression_table
from report.render import render
from report.stacking import panel_letter, stack_panels
from report.style import Style
from report.table import CoefficientRow, Estimate, Panel, StatisticRow, Table, TextRow
from tests import test_report_tables
from tests.test_report_tables import hostile_table

fitted = test_report_tables.fitted  # the three fits of the table tests, as a fixture here too


@pytest.mark.parametrize(("value", "digits", "how", "expected"), [
    (0.00042, 3, "auto", "0.00042"),
    (-0.0004, 3, "auto", "-0.00040"),
    (-0.0004, 3, "fixed", "0.000"),
    (-0.00049, 3, "auto", "-0.00049"),
    (0.000996, 3, "auto", "0.00100"),
    (0.0123456, 3, "significant", "0.0123"),
    (0.000996, 2, "significant", "0.0010"),
    (123.456, 3, "significant", "123"),
    (12345.678, 3, "auto", "12,345.678"),
    (-0.0, 3, "auto", "0.000"),
    (-0.0001, 2, "fixed", "0.00"),
    (0.1234, 1, "fixed", "0.1"),
    (float("nan"), 3, "auto", ""),
])
def test_number_formats(value, digits, how, expected):
    assert format_number(value, digits, how) == expected


def test_no_standard_error_prints_as_zero_and_no_negative_zero():
    est = Estimate(-0.00004, 0.00021, 0.85, -0.00045, 0.00037)
    table = replace(hostile_table(), panels=(Panel(None, (CoefficientRow("x", "x", (est, est, None)),)),))
    auto = render(table, "csv")
    assert "-0.000040,-0.000040," in auto and "(0.00021),(0.00021)," in auto
    fixed = render(table, "csv", style=Style(numbers="fixed"))
    assert "\nx,0.000,0.000,\n" in fixed and "-0.000" not in fixed
    with pytest.raises(InputError, match="unknown number format 'sig'; choose from auto, fixed, significant"):
        Style(numbers="sig")


def test_row_digits_override_the_style():
    table = hostile_table()
    rows = (replace(table.panels[0].rows[0], digits=1), table.panels[0].rows[1])
    stats = (replace(table.statistics[1], digits=2), table.statistics[0])
    text = render(replace(table, panels=(replace(table.panels[0], rows=rows),), statistics=stats), "csv")
    assert "R&D_share (5%) #firms,0.12***,-0.020*," in text and ",(0.046),(0.011)," in text, "two significant digits"
    assert "Within R²,0.12,0.50," in text
    assert Table.from_dict(replace(table, statistics=stats).to_dict()).statistics[0].digits == 2


def test_keep_drop_order_and_rename_by_pattern(fitted):
    table = regression_table(fitted, title="t", label="t", keep=["ln_.*", "size"], order=["s.*"],
                             labels=Labels(patterns={r"ln_(\w+)_apply": r"log \1"}))
    assert [(r.term, r.label) for r in table.panels[0].rows] == [("size", "Size"),
                                                                 ("ln_invention_apply", "log invention")]
    dropped = regression_table(fitted, title="t", label="t", drop=[".*_apply"])
    assert [r.term for r in dropped.panels[0].rows] == ["size"]
    with pytest.raises(InputError, match=r"keep names 'roa_.\*', which no model estimates"):
        regression_table(fitted, title="t", label="t", keep=["roa_.*"])
    with pytest.raises(InputError, match=r"drop pattern '\(' is not a regular expression"):
        regression_table(fitted, title="t", label="t", drop=["("])


def test_extra_rows_and_chosen_statistics(fitted):
    m1, m2, m3 = fitted
    table = regression_table(fitted, title="t", label="t", extra_rows=[("Estimator", ("OLS", "OLS", "Pooled"))],
                             statistics=["r2", "nobs", "singletons"])
    assert table.indicators[-2] == TextRow("Estimator", ("OLS", "OLS", "Pooled"))
    assert [(r.label, r.values) for r in table.statistics] == [
        ("R²", (m1.rsquared, m2.rsquared, m3.rsquared)), ("Observations", (m1.nobs, m2.nobs, m3.nobs)),
        ("Singletons dropped", (m1.n_singletons, m2.n_singletons, m3.n_singletons))]
    with pytest.raises(InputError, match="unknown statistic 'r2_withn'; did you mean 'r2_within'?"):
        regression_table(fitted, title="t", label="t", statistics=["r2_withn"])
    with pytest.raises(InputError, match="extra row 'Sample' has 2 cells for 3 models; give one cell per model"):
        regression_table(fitted, title="t", label="t", extra_rows=[("Sample", ("a", "b"))])


def test_panels_share_one_block_or_keep_their_own(fitted):
    m1, m2, _ = fitted
    roa = regression_table([m1, m2], title="a", label="a")
    roe = regression_table([m2, m1], title="b", label="b")
    shared = stack_panels([roa, roa], titles=["ROA", "ROA again"], title="Stacked", label="stacked")
    assert [p.title for p in shared.panels] == ["Panel A: ROA", "Panel B: ROA again"]
    assert shared.indicators == roa.indicators and shared.statistics == roa.statistics
    assert shared.panels[0].statistics == ()
    own = stack_panels([roa, roe], titles=["ROA", "ROE"], title="Stacked", label="stacked", shared=False)
    assert own.panels[1].indicators == roe.indicators and own.panels[1].statistics == roe.statistics
    text = render(own, "csv")
    assert text.index("Panel B: ROE") < text.rindex("Firm FE") and text.count("Observations") == 2
    assert Table.from_dict(own.to_dict()) == own
    with pytest.raises(InputError, match="panel 'ROE' has other fixed-effect or indicator rows than panel 'ROA'"):
        stack_panels([roa, roe], titles=["ROA", "ROE"], title="s", label="s")
    with pytest.raises(InputError, match="panel 'ROE' has 1 columns and panel 'ROA' has 2"):
        stack_panels([roa, regression_table([m1], title="c", label="c")], titles=["ROA", "ROE"], title="s", label="s")
    with pytest.raises(InputError, match="panel title 'ROA' is used twice"):
        stack_panels([roa, roa], titles=["ROA", "ROA"], title="s", label="s")
    assert [panel_letter(i) for i in (0, 1, 25, 26)] == ["A", "B", "Z", "AA"]


def test_descriptive_tables_have_a_text_body():
    table = Table(title="Groups", column_groups=(("V", 1), ("G", 1)), panels=(), label="groups", numbered=False,
                  stub="Group", body=(TextRow("Chips", ("0.31", "0.72")), TextRow("Lathes", ("0.12", "-0.10"))),
                  notes=("V: volatility.",))
    assert render(table, "md") == ("**Groups**\n\n| Group | V | G |\n| --- | ---: | ---: |\n| Chips | 0.31 | 0.72 |\n"
                                   "| Lathes | 0.12 | -0.10 |\n\nV: volatility.\n")
    assert '<tbody class="text">' in render(table, "html")
    assert Table.from_dict(table.to_dict()) == table
    assert "statistics" not in table.to_dict()["panels"] if table.panels else "body" in table.to_dict()
    assert "body" not in hostile_table().to_dict(), "a table without a body keeps its earlier stored form"
    assert StatisticRow("N", (1,), "count").digits is None
