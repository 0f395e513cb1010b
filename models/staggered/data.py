"""Check and code a long table for the staggered estimators."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data_schemas.errors import InputError, check_choice, check_columns, line_number

#: Control units the estimators compare with: never treated, or also not yet treated.
CONTROLS = ("never", "notyet")


@dataclass(frozen=True)
class StaggeredData:
    """A long panel ready for the estimators.

    ``frame`` has the columns ``unit`` (integer codes), ``time`` (integers),
    ``cohort`` (first treated period, 0 for never treated), the outcome and the
    covariates, complete rows only.
    """

    frame: pd.DataFrame
    outcome: str
    covariates: tuple[str, ...]
    n_missing: int

    @property
    def n_units(self) -> int:
        """Number of units."""
        return int(self.frame["unit"].nunique())

    @property
    def n_treated_units(self) -> int:
        """Number of units with a cohort."""
        return int(self.frame.loc[self.frame["cohort"] > 0, "unit"].nunique())

    @property
    def balanced(self) -> bool:
        """Whether every unit is observed in every period."""
        return len(self.frame) == self.frame["unit"].nunique() * self.frame["time"].nunique()


def check_control(control: str) -> str:
    """Return ``control`` if it is one of :data:`CONTROLS`, else raise :class:`InputError`."""
    check_choice(control, CONTROLS, what="control group")
    return control


def prepare(
    data: pd.DataFrame,
    outcome: str,
    *,
    unit: str,
    time: str,
    cohort: str,
    covariates: Sequence[str] = (),
    file: str | None = None,
    never_treated: bool = False,
) -> StaggeredData:
    """Select, check and code the columns of a staggered-adoption panel.

    Parameters
    ----------
    data : DataFrame
        One row per unit and period.
    outcome, unit, time, cohort : str
        Columns: the outcome, the unit id, the period (integers) and each unit's
        first treated period (0 or missing for never-treated units).
    covariates : sequence of str
        Further numeric columns.
    file : str, optional
        The file the data came from, named in error messages.
    never_treated : bool
        The estimator compares with never-treated units: at least one is needed.

    Units treated in or before the first period (always treated) identify no
    effect; they are left out with a warning that counts them.

    Raises
    ------
    InputError
        If a column is missing or not numeric, a unit appears twice in a
        period, its cohort changes over time, a cohort lies after the last
        period (never-treated units coded as 9999, say), or no unit is
        treated (or, with ``never_treated``, never treated).
    """
    names = [outcome, unit, time, cohort, *covariates]
    check_columns(names, data.columns, file=file)
    frame = data.loc[:, list(dict.fromkeys(names))].copy()
    for name in [outcome, time, cohort, *covariates]:
        _check_numeric(frame[name], name, file)
    frame[cohort] = pd.to_numeric(frame[cohort]).astype(float).fillna(0.0)
    complete = frame.notna().all(axis=1).to_numpy()
    n_missing = int((~complete).sum())
    frame = frame.loc[complete]
    times = pd.to_numeric(frame[time]).astype(float)
    if not np.all(np.equal(np.mod(times, 1), 0)) or not np.all(np.equal(np.mod(frame[cohort], 1), 0)):
        raise InputError("periods must be whole numbers", file=file, column=time if not np.all(np.mod(times, 1) == 0) else cohort,
                         fix="code periods as integers such as years")
    out = pd.DataFrame(
        {
            "unit": pd.factorize(frame[unit], sort=True)[0],
            "time": times.astype(np.int64).to_numpy(),
            "cohort": frame[cohort].astype(np.int64).to_numpy(),
        },
        index=frame.index,
    )
    for name in [outcome, *covariates]:
        out[name] = pd.to_numeric(frame[name]).astype(float).to_numpy()
    _check_panel(out, unit, cohort, file)
    out = _without_always_treated(out)
    _check_cohorts(out, cohort, file, never_treated)
    return StaggeredData(out.reset_index(drop=True), outcome, tuple(covariates), n_missing)


def _without_always_treated(out: pd.DataFrame) -> pd.DataFrame:
    """Leave out units treated in or before the first period, with a warning that counts them."""
    first = int(out["time"].min())
    always = (out["cohort"] > 0) & (out["cohort"] <= first)
    if always.any():
        n = int(out.loc[always, "unit"].nunique())
        warnings.warn(f"{n} unit{'s' if n != 1 else ''} treated in or before the first period {first} "
                      f"(always treated) left out: no untreated period identifies {'their' if n != 1 else 'its'} effect",
                      stacklevel=3)
    return out.loc[~always]


def _check_cohorts(out: pd.DataFrame, cohort: str, file: str | None, never_treated: bool) -> None:
    """Cohorts within the periods, some treated units and, if needed, some never-treated units."""
    last = int(out["time"].max())
    late = out.loc[out["cohort"] > last]
    if len(late):
        n = int(late["unit"].nunique())
        raise InputError(f"cohort {int(late['cohort'].iloc[0])} lies after the last period {last} "
                         f"({n} unit{'s' if n != 1 else ''})", file=file, column=cohort,
                         fix="code never-treated units (and units first treated after the last period) as 0 or empty")
    if not (out["cohort"] > 0).any():
        raise InputError("no unit is treated within the periods", file=file, column=cohort,
                         fix="give treated units their first treated period (0 or empty = never treated)")
    if never_treated and not (out["cohort"] == 0).any():
        raise InputError("no never-treated unit (cohort 0 or empty): this estimator compares with them", file=file,
                         column=cohort, fix="use the imputation or twfe estimator, or Callaway-Sant'Anna with "
                                            "not-yet-treated controls (--control notyet)")


def _check_numeric(values: pd.Series, name: str, file: str | None) -> None:
    if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return
    converted = pd.to_numeric(values, errors="coerce")
    bad = np.flatnonzero(converted.isna().to_numpy() & values.notna().to_numpy())
    if len(bad):
        raise InputError(f"expected numbers, got {values.iloc[bad[0]]!r}", file=file, column=name,
                         rows=[line_number(i, file) for i in bad], fix="convert the column to numbers")


def _check_panel(out: pd.DataFrame, unit: str, cohort: str, file: str | None) -> None:
    """Checks on the coded panel; ``out`` keeps the row labels of the input (file order)."""
    duplicated = np.flatnonzero(out.duplicated(["unit", "time"]).to_numpy())
    if len(duplicated):
        raise InputError("a unit appears twice in the same period", file=file, column=unit,
                         rows=[line_number(out.index[i], file) for i in duplicated],
                         fix="keep one row per unit and period")
    changing = out.groupby("unit")["cohort"].nunique()
    if (changing > 1).any():
        first = int(changing.index[changing > 1][0])
        rows = np.flatnonzero((out["unit"] == first).to_numpy())
        raise InputError("the cohort changes over time within a unit", file=file, column=cohort,
                         rows=[line_number(out.index[i], file) for i in rows], fix="give each unit its first treated period in every row")
    if not (out["cohort"] > 0).any():
        raise InputError("no unit is ever treated", file=file, column=cohort,
                         fix="give treated units their first treated period (0 or empty = never treated)")

