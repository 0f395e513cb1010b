"""The Table model: numbers and labels of a paper table, before any formatting.

A :class:`Table` holds estimates (value, standard error, p-value, interval) in
panels, indicator rows ("Firm FE: Yes"), statistics and notes; a descriptive
table holds rows of text in its ``body`` instead.  :mod:`report.grid`
turns it into text cells under a :class:`report.style.Style`, and the
renderers (:mod:`report.render`) only add markup, so every output format shows
the same numbers.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

StatisticKind = Literal["count", "ratio", "text"]
#: fields of a :class:`Table` that override the run's :class:`report.style.Style` for that table
TABLE_STYLE = ("second_row", "digits", "numbers")


@dataclass(frozen=True)
class Estimate:
    """One coefficient in one column.

    Parameters
    ----------
    value, std_error, pvalue : float
        Coefficient, standard error and two-sided p-value.
    lower, upper : float
        Bounds of the 95 % confidence interval.
    """

    value: float
    std_error: float
    pvalue: float
    lower: float
    upper: float

    @property
    def tstat(self) -> float:
        """value / std_error."""
        return self.value / self.std_error if self.std_error else float("nan")


@dataclass(frozen=True)
class CoefficientRow:
    """A regressor across the columns (``None`` where a column lacks it).

    ``digits`` overrides the style's digits for this row.
    """

    term: str
    label: str
    cells: tuple[Estimate | None, ...]
    digits: int | None = None


@dataclass(frozen=True)
class TextRow:
    """A row of text cells, such as "Firm FE: Yes, Yes, No"."""

    label: str
    cells: tuple[str, ...]


@dataclass(frozen=True)
class StatisticRow:
    """A model statistic across the columns; ``kind`` decides its formatting, ``digits`` overrides the style's."""

    label: str
    values: tuple[float | int | None, ...]
    kind: StatisticKind = "ratio"
    digits: int | None = None


@dataclass(frozen=True)
class Panel:
    """A block of coefficient rows, optionally titled ("Panel A: ..."), with its own indicator and statistic rows.

    The table's own ``indicators`` and ``statistics`` follow the last panel and
    are shared by all; a panel's rows belong to it alone.
    """

    title: str | None
    rows: tuple[CoefficientRow, ...]
    indicators: tuple[TextRow, ...] = ()
    statistics: tuple[StatisticRow, ...] = ()


@dataclass(frozen=True)
class Table:
    """A regression table.

    Parameters
    ----------
    title : str
        Caption.
    column_groups : tuple of (str, int)
        Header spanning columns: the dependent variable's label and how many
        columns it covers, left to right.
    panels : tuple of Panel
        Coefficient blocks.
    indicators : tuple of TextRow
        Fixed-effect and control rows.
    statistics : tuple of StatisticRow
        Observations, R², mean of the dependent variable, clusters ...
    notes : tuple of str
        Notes generated from the results (the star legend is added when rendering).
    label : str
        Key for cross references (LaTeX ``\\label``), file stem of the outputs.
    column_titles : tuple of str
        Optional titles above the column numbers.
    numbered : bool
        Number the columns "(1)", "(2)" ... (regression tables); descriptive
        tables of text rows set it false.
    stub : str
        Header of the label column (e.g. "Technology group").
    body : tuple of TextRow
        Rows of text of a descriptive table, shown before any panel.
    second_row, digits, numbers : optional
        The table's own choice of what goes under each coefficient, its digits
        and their format (:class:`report.style.Style`), over the run's.
    """

    title: str
    column_groups: tuple[tuple[str, int], ...]
    panels: tuple[Panel, ...]
    indicators: tuple[TextRow, ...] = ()
    statistics: tuple[StatisticRow, ...] = ()
    notes: tuple[str, ...] = ()
    label: str = "table"
    column_titles: tuple[str, ...] = field(default=())
    numbered: bool = True
    stub: str = ""
    body: tuple[TextRow, ...] = ()
    second_row: str | None = None
    digits: int | None = None
    numbers: str | None = None

    @property
    def n_columns(self) -> int:
        """Number of model columns."""
        return sum(span for _, span in self.column_groups)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able form, read back by :meth:`from_dict`.

        Optional parts left at their defaults (row digits, panel rows, the
        text body, the table's own style) are omitted, so tables without them keep their earlier form.
        """
        return _without_defaults(asdict(self))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Table:
        """Rebuild a table written by :meth:`to_dict`."""
        panels = tuple(
            Panel(
                title=p["title"],
                rows=tuple(
                    CoefficientRow(
                        term=r["term"],
                        label=r["label"],
                        cells=tuple(None if c is None else Estimate(**c) for c in r["cells"]),
                        digits=r.get("digits"),
                    )
                    for r in p["rows"]
                ),
                indicators=_text_rows(p.get("indicators", ())),
                statistics=_statistic_rows(p.get("statistics", ())),
            )
            for p in data["panels"]
        )
        return cls(
            title=data["title"],
            column_groups=tuple((str(name), int(span)) for name, span in data["column_groups"]),
            panels=panels,
            indicators=_text_rows(data["indicators"]),
            statistics=_statistic_rows(data["statistics"]),
            notes=tuple(data["notes"]),
            label=data["label"],
            column_titles=tuple(data.get("column_titles", ())),
            numbered=bool(data.get("numbered", True)),
            stub=str(data.get("stub", "")),
            body=_text_rows(data.get("body", ())),
            second_row=data.get("second_row"),
            digits=data.get("digits"),
            numbers=data.get("numbers"),
        )


def _without_defaults(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` without the optional keys of rows, panels and the body that hold their default."""
    for row in data["statistics"]:
        _drop_default(row, "digits")
    for panel in data["panels"]:
        for row in panel["rows"]:
            _drop_default(row, "digits")
        for row in panel["statistics"]:
            _drop_default(row, "digits")
        _drop_default(panel, "indicators")
        _drop_default(panel, "statistics")
    for key in ("body", *TABLE_STYLE):
        _drop_default(data, key)
    return data


def _drop_default(data: dict[str, Any], key: str) -> None:
    """Remove ``key`` when it holds its default: no digits, no rows."""
    if data[key] is None or (isinstance(data[key], (list, tuple)) and not data[key]):
        del data[key]


def _text_rows(rows) -> tuple[TextRow, ...]:
    return tuple(TextRow(r["label"], tuple(r["cells"])) for r in rows)


def _statistic_rows(rows) -> tuple[StatisticRow, ...]:
    return tuple(StatisticRow(r["label"], tuple(r["values"]), r["kind"], r.get("digits")) for r in rows)
