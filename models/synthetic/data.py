"""The wide outcome matrix a synthetic-control design needs, checked before anything is fitted."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data_schemas.errors import InputError, did_you_mean
from models.synthetic.locate import locate_rows
from models.synthetic.predictors import Predictor, predictor_values

#: Fewest pre-periods a treated unit needs, and fewest donors.
MIN_PRE_PERIODS = 3
MIN_DONORS = 2


@dataclass(frozen=True)
class SyntheticDesign:
    """Treated and donor outcome paths on a common, sorted time axis.

    Attributes
    ----------
    outcome : str
        Name of the outcome.
    treated : tuple of str
        Treated units (their mean path is the target).
    donors : tuple of str
        Donor units, in the row order of ``donor_paths``.
    periods : tuple
        All periods, sorted; the first ``n_pre`` are before the treatment.
    start : object
        First treated period.
    treated_paths : ndarray, shape (treated, periods)
    donor_paths : ndarray, shape (donors, periods)
    dropped_donors : tuple of str
        Donors left out because their outcome is missing in some period.
    predictor_labels : tuple of str
        Names of the predictors (empty: the synthetic control matches pre-period outcomes).
    treated_predictors : ndarray, shape (predictors,), optional
        The treated units' mean predictor values.
    donor_predictors : ndarray, shape (predictors, donors), optional
    """

    outcome: str
    treated: tuple[str, ...]
    donors: tuple[str, ...]
    periods: tuple
    start: object
    treated_paths: np.ndarray
    donor_paths: np.ndarray
    dropped_donors: tuple[str, ...] = ()
    predictor_labels: tuple[str, ...] = ()
    treated_predictors: np.ndarray | None = None
    donor_predictors: np.ndarray | None = None

    @property
    def n_pre(self) -> int:
        """Number of periods before the treatment."""
        return sum(1 for period in self.periods if period < self.start)

    @property
    def target(self) -> np.ndarray:
        """The treated units' mean path."""
        return self.treated_paths.mean(axis=0)

    def without_donors(self, drop: Sequence[str]) -> SyntheticDesign:
        """The same design with some donors removed."""
        keep = [i for i, donor in enumerate(self.donors) if donor not in set(drop)]
        return SyntheticDesign(
            self.outcome, self.treated, tuple(self.donors[i] for i in keep), self.periods, self.start,
            self.treated_paths, self.donor_paths[keep], self.dropped_donors, self.predictor_labels,
            self.treated_predictors, None if self.donor_predictors is None else self.donor_predictors[:, keep],
        )

    def truncated(self, last_period: object, start: object) -> SyntheticDesign:
        """The periods up to ``last_period`` (inclusive) with the treatment moved to ``start``."""
        keep = [i for i, period in enumerate(self.periods) if period <= last_period]
        return SyntheticDesign(
            self.outcome, self.treated, self.donors, tuple(self.periods[i] for i in keep), start,
            self.treated_paths[:, keep], self.donor_paths[:, keep], self.dropped_donors, self.predictor_labels,
            self.treated_predictors, self.donor_predictors,
        )


def _label(value: object) -> str:
    return str(value)


def _unknown_unit(unit: str, known: Sequence[str], source: str, column: str) -> InputError:
    hint = did_you_mean(unit, known)
    return InputError(
        f"unit '{unit}' is not in the data" + (f"; {hint}" if hint else ""),
        file=source, column=column, fix="give a unit that appears in that column",
    )


def synthetic_design(
    data: pd.DataFrame,
    *,
    unit: str,
    time: str,
    outcome: str,
    treated: Sequence[str],
    start: object,
    donors: Sequence[str] | None = None,
    predictors: Sequence[Predictor] = (),
    source: str = "data",
    line_numbers: bool = False,
) -> SyntheticDesign:
    """Check a long panel and lay it out for the synthetic estimators.

    Parameters
    ----------
    data : DataFrame
        Long panel with one row per unit and period.
    unit, time, outcome : str
        Column names.
    treated : sequence of str
        Treated units (compared as strings with the unit column).
    start : object
        First treated period, in the time column's type.
    donors : sequence of str, optional
        Restrict the donor pool to these units (default: every other unit).
    predictors : sequence of Predictor, optional
        Predictors for a synthetic control in the manner of Abadie, Diamond and
        Hainmueller (2010); default: none (the donor weights match the pre-period
        outcomes).
    source : str
        Name of the data in error messages (a file name where there is one).
    line_numbers : bool
        Whether the index of ``data`` holds the file's line numbers (tables read by
        ``panel.sources.tabular.read_raw``): errors then give the lines of bad rows;
        otherwise they name the rows by unit and period.

    Raises
    ------
    InputError
        A missing column, duplicate unit-periods, an unknown unit, a start outside
        the data, fewer than 3 pre-periods, a treated outcome missing in some
        period, or fewer than 2 donors with a complete outcome.
    """
    for column in (unit, time, outcome):
        if column not in data.columns:
            hint = did_you_mean(column, [str(c) for c in data.columns])
            raise InputError(
                f"no column '{column}'" + (f"; {hint}" if hint else ""), file=source,
                fix=f"the columns are {', '.join(map(str, data.columns))}",
            )
    frame = data[[unit, time, outcome]].copy()
    frame[unit] = frame[unit].map(_label)
    duplicated = frame.duplicated([unit, time], keep=False)
    if duplicated.any():
        problem, rows = locate_rows(f"duplicate {unit}-{time} pairs", frame, duplicated, unit=unit, time=time,
                                    line_numbers=line_numbers)
        raise InputError(problem, file=source, rows=rows, fix="keep one row per unit and period")
    values = pd.to_numeric(frame[outcome], errors="coerce")
    bad = values.isna() & frame[outcome].notna()
    if bad.any():
        problem, rows = locate_rows("expected a number", frame, bad, unit=unit, time=time, line_numbers=line_numbers)
        raise InputError(problem, file=source, column=outcome, rows=rows, fix="clean the column or drop those rows")
    infinite = pd.Series(np.isinf(values.to_numpy(float)), index=frame.index)
    if infinite.any():
        problem, rows = locate_rows("infinite value", frame, infinite, unit=unit, time=time,
                                    line_numbers=line_numbers)
        raise InputError(problem, file=source, column=outcome, rows=rows,
                         fix="replace infinite values by numbers or leave them missing")
    frame[outcome] = values
    units = sorted(frame[unit].unique())
    treated = tuple(dict.fromkeys(_label(t) for t in treated))
    for name in treated:
        if name not in units:
            raise _unknown_unit(name, units, source, unit)
    periods = tuple(sorted(frame[time].unique()))
    if not periods or start <= periods[0] or start > periods[-1]:
        raise InputError(
            f"treatment start {start} is outside the data's pre- and post-periods "
            f"({periods[0]}-{periods[-1]})" if periods else "no periods in the data",
            file=source, column=time, fix=f"give a start after {periods[0]} and at most {periods[-1]}" if periods else None,
        )
    n_pre = sum(1 for period in periods if period < start)
    if n_pre < MIN_PRE_PERIODS:
        raise InputError(
            f"only {n_pre} period(s) before the treatment start {start}; at least {MIN_PRE_PERIODS} are needed",
            file=source, column=time, fix="choose a later start or add earlier periods",
        )
    wide = frame.pivot(index=unit, columns=time, values=outcome).reindex(columns=list(periods))
    treated_paths = wide.loc[list(treated)]
    missing = treated_paths.isna()
    if missing.any().any():
        gaps = [f"{u} {p}" for u, row in missing.iterrows() for p, gap in row.items() if gap]
        raise InputError(
            f"outcome missing for the treated unit in {len(gaps)} period(s): {', '.join(gaps[:5])}",
            file=source, column=outcome, fix="fill those periods or shorten the window",
        )
    if donors is None:
        pool = [u for u in units if u not in treated]
    else:
        pool = [_label(d) for d in donors]
        for name in pool:
            if name not in units:
                raise _unknown_unit(name, units, source, unit)
        pool = [d for d in dict.fromkeys(pool) if d not in treated]
    complete = wide.loc[pool].notna().all(axis=1)
    kept = [d for d in pool if complete[d]]
    if len(kept) < MIN_DONORS:
        raise InputError(
            f"donor pool has {len(kept)} unit(s) with a complete outcome; at least {MIN_DONORS} are needed",
            file=source, column=outcome, fix="widen the donor pool or fill the gaps",
        )
    values = None
    if predictors:
        table = data.assign(**{unit: data[unit].map(_label)})
        values = predictor_values(table, unit=unit, time=time, units=[*treated, *kept], predictors=predictors,
                                  pre_periods=periods[:n_pre], source=source, line_numbers=line_numbers)
    return SyntheticDesign(
        outcome=outcome, treated=treated, donors=tuple(kept), periods=periods, start=start,
        treated_paths=treated_paths.to_numpy(float), donor_paths=wide.loc[kept].to_numpy(float),
        dropped_donors=tuple(d for d in pool if not complete[d]),
        predictor_labels=tuple(p.label for p in predictors),
        treated_predictors=None if values is None else values[:, : len(treated)].mean(axis=1),
        donor_predictors=None if values is None else values[:, len(treated):],
    )
