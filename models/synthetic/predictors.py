"""Predictors of a synthetic control: a column averaged over chosen periods, per unit.

A predictor is a column of the long table and the periods it is averaged over
(default: every period before the treatment), as ``Synth``'s ``predictors`` and
``special.predictors`` are; a lagged outcome is the outcome column with one period.
Missing values inside the window are left out of the mean, as ``Synth`` does; a unit
with no value at all in the window is an error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data_schemas.errors import InputError, did_you_mean
from models.synthetic.locate import locate_rows


@dataclass(frozen=True)
class Predictor:
    """A column averaged over ``periods`` (None: all pre-treatment periods).

    Examples
    --------
    >>> Predictor("beer", (1984, 1985, 1986, 1987, 1988)).label
    'beer 1984-1988'
    >>> Predictor("cigsale", (1975,)).label
    'cigsale 1975'
    >>> Predictor("lnincome").label
    'lnincome'
    """

    column: str
    periods: tuple | None = None

    @property
    def label(self) -> str:
        """The name shown in balance tables."""
        if self.periods is None:
            return self.column
        if len(self.periods) == 1:
            return f"{self.column} {self.periods[0]}"
        ordered = sorted(self.periods)
        contiguous = all(isinstance(p, (int, np.integer)) for p in ordered) and (
            list(ordered) == list(range(int(ordered[0]), int(ordered[-1]) + 1)))
        if contiguous:
            return f"{self.column} {ordered[0]}-{ordered[-1]}"
        return f"{self.column} {','.join(str(p) for p in ordered)}"


def _period(text: str, spec: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise InputError(f"predictor '{spec}': period '{text}' is not a whole number",
                         fix="write COLUMN, COLUMN:YEAR, COLUMN:FIRST-LAST or COLUMN:Y1,Y2,...") from None


def parse_predictor(spec: str) -> Predictor:
    """Read ``COLUMN``, ``COLUMN:1975``, ``COLUMN:1980-1988`` or ``COLUMN:1961,1963,1965``.

    Examples
    --------
    >>> parse_predictor("beer:1984-1988")
    Predictor(column='beer', periods=(1984, 1985, 1986, 1987, 1988))
    >>> parse_predictor("sec.energy:1961,1963")
    Predictor(column='sec.energy', periods=(1961, 1963))
    >>> parse_predictor("lnincome")
    Predictor(column='lnincome', periods=None)
    """
    column, _, window = spec.rpartition(":") if ":" in spec else (spec, "", "")
    column = column.strip()
    if not column:
        raise InputError(f"predictor '{spec}' names no column", fix="write COLUMN or COLUMN:PERIODS")
    if not window.strip():
        return Predictor(column)
    periods: list[int] = []
    for part in window.split(","):
        first, dash, last = part.strip().partition("-")
        if dash:
            start, end = _period(first, spec), _period(last, spec)
            if end < start:
                raise InputError(f"predictor '{spec}': the range {start}-{end} runs backwards",
                                 fix="write the earlier period first")
            periods.extend(range(start, end + 1))
        else:
            periods.append(_period(first, spec))
    return Predictor(column, tuple(dict.fromkeys(periods)))


def predictor_values(
    frame: pd.DataFrame, *, unit: str, time: str, units: Sequence[str], predictors: Sequence[Predictor],
    pre_periods: Sequence, source: str, line_numbers: bool = False,
) -> np.ndarray:
    """The (predictors, units) matrix of window means, units in the given order.

    ``frame`` has the unit column already as strings; bad rows are reported as in
    :func:`models.synthetic.locate.locate_rows`.  Raises :class:`InputError`
    for an unknown or non-numeric column, a period outside the data, or a unit
    with no value in a predictor's window.
    """
    periods_in_data = set(frame[time].unique())
    rows = []
    for predictor in predictors:
        if predictor.column not in frame.columns:
            hint = did_you_mean(predictor.column, [str(c) for c in frame.columns])
            raise InputError(f"no predictor column '{predictor.column}'" + (f"; {hint}" if hint else ""),
                             file=source, fix=f"the columns are {', '.join(map(str, frame.columns))}")
        window = list(pre_periods) if predictor.periods is None else list(predictor.periods)
        outside = [p for p in window if p not in periods_in_data]
        if outside:
            raise InputError(f"predictor '{predictor.label}': period(s) {', '.join(map(str, outside[:5]))} "
                             "not in the data", file=source, column=time, fix="choose periods the data has")
        values = pd.to_numeric(frame[predictor.column], errors="coerce")
        bad = values.isna() & frame[predictor.column].notna()
        if bad.any():
            problem, lines = locate_rows("expected a number", frame, bad, unit=unit, time=time,
                                         line_numbers=line_numbers)
            raise InputError(problem, file=source, column=predictor.column, rows=lines,
                             fix="clean the column or drop those rows")
        infinite = pd.Series(np.isinf(values.to_numpy(float)), index=frame.index)
        if infinite.any():
            problem, lines = locate_rows("infinite value", frame, infinite, unit=unit, time=time,
                                         line_numbers=line_numbers)
            raise InputError(problem, file=source, column=predictor.column, rows=lines,
                             fix="replace infinite values by numbers or leave them missing")
        inside = frame[time].isin(window)
        means = values[inside].groupby(frame.loc[inside, unit]).mean().reindex(list(units))
        empty = [u for u, m in means.items() if not np.isfinite(m)]
        if empty:
            raise InputError(f"predictor '{predictor.label}' has no value for {len(empty)} unit(s): "
                             f"{', '.join(empty[:5])}", file=source, column=predictor.column,
                             fix="widen its periods, fill the gaps or leave those units out of the donor pool")
        rows.append(means.to_numpy(float))
    return np.array(rows)
