"""The entries of a study file, parsed and checked before anything is estimated.

See :mod:`models.studies` for the TOML format.  Every check here raises one
:class:`InputError` that names the study file, the entry and the fix.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from functools import cached_property
from typing import Any, ClassVar, cast

import numpy as np
import pandas as pd

from data_schemas.errors import InputError, did_you_mean, unknown_choice
from models.event_study import event_term
from models.marginal import SEPARATOR, add_interactions, add_year_interactions
from models.spec import Spec
from models.studies.condition import Condition, parse_condition
from panel.files import SAFE_NAME_RULE, name_problem

#: entries whose names become file names and LaTeX labels (checked by panel.files.name_problem)
NAMES_BECOME_FILES = ("tables", "figures", "cases")
#: panel identifiers every study entry may rely on
UNIT, TIME = "firm_id", "year"
FIGURE_KINDS = ("event_study", "marginal", "permutation")

#: How an event-study figure draws coefficients: as estimated, or as percentage changes 100 (exp(b) - 1).
FIGURE_SCALES = ("coefficient", "percent")
#: staggered estimators in the order of the robustness table's columns
STAGGERED_ESTIMATORS = ("twfe", "sun-abraham", "callaway-santanna", "imputation")
#: why firms are left out of a staggered entry (the reason logged in its coverage and table note)
EARLY_TREATED_REASON = "treated in or before their first year in the sample (no pre-treatment year, e.g. sanctioned before listing)"


class Where:
    """Where in a study file an entry sits, for error messages."""

    def __init__(self, file: str | None, label: str) -> None:
        self.file = file
        self.label = label

    def error(self, problem: str, fix: str | None = None) -> InputError:
        """An :class:`InputError` naming the file and the entry."""
        return InputError(f"{self.label}: {problem}", file=self.file, fix=fix)

    @classmethod
    def entry(
        cls, file: str | None, section: str, position: int, table: Mapping[str, Any],
        keys: Sequence[str], required: Sequence[str],
    ) -> tuple[Where, str]:
        """Check an entry's keys and return where it is (named by its ``name``) and that name."""
        at = cls(file, f"[[{section}]] #{position}")
        at.check_keys(table, keys, required)
        name = at.required_text(table, "name")
        if section in NAMES_BECOME_FILES and (problem := name_problem(name)):
            raise at.error(f"'name' {problem}", fix=SAFE_NAME_RULE)
        return cls(file, f"[[{section}]] '{name}'"), name

    def choice(self, value: str, choices: Sequence[str], what: str) -> None:
        """Raise ``unknown <what> 'value'`` with a did-you-mean hint unless ``value`` is one of ``choices``."""
        if value not in choices:
            error = unknown_choice(value, choices, what=what, listing=False)
            raise self.error(error.problem, error.fix)

    def check_keys(self, table: Mapping[str, Any], allowed: Sequence[str], required: Sequence[str] = ()) -> None:
        """Reject unknown keys (with a suggestion) and missing required ones."""
        if not isinstance(table, Mapping):
            raise self.error("expected a table of keys and values", fix="see the format in the models.studies docstring")
        for key in table:
            if key not in allowed:
                hint = did_you_mean(key, allowed)
                raise self.error(f"unknown key '{key}'", fix=hint or f"the keys are: {', '.join(allowed)}")
        for key in required:
            if key not in table:
                raise self.error(f"missing key '{key}'", fix=f"add {key} = ...")

    def text(self, table: Mapping[str, Any], key: str, default: str | None = None) -> str | None:
        """A string value."""
        value = table.get(key, default)
        if value is not None and not isinstance(value, str):
            raise self.error(f"'{key}' must be a string, got {value!r}", fix=f'write {key} = "..."')
        return value

    def required_text(self, table: Mapping[str, Any], key: str, default: str | None = None) -> str:
        """A string value that must be there (its key is required, or it has a default)."""
        value = self.text(table, key, default)
        if value is None:
            raise self.error(f"missing key '{key}'", fix=f"add {key} = ...")
        return value

    def names(self, table: Mapping[str, Any], key: str, default: Sequence[str] = (), unique: bool = True) -> tuple[str, ...]:
        """A list of strings (one string is accepted as a list of one), each once unless ``unique`` is false."""
        value = table.get(key, default)
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) and v for v in value):
            raise self.error(f"'{key}' must be a list of names, got {value!r}", fix=f'write {key} = ["a", "b"]')
        if unique and len(set(value)) != len(value):
            raise self.error(f"'{key}' lists a name twice", fix="list each name once")
        return tuple(value)

    def integer(self, table: Mapping[str, Any], key: str, default: int | None = None) -> int | None:
        """An integer value."""
        value = table.get(key, default)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise self.error(f"'{key}' must be a whole number, got {value!r}")
        return value

    def required_integer(self, table: Mapping[str, Any], key: str, default: int) -> int:
        """An integer value with a default."""
        value = self.integer(table, key, default)
        return default if value is None else value

    def flag(self, table: Mapping[str, Any], key: str, default: bool) -> bool:
        """A true/false value."""
        value = table.get(key, default)
        if not isinstance(value, bool):
            raise self.error(f"'{key}' must be true or false, got {value!r}")
        return value


def check_names(at: Where, names: Iterable[str], known: Iterable[str], kind: str) -> None:
    """Raise if one of ``names`` is not among ``known`` entries of ``kind`` (with a did-you-mean hint)."""
    known = sorted(known)
    for name in names:
        if name not in known:
            raise at.error(f"names '{name}', which is not a {kind} of the study",
                           fix=did_you_mean(name, known) or f"choose from {', '.join(known) or '(none declared)'}")


class Entry:
    """What every entry of a study file shares: its TOML keys, its JSON and where it sits, all from its fields.

    A subclass is a frozen dataclass whose fields are its TOML keys (a
    :class:`Subsample` field stands for the keys ``sample`` and ``where``);
    ``SECTION`` names its array (``[[models]]``) and ``REQUIRED`` its required keys.
    """

    SECTION: ClassVar[str]
    REQUIRED: ClassVar[tuple[str, ...]] = ("name",)
    name: str

    @classmethod
    def read(cls, table: Mapping[str, Any], file: str | None, position: int) -> Entry:
        """Read and check entry number ``position`` of its array in ``file``."""
        raise NotImplementedError(f"{cls.__name__} does not define read()")

    @classmethod
    def keys(cls) -> tuple[str, ...]:
        """The TOML keys of the entry, in field order."""
        keys: list[str] = []
        for f in fields(cast(Any, cls)):
            keys += Subsample.KEYS if f.name == "subsample" else [f.name]
        return tuple(keys)

    @classmethod
    def open(cls, table: Mapping[str, Any], file: str | None, position: int) -> tuple[Where, str]:
        """Check the entry's keys and return where it is (named by its ``name``) and that name."""
        return Where.entry(file, cls.SECTION, position, table, cls.keys(), cls.REQUIRED)

    def where(self, file: str | None) -> Where:
        """Where the entry sits in ``file``, for error messages."""
        return Where(file, f"[[{self.SECTION}]] '{self.name}'")

    def to_dict(self) -> dict[str, Any]:
        """The TOML keys: every field that is set, lists for tuples, a subsample as its keys."""
        out: dict[str, Any] = {}
        for f in fields(cast(Any, self)):
            value = getattr(self, f.name)
            if isinstance(value, Subsample):
                out.update(value.to_dict())
            elif value is not None:
                out[f.name] = list(value) if isinstance(value, tuple) else value
        return out


@dataclass(frozen=True)
class Subsample:
    """A named sample of :mod:`panel.samples` and/or a condition."""

    sample: str | None = None
    where: Condition | None = None

    KEYS: ClassVar[tuple[str, ...]] = ("sample", "where")

    @classmethod
    def read(cls, table: Mapping[str, Any], at: Where) -> Subsample:
        from panel.samples import SAMPLES

        sample = at.text(table, "sample")
        if sample is not None:
            at.choice(sample, list(SAMPLES), "sample")
        text = at.text(table, "where")
        try:
            where = None if text is None else parse_condition(text)
        except InputError as exc:
            raise at.error(exc.problem, exc.fix) from None
        return cls(sample, where)

    @property
    def columns(self) -> tuple[str, ...]:
        """Columns the condition reads."""
        return () if self.where is None else self.where.columns

    def to_dict(self) -> dict[str, Any]:
        """The TOML keys."""
        return {key: value for key, value in (("sample", self.sample), ("where", self.where and self.where.text)) if value}


def _interaction(name: str, at: Where) -> tuple[str, ...]:
    parts = tuple(name.split(SEPARATOR))
    if len(parts) < 2 or not all(parts):
        raise at.error(f"interaction '{name}' must join two or more columns with '{SEPARATOR}'",
                       fix="write e.g. \"ln_invention_apply:post:exposed\"")
    return parts


def _window(table: Mapping[str, Any], at: Where) -> tuple[int, int] | None:
    """The optional ``window = [first, last]`` of event times."""
    window = table.get("window")
    if window is None:
        return None
    if (not isinstance(window, list) or len(window) != 2
            or not all(isinstance(w, int) and not isinstance(w, bool) for w in window) or window[0] >= window[1]):
        raise at.error(f"'window' must be two whole numbers [first, last], got {window!r}", fix="write window = [-5, 5]")
    return (window[0], window[1])


def _draws(table: Mapping[str, Any], at: Where, default: int) -> int:
    """The ``draws`` of a resampling test: at least 99, ``default`` when left out."""
    draws = at.required_integer(table, "draws", default)
    if draws < 99:
        raise at.error(f"{draws} draws are too few", fix=f"use at least 99 draws ({default:,} by default)")
    return draws


def _spec(at: Where, outcome: str, terms: Sequence[str], fixed_effects: Sequence[str], cluster: Sequence[str],
          vcov: str | None, family: str | None = None) -> Spec:
    try:
        return Spec(outcome, tuple(terms), fixed_effects=tuple(fixed_effects), cluster=tuple(cluster), vcov=vcov,
                    time=TIME if vcov == "driscoll-kraay" else None, family=family or "gaussian")
    except InputError as exc:
        raise at.error(exc.problem, exc.fix) from None


def _check_absorbed(at: Where, frame: pd.DataFrame, names: Iterable[str], fixed_effects: Iterable[str]) -> None:
    """Raise if a regressor never varies within the levels of a fixed effect (it would be absorbed)."""
    for name in names:
        for effect in fixed_effects:
            if frame.groupby(effect, observed=True)[name].nunique().max() <= 1:
                raise at.error(
                    f"'{name}' does not vary within {effect}, so the {effect} fixed effects absorb it",
                    fix=f"drop '{name}' from this entry or estimate it without {effect} fixed effects",
                )


def _event_terms(frame: pd.DataFrame, timing: str, window: tuple[int, int] | None) -> dict[int, str]:
    """Every event time an event study of ``frame`` can estimate -> its coefficient's name."""
    event_time = (frame[TIME].astype(float) - frame[timing].astype(float)).dropna()
    low, high = window if window is not None else (int(event_time.min()), int(event_time.max()))
    return {k: event_term(k) for k in range(low, high + 1)}


def _coverage(frame: pd.DataFrame, result: Any) -> dict[str, Any]:
    """Firm-years and firms of an entry's subsample and the observations its estimate used."""
    return {"firm_years": len(frame), "firms": int(frame[UNIT].nunique()) if UNIT in frame.columns else None,
            "nobs": result.nobs, "n_missing": result.n_missing, "n_singletons": result.n_singletons}


@dataclass(frozen=True)
class ModelEntry(Entry):
    """One ``[[models]]`` entry: a fixed-effects regression.

    The coefficients are ``regressors``, then ``interactions`` (products of
    columns, named by joining them with ``:``), then ``controls``.
    ``family = "poisson"`` makes it Poisson pseudo-maximum likelihood (counts).
    ``optional = true`` lets a run skip the model, with a warning, when its
    outcome has no value in the study's sample (an outcome only some data
    sources give, such as the customs-based import shares); the tables,
    figures and tests naming it are skipped with it.
    """

    name: str
    regressors: tuple[str, ...]
    interactions: tuple[str, ...]
    outcome: str
    controls: tuple[str, ...]
    fixed_effects: tuple[str, ...]
    cluster: tuple[str, ...]
    vcov: str
    subsample: Subsample
    family: str | None = None
    optional: bool | None = None  # None (not written to JSON) unless the study file says true

    SECTION: ClassVar[str] = "models"
    REQUIRED: ClassVar[tuple[str, ...]] = ("name", "outcome")

    @classmethod
    def read(cls, table: Mapping[str, Any], file: str | None, position: int) -> ModelEntry:
        at, name = cls.open(table, file, position)
        regressors, interactions, controls = (at.names(table, k) for k in ("regressors", "interactions", "controls"))
        for term in interactions:
            _interaction(term, at)
        terms = (*regressors, *interactions, *controls)
        if not terms:
            raise at.error("no regressors", fix="give regressors, interactions or controls")
        spec = _spec(at, at.required_text(table, "outcome"), terms, at.names(table, "fixed_effects"),
                     at.names(table, "cluster"), at.text(table, "vcov"), at.text(table, "family"))
        return cls(name=name, regressors=regressors, interactions=interactions, outcome=spec.outcome,
                   controls=controls, fixed_effects=spec.fixed_effects, cluster=spec.cluster, vcov=str(spec.vcov),
                   subsample=Subsample.read(table, at), family=at.text(table, "family"),
                   optional=at.flag(table, "optional", False) or None)

    def unavailable(self, data: pd.DataFrame) -> bool:
        """Whether the model is optional and its outcome has no value in ``data`` (a run then skips it)."""
        return bool(self.optional) and not data[self.outcome].notna().any()

    def prepare(self, frame: pd.DataFrame, at: Where) -> pd.DataFrame:
        """The entry's data with its interaction columns, checked for regressors the fixed effects absorb."""
        frame = add_interactions(frame, self.interaction_parts)
        _check_absorbed(at, frame, (*self.regressors, *self.controls), self.fixed_effects)
        return frame

    def estimate(self, frame: pd.DataFrame, at: Where) -> Any:
        """The fitted model (:class:`models.result.Result` or :class:`models.poisson.PoissonResult`)."""
        from models.estimate import fit

        return fit(frame, self.spec)

    def coverage(self, frame: pd.DataFrame, result: Any) -> dict[str, Any]:
        """Firm-years, firms and observations used."""
        return _coverage(frame, result)

    @cached_property
    def spec(self) -> Spec:
        """The model as a :class:`Spec`."""
        return Spec(self.outcome, (*self.regressors, *self.interactions, *self.controls),
                    fixed_effects=self.fixed_effects, cluster=self.cluster, vcov=self.vcov,
                    time=TIME if self.vcov == "driscoll-kraay" else None, family=self.family or "gaussian")

    @property
    def interaction_parts(self) -> tuple[tuple[str, ...], ...]:
        """Columns multiplied into each interaction."""
        return tuple(tuple(term.split(SEPARATOR)) for term in self.interactions)

    @property
    def columns(self) -> tuple[str, ...]:
        """Panel columns the entry reads."""
        parts = [p for term in self.interaction_parts for p in term]
        direct = [c for c in self.spec.columns if c not in self.interactions]
        return tuple(dict.fromkeys([*direct, *parts, *self.subsample.columns]))



@dataclass(frozen=True)
class EventStudyEntry(Entry):
    """One ``[[event_studies]]`` entry.

    ``timing`` is a column (each firm's first treatment year, e.g.
    ``first_treat_year``) or a year (an exposure design): with a year, either
    ``treated`` names a 0/1 column (those firms are treated from that year) or
    ``exposure`` names a continuous column (coefficients exposure × year,
    reference year ``timing + reference``). ``family = "poisson"`` estimates
    it by Poisson pseudo-maximum likelihood.
    """

    name: str
    outcome: str
    timing: str | int
    treated: str | None
    exposure: str | None
    window: tuple[int, int] | None
    reference: int
    bin_endpoints: bool
    controls: tuple[str, ...]
    fixed_effects: tuple[str, ...]
    cluster: tuple[str, ...]
    vcov: str | None
    subsample: Subsample
    family: str | None = None

    SECTION: ClassVar[str] = "event_studies"
    REQUIRED: ClassVar[tuple[str, ...]] = ("name", "outcome", "timing")

    @classmethod
    def read(cls, table: Mapping[str, Any], file: str | None, position: int) -> EventStudyEntry:
        at, name = cls.open(table, file, position)
        timing = table["timing"]
        if isinstance(timing, bool) or not isinstance(timing, (str, int)):
            raise at.error(f"'timing' must be a column name or a year, got {timing!r}",
                           fix='write timing = "first_treat_year" or timing = 2019')
        treated, exposure = at.text(table, "treated"), at.text(table, "exposure")
        if isinstance(timing, int) and (treated is None) == (exposure is None):
            raise at.error("a fixed-year timing needs exactly one of 'treated' (a 0/1 column) or 'exposure' (continuous)",
                           fix='add treated = "exposed" or exposure = "foreign_share_pre"')
        if isinstance(timing, str) and (treated or exposure):
            raise at.error("'treated' and 'exposure' go with a fixed-year timing only",
                           fix="give timing as a year, or drop them")
        window = _window(table, at)
        reference = at.required_integer(table, "reference", -1)
        if window is not None and not window[0] <= reference <= window[1]:
            raise at.error(f"reference {reference} lies outside the window {list(window)}")
        bin_endpoints = at.flag(table, "bin_endpoints", False)
        if exposure is not None and bin_endpoints:
            raise at.error("binned endpoints are for event-time designs, not exposure × year", fix="drop bin_endpoints")
        if bin_endpoints and window is None:
            raise at.error("binned endpoints need a window", fix="add window = [first, last]")
        entry = cls(
            name=name, outcome=at.required_text(table, "outcome"), timing=timing, treated=treated, exposure=exposure,
            window=window, reference=reference, bin_endpoints=bin_endpoints, controls=at.names(table, "controls"),
            fixed_effects=at.names(table, "fixed_effects", (UNIT, TIME)),
            cluster=at.names(table, "cluster", (UNIT,) if table.get("vcov", "cluster") == "cluster" else ()),
            vcov=at.text(table, "vcov"), subsample=Subsample.read(table, at), family=at.text(table, "family"),
        )
        _spec(at, entry.outcome, ("event_0", *entry.controls), entry.fixed_effects, entry.cluster, entry.vcov,
              entry.family)
        return entry

    @property
    def first_year_column(self) -> str:
        """The column of each treated firm's first year, for a fixed-year design with ``treated``."""
        return f"{self.treated}_from_{self.timing}"

    def prepare(self, frame: pd.DataFrame, at: Where) -> pd.DataFrame:
        """The entry's data, checked for controls the fixed effects absorb, with its timing column or window."""
        _check_absorbed(at, frame, self.controls, self.fixed_effects)
        if self.treated is not None:
            treated = pd.to_numeric(frame[self.treated], errors="coerce")
            frame[self.first_year_column] = np.where(treated == 1, float(self.timing), np.nan)
        if self.exposure is not None and self.window is not None:
            year = int(self.timing)
            frame = frame[frame[TIME].between(year + self.window[0], year + self.window[1])].reset_index(drop=True)
        return frame

    def estimate(self, frame: pd.DataFrame, at: Where) -> Any:
        """The event study (:class:`models.studies.results.EventStudyResult`), its event times as data."""
        from models.event_study import event_study, exposure_event_study
        from models.studies.results import EventStudyResult

        options: dict[str, Any] = {"controls": self.controls, "fixed_effects": self.fixed_effects,
                                   "cluster": self.cluster, "vcov": self.vcov, "family": self.family or "gaussian"}
        if self.exposure is not None:
            year = int(self.timing)
            result = exposure_event_study(frame, self.outcome, exposure=self.exposure, unit=UNIT, time=TIME,
                                          reference=year + self.reference, **options)
            _, terms = add_year_interactions(frame[[self.exposure, TIME]], self.exposure, TIME, year + self.reference)
            periods = tuple((period - year, name) for period, name in terms.items() if name in result.names)
            return EventStudyResult(self.name, result, periods, self.reference, self.timing, "exposure")
        timing = self.timing if isinstance(self.timing, str) else self.first_year_column
        result = event_study(frame, self.outcome, unit=UNIT, time=TIME, first_treated=timing, window=self.window,
                             reference=self.reference, bin_endpoints=self.bin_endpoints, **options)
        periods = tuple(sorted((k, name) for k, name in _event_terms(frame, timing, self.window).items()
                               if name in result.names))
        return EventStudyResult(self.name, result, periods, self.reference, self.timing, "event_time")

    def coverage(self, frame: pd.DataFrame, result: Any) -> dict[str, Any]:
        """Firm-years, firms and observations used."""
        return _coverage(frame, result.result)

    @property
    def columns(self) -> tuple[str, ...]:
        """Panel columns the entry reads."""
        timing = [self.timing] if isinstance(self.timing, str) else []
        named = [n for n in (self.treated, self.exposure) if n]
        return tuple(dict.fromkeys([UNIT, TIME, self.outcome, *timing, *named, *self.controls,
                                    *self.fixed_effects, *self.cluster, *self.subsample.columns]))



@dataclass(frozen=True)
class StaggeredEntry(Entry):
    """One ``[[staggered]]`` entry: heterogeneity-robust difference-in-differences by treatment cohort.

    Every estimator of ``estimators`` (names of :data:`models.staggered.ESTIMATORS`)
    is run on the same firms; ``control`` is the comparison group of
    Callaway–Sant'Anna (the others use their own: never treated for
    Sun–Abraham, not yet treated for imputation, all firms for TWFE).
    ``window`` limits the event times reported, not the estimation sample.
    """

    name: str
    outcome: str
    cohort: str
    estimators: tuple[str, ...]
    control: str
    covariates: tuple[str, ...]
    window: tuple[int, int] | None
    cluster: tuple[str, ...]
    subsample: Subsample

    SECTION: ClassVar[str] = "staggered"
    REQUIRED: ClassVar[tuple[str, ...]] = ("name", "outcome", "cohort")

    @classmethod
    def read(cls, table: Mapping[str, Any], file: str | None, position: int) -> StaggeredEntry:
        from models.staggered.data import CONTROLS

        at, name = cls.open(table, file, position)
        estimators = at.names(table, "estimators", STAGGERED_ESTIMATORS)
        for estimator in estimators:
            at.choice(estimator, STAGGERED_ESTIMATORS, "estimator")
        if not estimators:
            raise at.error("no estimators", fix="leave 'estimators' out to run all four")
        control = at.required_text(table, "control", "never")
        at.choice(control, CONTROLS, "control group")
        cluster = at.names(table, "cluster", (UNIT,))
        if cluster != (UNIT,):
            raise at.error(f"the staggered estimators cluster by firm, not by {', '.join(cluster)}",
                           fix=f'write cluster = ["{UNIT}"] or leave it out')
        return cls(name=name, outcome=at.required_text(table, "outcome"), cohort=at.required_text(table, "cohort"),
                   estimators=estimators, control=control, covariates=at.names(table, "covariates"),
                   window=_window(table, at), cluster=cluster, subsample=Subsample.read(table, at))

    def prepare(self, frame: pd.DataFrame, at: Where) -> pd.DataFrame:
        """The entry's data as they are (the estimators check their own)."""
        return frame

    def early_treated(self, frame: pd.DataFrame) -> pd.Index:
        """Firms whose cohort is at or before their first year in the entry's sample."""
        cohort = pd.to_numeric(frame[self.cohort], errors="coerce").groupby(frame[UNIT]).max()
        first_year = frame.groupby(UNIT)[TIME].min()
        return cohort.index[(cohort > 0) & (cohort <= first_year.reindex(cohort.index))]

    @property
    def leads(self) -> int | None:
        """Pre-trend leads: those inside the window (all without one)."""
        return -self.window[0] if self.window and self.window[0] < 0 else None

    def estimate(self, frame: pd.DataFrame, at: Where) -> dict[str, Any]:
        """Each estimator on the entry's sample less the firms treated before their first year."""
        from models.staggered import ESTIMATORS

        frame = frame[~frame[UNIT].isin(self.early_treated(frame))]
        out = {}
        for name in self.estimators:
            options = {"control": self.control} if name == "callaway-santanna" else {}
            try:
                out[name] = ESTIMATORS[name](frame, self.outcome, unit=UNIT, time=TIME, cohort=self.cohort,
                                             covariates=self.covariates, leads=self.leads, **options)
            except InputError as exc:
                column = f"column '{exc.column}': " if exc.column else ""
                raise at.error(f"{name}: {column}{exc.problem}", exc.fix) from None
        return out

    def coverage(self, frame: pd.DataFrame, result: Any) -> dict[str, Any]:
        """Firms by cohort, never-treated firms, and the firms left out with the reason."""
        early = self.early_treated(frame)
        kept = frame[~frame[UNIT].isin(early)]
        cohort = pd.to_numeric(kept[self.cohort], errors="coerce").fillna(0).groupby(kept[UNIT]).max()
        cohorts = cohort[cohort > 0].astype(int).value_counts().sort_index()
        return {"firm_years": len(kept), "firms": int(kept[UNIT].nunique()),
                "cohorts": {str(year): int(n) for year, n in cohorts.items()},
                "never_treated_firms": int((cohort == 0).sum()),
                "excluded_firms": len(early), "excluded_reason": EARLY_TREATED_REASON}

    @property
    def columns(self) -> tuple[str, ...]:
        """Panel columns the entry reads."""
        return tuple(dict.fromkeys([UNIT, TIME, self.outcome, self.cohort, *self.covariates, *self.subsample.columns]))



@dataclass(frozen=True)
class WildBootstrapEntry(Entry):
    """One ``[[wild_bootstrap]]`` entry: a restricted wild cluster bootstrap test of a model's coefficient.

    See :func:`models.inference.wild_cluster_bootstrap`; the model is
    re-estimated on its own sample with standard errors clustered by ``cluster``.
    """

    name: str
    model: str
    term: str | None
    cluster: str
    weights: str
    draws: int
    seed: int

    SECTION: ClassVar[str] = "wild_bootstrap"
    REQUIRED: ClassVar[tuple[str, ...]] = ("name", "model", "cluster")

    @classmethod
    def read(cls, table: Mapping[str, Any], file: str | None, position: int) -> WildBootstrapEntry:
        from models.inference.wild_bootstrap import WEIGHTS

        at, name = cls.open(table, file, position)
        weights = at.required_text(table, "weights", "webb")
        at.choice(weights, WEIGHTS, "weights")
        return cls(name=name, model=at.required_text(table, "model"), term=at.text(table, "term"),
                   cluster=at.required_text(table, "cluster"), weights=weights, draws=_draws(table, at, 9999),
                   seed=at.required_integer(table, "seed", 0))

    @property
    def columns(self) -> tuple[str, ...]:
        """Panel columns the test reads besides its model's."""
        return (self.cluster,)

    def estimate(self, frame: pd.DataFrame, model: ModelEntry, at: Where) -> Any:
        """The restricted wild cluster bootstrap test of the model's coefficient, clustered by ``cluster``."""
        from dataclasses import replace

        from models.inference import wild_cluster_bootstrap

        spec = replace(model.spec, cluster=(self.cluster,), vcov="cluster")
        return wild_cluster_bootstrap(frame, spec, self.term or model.spec.regressors[0], draws=self.draws,
                                      weights=self.weights, seed=self.seed)


@dataclass(frozen=True)
class RandomizationEntry(Entry):
    """One ``[[randomization]]`` entry: a randomization test of a model's treatment indicator.

    See :func:`models.inference.randomization_inference`: ``placebo = "firms"``
    permutes the firms' first treatment years (``cohort``) across firms within
    ``strata``; ``placebo = "years"`` moves each treated cohort to a placebo
    first year drawn from ``years``.  The model is re-estimated on its own sample.
    """

    name: str
    model: str
    term: str | None
    placebo: str
    cohort: str
    strata: str | None
    years: tuple[int, ...] | None
    draws: int
    seed: int

    SECTION: ClassVar[str] = "randomization"
    REQUIRED: ClassVar[tuple[str, ...]] = ("name", "model", "placebo")

    @classmethod
    def read(cls, table: Mapping[str, Any], file: str | None, position: int) -> RandomizationEntry:
        from models.inference.randomization import PLACEBOS

        at, name = cls.open(table, file, position)
        placebo = at.required_text(table, "placebo")
        at.choice(placebo, PLACEBOS, "placebo")
        if placebo == "years" and "strata" in table:
            raise at.error("'strata' goes with placebo = \"firms\" only", fix="remove 'strata'")
        if placebo == "firms" and "years" in table:
            raise at.error("'years' goes with placebo = \"years\" only", fix="remove 'years'")
        years = table.get("years")
        if years is not None and (not isinstance(years, list) or not years
                                  or not all(isinstance(y, int) and not isinstance(y, bool) for y in years)):
            raise at.error(f"'years' must be a list of years, got {years!r}", fix="write years = [2014, 2015, 2016]")
        return cls(name=name, model=at.required_text(table, "model"), term=at.text(table, "term"), placebo=placebo,
                   cohort=at.required_text(table, "cohort", "first_treat_year"), strata=at.text(table, "strata"),
                   years=None if years is None else tuple(years), draws=_draws(table, at, 999),
                   seed=at.required_integer(table, "seed", 0))

    @property
    def columns(self) -> tuple[str, ...]:
        """Panel columns the test reads besides its model's."""
        return tuple(c for c in (self.cohort, self.strata) if c)

    def estimate(self, frame: pd.DataFrame, model: ModelEntry, at: Where) -> Any:
        """The randomization test of the model's treatment indicator under the entry's placebo assignments."""
        from models.inference import randomization_inference

        try:
            return randomization_inference(frame, model.spec, self.term or model.spec.regressors[0], unit=UNIT,
                                           time=TIME, cohort=self.cohort, placebo=self.placebo, strata=self.strata,
                                           years=self.years, draws=self.draws, seed=self.seed)
        except InputError as exc:
            column = f"column '{exc.column}': " if exc.column else ""
            raise at.error(f"{column}{exc.problem}", exc.fix) from None


@dataclass(frozen=True)
class MarginalEntry(Entry):
    """One ``[[marginal]]`` entry: the effect of ``x`` in each period of ``by``.

    The model has ``x``, ``x × 1{by == t}`` for every t but ``reference`` (the
    first period by default), ``regressors`` and ``controls``; the effect in t
    is :math:`\\beta_x + \\beta_{x\\times t}` with its standard error from the
    full covariance (:func:`models.marginal_by_period`).
    """

    name: str
    outcome: str
    x: str
    by: str
    reference: int | None
    regressors: tuple[str, ...]
    controls: tuple[str, ...]
    fixed_effects: tuple[str, ...]
    cluster: tuple[str, ...]
    vcov: str | None
    subsample: Subsample

    SECTION: ClassVar[str] = "marginal"
    REQUIRED: ClassVar[tuple[str, ...]] = ("name", "outcome", "x")

    @classmethod
    def read(cls, table: Mapping[str, Any], file: str | None, position: int) -> MarginalEntry:
        at, name = cls.open(table, file, position)
        entry = cls(
            name=name, outcome=at.required_text(table, "outcome"), x=at.required_text(table, "x"),
            by=at.required_text(table, "by", TIME), reference=at.integer(table, "reference"),
            regressors=at.names(table, "regressors"), controls=at.names(table, "controls"),
            fixed_effects=at.names(table, "fixed_effects"), cluster=at.names(table, "cluster"),
            vcov=at.text(table, "vcov"), subsample=Subsample.read(table, at),
        )
        _spec(at, entry.outcome, (entry.x, *entry.regressors, *entry.controls), entry.fixed_effects,
              entry.cluster, entry.vcov)
        return entry

    def prepare(self, frame: pd.DataFrame, at: Where) -> pd.DataFrame:
        """The entry's data, checked for regressors the fixed effects absorb."""
        _check_absorbed(at, frame, (self.x, *self.regressors, *self.controls), self.fixed_effects)
        return frame

    def estimate(self, frame: pd.DataFrame, at: Where) -> Any:
        """The effect of ``x`` in each period (:class:`models.studies.results.MarginalResult`)."""
        from models.fixed_effects import fit
        from models.studies.results import MarginalResult

        periods = sorted(int(t) for t in frame[self.by].dropna().unique())
        reference = self.reference if self.reference is not None else periods[0]
        data, names = add_year_interactions(frame, self.x, self.by, reference)
        spec = Spec(self.outcome, (self.x, *names.values(), *self.regressors, *self.controls),
                    fixed_effects=self.fixed_effects, cluster=self.cluster, vcov=self.vcov,
                    time=TIME if self.vcov == "driscoll-kraay" else None)
        result = fit(data, spec)
        if self.x not in result.names:
            raise InputError(f"[[marginal]] '{self.name}': '{self.x}' was dropped as collinear",
                             fix="choose another x or fixed effects")
        kept = tuple((t, n) for t, n in names.items() if n in result.names)
        return MarginalResult(self.name, result, self.x, self.by, reference, kept)

    def coverage(self, frame: pd.DataFrame, result: Any) -> dict[str, Any]:
        """Firm-years, firms and observations used."""
        return _coverage(frame, result.result)

    @property
    def columns(self) -> tuple[str, ...]:
        """Panel columns the entry reads."""
        return tuple(dict.fromkeys([self.outcome, self.x, self.by, *self.regressors, *self.controls,
                                    *self.fixed_effects, *self.cluster, *self.subsample.columns]))



@dataclass(frozen=True)
class FigureEntry(Entry):
    """One ``[[figures]]`` declaration: an event-study, marginal-effect or permutation plot of named entries.

    The sources of an event-study figure are event studies or ``[[staggered]]``
    entries; a staggered entry draws one series per estimator.  A permutation
    figure has one source, a ``[[randomization]]`` entry, drawn as a histogram.
    ``scale = "percent"`` draws event-study coefficients (log changes: of the
    expected count for a Poisson entry, of 1 + the outcome for a log-linear one)
    as percentage changes :math:`100(e^b - 1)`, intervals transformed alike.
    """

    name: str
    kind: str
    sources: tuple[str, ...]
    title: str
    xlabel: str = ""
    ylabel: str = ""
    notes: str = ""
    labels: tuple[str, ...] = ()
    scale: str = "coefficient"

    SECTION: ClassVar[str] = "figures"
    REQUIRED: ClassVar[tuple[str, ...]] = ("name", "kind", "sources")

    @classmethod
    def read(cls, table: Mapping[str, Any], file: str | None, position: int) -> FigureEntry:
        at, name = cls.open(table, file, position)
        kind = at.required_text(table, "kind")
        at.choice(kind, FIGURE_KINDS, "figure kind")
        sources = at.names(table, "sources")
        labels = at.names(table, "labels") if "labels" in table else ()
        if labels and len(labels) != len(sources):
            raise at.error(f"{len(labels)} labels for {len(sources)} sources", fix="give one legend label per source")
        scale = at.required_text(table, "scale", "coefficient")
        at.choice(scale, FIGURE_SCALES, "scale")
        if scale != "coefficient" and kind != "event_study":
            raise at.error("scale applies to event-study figures only", fix="drop scale")
        return cls(name=name, kind=kind, sources=sources, title=at.required_text(table, "title", name),
                   xlabel=at.required_text(table, "xlabel", ""), ylabel=at.required_text(table, "ylabel", ""),
                   notes=at.required_text(table, "notes", ""), labels=labels, scale=scale)


def unique_names(entries: Iterable, kind: str, file: str | None, taken: set[str]) -> None:
    """Raise if an entry name is used twice among all estimated entries."""
    for entry in entries:
        if entry.name in taken:
            raise InputError(f"{kind} '{entry.name}': the name is used by another entry", file=file,
                             fix="give every model, event study and marginal entry its own name")
        taken.add(entry.name)
