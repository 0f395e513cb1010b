"""The entries of a study file, parsed and checked before anything is estimated.

See :mod:`models.studies` for the TOML format.  Every check here raises one
:class:`InputError` that names the study file, the entry and the fix.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

from data_schemas.errors import InputError
from models.marginal import SEPARATOR
from models.names import did_you_mean
from models.spec import Spec
from models.studies.condition import Condition, parse_condition
from panel.files import SAFE_NAME_RULE, name_problem

#: entries whose names become file names and LaTeX labels (checked by panel.files.name_problem)
NAMES_BECOME_FILES = ("tables", "figures")
#: panel identifiers every study entry may rely on
UNIT, TIME = "firm_id", "year"
FIGURE_KINDS = ("event_study", "marginal", "permutation")

#: How an event-study figure draws coefficients: as estimated, or as percentage changes 100 (exp(b) - 1).
FIGURE_SCALES = ("coefficient", "percent")
TABLE_KINDS = ("regression", "staggered")
#: staggered estimators in the order of the robustness table's columns
STAGGERED_ESTIMATORS = ("twfe", "sun-abraham", "callaway-santanna", "imputation")


class Where:
    """Where in a study file an entry sits, for error messages."""

    def __init__(self, file: str | None, entry: str) -> None:
        self.file = file
        self.entry = entry

    def error(self, problem: str, fix: str | None = None) -> InputError:
        """An :class:`InputError` naming the file and the entry."""
        return InputError(f"{self.entry}: {problem}", file=self.file, fix=fix)

    @classmethod
    def entry(
        cls, file: str | None, section: str, position: int, table: Mapping[str, Any],
        keys: Sequence[str], required: Sequence[str],
    ) -> tuple[Where, str]:
        """Check an entry's keys and return where it is (named by its ``name``) and that name."""
        at = cls(file, f"[[{section}]] #{position}")
        at.check_keys(table, keys, required)
        name = at.text(table, "name")
        if section in NAMES_BECOME_FILES and (problem := name_problem(name)):
            raise at.error(f"'name' {problem}", fix=SAFE_NAME_RULE)
        return cls(file, f"[[{section}]] '{name}'"), name

    def choice(self, value: str, choices: Sequence[str], problem: str) -> None:
        """Raise ``problem`` with a did-you-mean hint unless ``value`` is one of ``choices``."""
        if value not in choices:
            hint = did_you_mean(value, choices)
            raise self.error(problem, fix=hint or f"choose from {', '.join(choices)}")

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

    def flag(self, table: Mapping[str, Any], key: str, default: bool) -> bool:
        """A true/false value."""
        value = table.get(key, default)
        if not isinstance(value, bool):
            raise self.error(f"'{key}' must be true or false, got {value!r}")
        return value


@dataclass(frozen=True)
class Subsample:
    """A named sample of :mod:`panel.samples` and/or a condition."""

    sample: str | None = None
    where: Condition | None = None

    @classmethod
    def read(cls, table: Mapping[str, Any], at: Where) -> Subsample:
        from panel.samples import SAMPLES

        sample = at.text(table, "sample")
        if sample is not None:
            at.choice(sample, list(SAMPLES), f"unknown sample '{sample}'")
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


_ESTIMATION_KEYS = ("outcome", "controls", "fixed_effects", "cluster", "vcov", "sample", "where")


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
    draws = at.integer(table, "draws", default)
    if draws < 99:
        raise at.error(f"{draws} draws are too few", fix=f"use at least 99 draws ({default:,} by default)")
    return draws


def _spec(at: Where, outcome: str, terms: Sequence[str], fixed_effects, cluster, vcov, family: str = "gaussian") -> Spec:
    try:
        return Spec(outcome, tuple(terms), fixed_effects=fixed_effects, cluster=cluster, vcov=vcov,
                    time=TIME if vcov == "driscoll-kraay" else None, family=family)
    except InputError as exc:
        raise at.error(exc.problem, exc.fix) from None


@dataclass(frozen=True)
class ModelEntry:
    """One ``[[models]]`` entry: a fixed-effects regression.

    The coefficients are ``regressors``, then ``interactions`` (products of
    columns, named by joining them with ``:``), then ``controls``.
    ``family = "poisson"`` makes it Poisson pseudo-maximum likelihood (counts).
    """

    name: str
    spec: Spec
    regressors: tuple[str, ...]
    interactions: tuple[str, ...]
    controls: tuple[str, ...]
    subsample: Subsample

    KEYS = ("name", "regressors", "interactions", "family", *_ESTIMATION_KEYS)

    @classmethod
    def read(cls, table: Mapping[str, Any], file: str | None, position: int) -> ModelEntry:
        at, name = Where.entry(file, "models", position, table, cls.KEYS, ("name", "outcome"))
        regressors, interactions, controls = (at.names(table, k) for k in ("regressors", "interactions", "controls"))
        for term in interactions:
            _interaction(term, at)
        terms = (*regressors, *interactions, *controls)
        if not terms:
            raise at.error("no regressors", fix="give regressors, interactions or controls")
        spec = _spec(at, at.text(table, "outcome"), terms, at.names(table, "fixed_effects"),
                     at.names(table, "cluster"), at.text(table, "vcov"), at.text(table, "family", "gaussian"))
        return cls(name, spec, regressors, interactions, controls, Subsample.read(table, at))

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

    def to_dict(self) -> dict[str, Any]:
        """The TOML keys."""
        out = {"name": self.name, "outcome": self.spec.outcome, "regressors": list(self.regressors),
               "interactions": list(self.interactions), "controls": list(self.controls),
               "fixed_effects": list(self.spec.fixed_effects), "cluster": list(self.spec.cluster),
               "vcov": self.spec.vcov}
        if self.spec.family != "gaussian":
            out["family"] = self.spec.family
        return {**out, **self.subsample.to_dict()}


@dataclass(frozen=True)
class EventStudyEntry:
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
    family: str = "gaussian"

    KEYS = ("name", "timing", "treated", "exposure", "window", "reference", "bin_endpoints", "family",
            *_ESTIMATION_KEYS)

    @classmethod
    def read(cls, table: Mapping[str, Any], file: str | None, position: int) -> EventStudyEntry:
        at, name = Where.entry(file, "event_studies", position, table, cls.KEYS, ("name", "outcome", "timing"))
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
        reference = at.integer(table, "reference", -1)
        if window is not None and not window[0] <= reference <= window[1]:
            raise at.error(f"reference {reference} lies outside the window {list(window)}")
        bin_endpoints = at.flag(table, "bin_endpoints", False)
        if exposure is not None and bin_endpoints:
            raise at.error("binned endpoints are for event-time designs, not exposure × year", fix="drop bin_endpoints")
        if bin_endpoints and window is None:
            raise at.error("binned endpoints need a window", fix="add window = [first, last]")
        entry = cls(
            name, at.text(table, "outcome"), timing, treated, exposure, window, reference, bin_endpoints,
            at.names(table, "controls"), at.names(table, "fixed_effects", (UNIT, TIME)),
            at.names(table, "cluster", (UNIT,) if table.get("vcov", "cluster") == "cluster" else ()),
            at.text(table, "vcov"), Subsample.read(table, at), at.text(table, "family", "gaussian"),
        )
        _spec(at, entry.outcome, ("event_0", *entry.controls), entry.fixed_effects, entry.cluster, entry.vcov,
              entry.family)
        return entry

    @property
    def columns(self) -> tuple[str, ...]:
        """Panel columns the entry reads."""
        timing = [self.timing] if isinstance(self.timing, str) else []
        named = [n for n in (self.treated, self.exposure) if n]
        return tuple(dict.fromkeys([UNIT, TIME, self.outcome, *timing, *named, *self.controls,
                                    *self.fixed_effects, *self.cluster, *self.subsample.columns]))

    def to_dict(self) -> dict[str, Any]:
        """The TOML keys."""
        out: dict[str, Any] = {"name": self.name, "outcome": self.outcome, "timing": self.timing}
        out.update({k: v for k, v in (("treated", self.treated), ("exposure", self.exposure)) if v})
        if self.window is not None:
            out["window"] = list(self.window)
        out.update(reference=self.reference, bin_endpoints=self.bin_endpoints, controls=list(self.controls),
                   fixed_effects=list(self.fixed_effects), cluster=list(self.cluster))
        if self.vcov is not None:
            out["vcov"] = self.vcov
        if self.family != "gaussian":
            out["family"] = self.family
        return {**out, **self.subsample.to_dict()}


@dataclass(frozen=True)
class StaggeredEntry:
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

    KEYS = ("name", "outcome", "cohort", "estimators", "control", "covariates", "window", "cluster", "sample", "where")

    @classmethod
    def read(cls, table: Mapping[str, Any], file: str | None, position: int) -> StaggeredEntry:
        from models.staggered.data import CONTROLS

        at, name = Where.entry(file, "staggered", position, table, cls.KEYS, ("name", "outcome", "cohort"))
        estimators = at.names(table, "estimators", STAGGERED_ESTIMATORS)
        for estimator in estimators:
            at.choice(estimator, STAGGERED_ESTIMATORS, f"unknown estimator '{estimator}'")
        if not estimators:
            raise at.error("no estimators", fix="leave 'estimators' out to run all four")
        control = at.text(table, "control", "never")
        at.choice(control, CONTROLS, f"unknown control group '{control}'")
        cluster = at.names(table, "cluster", (UNIT,))
        if cluster != (UNIT,):
            raise at.error(f"the staggered estimators cluster by firm, not by {', '.join(cluster)}",
                           fix=f'write cluster = ["{UNIT}"] or leave it out')
        return cls(name, at.text(table, "outcome"), at.text(table, "cohort"), estimators, control,
                   at.names(table, "covariates"), _window(table, at), cluster, Subsample.read(table, at))

    @property
    def columns(self) -> tuple[str, ...]:
        """Panel columns the entry reads."""
        return tuple(dict.fromkeys([UNIT, TIME, self.outcome, self.cohort, *self.covariates, *self.subsample.columns]))

    def to_dict(self) -> dict[str, Any]:
        """The TOML keys."""
        out: dict[str, Any] = {"name": self.name, "outcome": self.outcome, "cohort": self.cohort,
                               "estimators": list(self.estimators), "control": self.control,
                               "covariates": list(self.covariates), "cluster": list(self.cluster)}
        if self.window is not None:
            out["window"] = list(self.window)
        return {**out, **self.subsample.to_dict()}


@dataclass(frozen=True)
class WildBootstrapEntry:
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

    KEYS = ("name", "model", "term", "cluster", "weights", "draws", "seed")

    @classmethod
    def read(cls, table: Mapping[str, Any], file: str | None, position: int) -> WildBootstrapEntry:
        from models.inference.wild_bootstrap import WEIGHTS

        at, name = Where.entry(file, "wild_bootstrap", position, table, cls.KEYS, ("name", "model", "cluster"))
        weights = at.text(table, "weights", "webb")
        at.choice(weights, WEIGHTS, f"unknown weights '{weights}'")
        return cls(name, at.text(table, "model"), at.text(table, "term"), at.text(table, "cluster"), weights,
                   _draws(table, at, 9999), at.integer(table, "seed", 0))

    def to_dict(self) -> dict[str, Any]:
        """The TOML keys."""
        return {f.name: v for f in fields(self) if (v := getattr(self, f.name)) is not None}


@dataclass(frozen=True)
class RandomizationEntry:
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

    KEYS = ("name", "model", "term", "placebo", "cohort", "strata", "years", "draws", "seed")

    @classmethod
    def read(cls, table: Mapping[str, Any], file: str | None, position: int) -> RandomizationEntry:
        from models.inference.randomization import PLACEBOS

        at, name = Where.entry(file, "randomization", position, table, cls.KEYS, ("name", "model", "placebo"))
        placebo = at.text(table, "placebo")
        at.choice(placebo, PLACEBOS, f"unknown placebo '{placebo}'")
        if placebo == "years" and "strata" in table:
            raise at.error("'strata' goes with placebo = \"firms\" only", fix="remove 'strata'")
        if placebo == "firms" and "years" in table:
            raise at.error("'years' goes with placebo = \"years\" only", fix="remove 'years'")
        years = table.get("years")
        if years is not None and (not isinstance(years, list) or not years
                                  or not all(isinstance(y, int) and not isinstance(y, bool) for y in years)):
            raise at.error(f"'years' must be a list of years, got {years!r}", fix="write years = [2014, 2015, 2016]")
        return cls(name, at.text(table, "model"), at.text(table, "term"), placebo,
                   at.text(table, "cohort", "first_treat_year"), at.text(table, "strata"),
                   None if years is None else tuple(years), _draws(table, at, 999), at.integer(table, "seed", 0))

    @property
    def columns(self) -> tuple[str, ...]:
        """Panel columns the test reads besides its model's."""
        return tuple(c for c in (self.cohort, self.strata) if c)

    def to_dict(self) -> dict[str, Any]:
        """The TOML keys."""
        return {f.name: list(v) if isinstance(v := getattr(self, f.name), tuple) else v
                for f in fields(self) if getattr(self, f.name) is not None}


@dataclass(frozen=True)
class MarginalEntry:
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

    KEYS = ("name", "x", "by", "reference", "regressors", *_ESTIMATION_KEYS)

    @classmethod
    def read(cls, table: Mapping[str, Any], file: str | None, position: int) -> MarginalEntry:
        at, name = Where.entry(file, "marginal", position, table, cls.KEYS, ("name", "outcome", "x"))
        entry = cls(
            name, at.text(table, "outcome"), at.text(table, "x"), at.text(table, "by", TIME),
            at.integer(table, "reference"), at.names(table, "regressors"), at.names(table, "controls"),
            at.names(table, "fixed_effects"), at.names(table, "cluster"), at.text(table, "vcov"),
            Subsample.read(table, at),
        )
        _spec(at, entry.outcome, (entry.x, *entry.regressors, *entry.controls), entry.fixed_effects,
              entry.cluster, entry.vcov)
        return entry

    @property
    def columns(self) -> tuple[str, ...]:
        """Panel columns the entry reads."""
        return tuple(dict.fromkeys([self.outcome, self.x, self.by, *self.regressors, *self.controls,
                                    *self.fixed_effects, *self.cluster, *self.subsample.columns]))

    def to_dict(self) -> dict[str, Any]:
        """The TOML keys."""
        out: dict[str, Any] = {"name": self.name, "outcome": self.outcome, "x": self.x, "by": self.by}
        if self.reference is not None:
            out["reference"] = self.reference
        out.update(regressors=list(self.regressors), controls=list(self.controls),
                   fixed_effects=list(self.fixed_effects), cluster=list(self.cluster))
        if self.vcov is not None:
            out["vcov"] = self.vcov
        return {**out, **self.subsample.to_dict()}


@dataclass(frozen=True)
class TableEntry:
    """One ``[[tables]]`` declaration, read by the reporter (nothing is estimated).

    ``kind = "regression"`` (the default): one column per model or event
    study.  ``kind = "staggered"``: ``models`` names ``[[staggered]]`` entries,
    each giving one column per estimator (``column_titles`` then title the
    entries); ``keep``, ``drop``, ``order`` and ``controls_row`` are for
    regression tables only.
    """

    name: str
    title: str
    models: tuple[str, ...]
    column_titles: tuple[str, ...] = ()
    keep: tuple[str, ...] | None = None
    drop: tuple[str, ...] = ()
    order: tuple[str, ...] = ()
    controls_row: bool = True
    notes: str = ""
    kind: str = "regression"

    KEYS = ("name", "kind", "title", "models", "column_titles", "keep", "drop", "order", "controls_row", "notes")
    _REGRESSION_ONLY = ("keep", "drop", "order", "controls_row")

    @classmethod
    def read(cls, table: Mapping[str, Any], file: str | None, position: int) -> TableEntry:
        at, name = Where.entry(file, "tables", position, table, cls.KEYS, ("name", "models"))
        kind = at.text(table, "kind", "regression")
        at.choice(kind, TABLE_KINDS, f"unknown table kind '{kind}'")
        if kind == "staggered":
            for key in cls._REGRESSION_ONLY:
                if key in table:
                    raise at.error(f"'{key}' is for regression tables, not staggered ones", fix=f"remove '{key}'")
        models = at.names(table, "models")
        titles = at.names(table, "column_titles", unique=False)
        if titles and len(titles) != len(models):
            raise at.error(f"{len(titles)} column titles for {len(models)} models", fix="give one title per model")
        return cls(name, at.text(table, "title", name), models, titles,
                   at.names(table, "keep") if "keep" in table else None, at.names(table, "drop"),
                   at.names(table, "order"), at.flag(table, "controls_row", True), at.text(table, "notes", ""), kind)

    def to_dict(self) -> dict[str, Any]:
        """The TOML keys."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        if self.kind == "staggered":
            out = {k: v for k, v in out.items() if k not in self._REGRESSION_ONLY}
        return {k: list(v) if isinstance(v, tuple) else v for k, v in out.items() if v is not None}


@dataclass(frozen=True)
class FigureEntry:
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

    KEYS = ("name", "kind", "sources", "title", "xlabel", "ylabel", "notes", "labels", "scale")

    @classmethod
    def read(cls, table: Mapping[str, Any], file: str | None, position: int) -> FigureEntry:
        at, name = Where.entry(file, "figures", position, table, cls.KEYS, ("name", "kind", "sources"))
        kind = at.text(table, "kind")
        at.choice(kind, FIGURE_KINDS, f"unknown figure kind '{kind}'")
        sources = at.names(table, "sources")
        labels = at.names(table, "labels") if "labels" in table else ()
        if labels and len(labels) != len(sources):
            raise at.error(f"{len(labels)} labels for {len(sources)} sources", fix="give one legend label per source")
        scale = at.text(table, "scale", "coefficient")
        at.choice(scale, FIGURE_SCALES, f"unknown scale '{scale}'")
        if scale != "coefficient" and kind != "event_study":
            raise at.error("scale applies to event-study figures only", fix="drop scale")
        return cls(name, kind, sources, at.text(table, "title", name), at.text(table, "xlabel", ""),
                   at.text(table, "ylabel", ""), at.text(table, "notes", ""), labels, scale)

    def to_dict(self) -> dict[str, Any]:
        """The TOML keys."""
        return {f.name: list(v) if isinstance(v := getattr(self, f.name), tuple) else v for f in fields(self)}


def unique_names(entries: Iterable, kind: str, file: str | None, taken: set[str]) -> None:
    """Raise if an entry name is used twice among all estimated entries."""
    for entry in entries:
        if entry.name in taken:
            raise InputError(f"{kind} '{entry.name}': the name is used by another entry", file=file,
                             fix="give every model, event study and marginal entry its own name")
        taken.add(entry.name)
