"""Build a :class:`report.table.Table` from estimated models (:class:`models.result.Result`).

Only the results' public surface is read: fixed-effect rows come from
``Result.fixed_effects``, never from formula text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from data_schemas.codebook import label as codebook_label
from data_schemas.errors import InputError, check_choice
from report.table import CoefficientRow, Estimate, Panel, StatisticKind, StatisticRow, Table, TextRow


def compile_pattern(pattern: str, option: str) -> re.Pattern:
    """A name pattern of ``keep``, ``drop``, ``order`` or ``rename``: a regular expression the whole name must match.

    Raises
    ------
    InputError
        If ``pattern`` is not a valid regular expression.
    """
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise InputError(f"{option} pattern {pattern!r} is not a regular expression ({exc})",
                         fix=r"e.g. 'event_.*' or '^(size|leverage)$'") from None


class Labels:
    """One label dictionary for variables, fixed effects and clusters.

    Codebook labels by default; ``rename`` overrides them, by exact name
    first, then by pattern.

    Parameters
    ----------
    rename : mapping of str to str, optional
        Name -> label.
    patterns : mapping of str to str, optional
        Regular expression matching a whole name -> label, which may refer to
        the expression's groups (``{"event_(-?\\d+)": "Year \\1"}``).
    """

    def __init__(self, rename: Mapping[str, str] | None = None, patterns: Mapping[str, str] | None = None) -> None:
        self.rename = dict(rename or {})
        self.patterns = [(compile_pattern(p, "rename"), label) for p, label in (patterns or {}).items()]

    def __call__(self, name: str) -> str:
        """The label of a variable; an interaction ``a:b`` reads "label(a) × label(b)"."""
        if name in self.rename:
            return self.rename[name]
        for pattern, label in self.patterns:
            match = pattern.fullmatch(name)
            if match:
                return match.expand(label)
        if ":" in name:
            return " × ".join(self(part) for part in name.split(":"))
        return codebook_label(name)

    def fixed_effect(self, name: str) -> str:
        """Label of a fixed-effect row, e.g. ``firm_id`` -> "Firm FE"."""
        return self.rename.get(name, f"{codebook_label(name)} FE")


def _terms(results: Sequence, keep: Sequence[str] | None, drop: Sequence[str], order: Sequence[str],
           controls: Sequence[str] = ()) -> list[str]:
    """The coefficients shown: ``keep``, ``drop`` and ``order`` are patterns (:func:`compile_pattern`); controls are exact names."""
    seen: list[str] = []
    for result in results:
        seen += [name for name in result.params.index if name not in seen]
    if keep is not None:
        patterns = [compile_pattern(k, "keep") for k in keep]
        unknown = [p.pattern for p in patterns if not any(p.fullmatch(name) for name in seen)]
        if unknown:
            raise InputError(f"keep names {unknown[0]!r}, which no model estimates", fix=f"choose from {', '.join(seen)}")
        seen = [name for name in seen if any(p.fullmatch(name) for p in patterns)]
    dropped = [compile_pattern(d, "drop") for d in drop]
    seen = [name for name in seen if name not in controls and not any(p.fullmatch(name) for p in dropped)]
    first: list[str] = []
    for pattern in (compile_pattern(o, "order") for o in order):
        first += [name for name in seen if pattern.fullmatch(name) and name not in first]
    return first + [name for name in seen if name not in first]


def _fe_statistics(results: Sequence) -> list[str]:
    """The statistics shown by default: observations, within R² and/or R² (pseudo-R² of Poisson columns),
    mean of the outcome, clusters."""
    names = ["nobs"]
    linear = [r for r in results if not _is_poisson(r)]
    if any(r.fixed_effects for r in linear):
        names.append("r2_within")
    if any(not r.fixed_effects for r in linear):
        names.append("r2")
    if len(linear) < len(results):
        names.append("pseudo_r2")
    return [*names, "depvar_mean", "clusters"]


def _is_poisson(result) -> bool:
    """Whether a column is a Poisson (PPML) model, which has a pseudo-R² and no least-squares R²."""
    return result.spec.family == "poisson"


#: statistic name -> (row label, kind, value of a result); ``r2`` without ``r2_within`` shows every column's R²
STATISTICS: dict[str, tuple[str, StatisticKind, Callable]] = {
    "nobs": ("Observations", "count", lambda r: r.nobs),
    "r2": ("R²", "ratio", lambda r: None if _is_poisson(r) else r.rsquared),
    "r2_within": ("Within R²", "ratio", lambda r: r.rsquared_within if r.fixed_effects and not _is_poisson(r) else None),
    "pseudo_r2": ("Pseudo R²", "ratio", lambda r: r.pseudo_rsquared if _is_poisson(r) else None),
    "depvar_mean": ("Mean of dep. var.", "ratio", lambda r: r.depvar_mean),
    "singletons": ("Singletons dropped", "count", lambda r: r.n_singletons),
    "pretrend_p": ("Pre-trend p-value", "ratio", lambda r: r.pretrend.pvalue if r.pretrend is not None else None),
}
#: every name a table may ask for (``clusters`` gives one row per cluster variable)
STATISTIC_NAMES = (*STATISTICS, "clusters")


def check_statistics(names: Sequence[str]) -> None:
    """Raise for a statistic name not in :data:`STATISTIC_NAMES`."""
    for name in names:
        check_choice(name, STATISTIC_NAMES, what="statistic", listing=False)


def _estimate(result, term: str) -> Estimate | None:
    if term not in result.params.index:
        return None
    interval = result.conf_int(0.95)
    return Estimate(
        value=float(result.params[term]),
        std_error=float(result.std_errors[term]),
        pvalue=float(result.pvalues[term]),
        lower=float(interval.loc[term, "lower"]),
        upper=float(interval.loc[term, "upper"]),
    )


def _column_groups(results: Sequence, labels: Labels) -> tuple[tuple[str, int], ...]:
    groups: list[list] = []
    for result in results:
        name = labels(result.spec.outcome)
        if groups and groups[-1][0] == name:
            groups[-1][1] += 1
        else:
            groups.append([name, 1])
    return tuple((name, span) for name, span in groups)


def regression_table(
    results: Sequence,
    *,
    title: str,
    label: str,
    labels: Labels | None = None,
    keep: Sequence[str] | None = None,
    drop: Sequence[str] = (),
    order: Sequence[str] = (),
    controls: Sequence[str] = (),
    sample_note: str | None = None,
    column_titles: Sequence[str] = (),
    extra_notes: Sequence[str] = (),
    extra_rows: Sequence[tuple[str, Sequence[str]]] = (),
    statistics: Sequence[str] | None = None,
    row_digits: Mapping[str, int] | None = None,
) -> Table:
    """A regression table, one column per result.

    Parameters
    ----------
    results : sequence of Result
        The models, left to right.
    title, label : str
        Caption and cross-reference key.
    labels : Labels, optional
        Variable, fixed-effect and cluster labels.
    keep, drop, order : sequence of str
        Which coefficients to show and in what order (first those matching
        ``order``, pattern by pattern, then the rest as they first appear);
        each a regular expression the whole name must match (a plain name
        matches itself).
    controls : sequence of str
        Regressors reported only as a "Controls: Yes/No" row.
    sample_note : str, optional
        Description of the estimation sample for the notes.
    column_titles : sequence of str
        Optional titles above the column numbers (e.g. "Upstream").
    extra_notes : sequence of str
        Further notes, after the generated ones.
    extra_rows : sequence of (str, sequence of str)
        Rows of text after the fixed-effect rows, one cell per column (e.g.
        ``("Sample", ("All", "Exposed"))``).
    statistics : sequence of str, optional
        The statistic rows, by name (:data:`STATISTIC_NAMES`), in this order;
        by default observations, (within) R², the outcome's mean and clusters.
    row_digits : mapping of str to int, optional
        Digits of single rows: a statistic name (:data:`STATISTIC_NAMES`) sets
        that statistic's row(s); any other key is a pattern of coefficient
        names (:func:`compile_pattern`), the first that matches a coefficient
        setting its row.

    Standard errors of different kinds across the columns get a "Standard
    errors" row naming each column's kind, and their notes name the columns.
    """
    if not results:
        raise InputError("a table needs at least one model")
    labels = labels or Labels()
    if column_titles and len(column_titles) != len(results):
        raise InputError(f"{len(column_titles)} column titles for {len(results)} models")
    for label_text, cells in extra_rows:
        if len(cells) != len(results):
            raise InputError(f"extra row {label_text!r} has {len(cells)} cells for {len(results)} models",
                             fix="give one cell per model")
    if statistics is not None:
        check_statistics(statistics)
    shown = _fe_statistics(results) if statistics is None else statistics
    terms = _terms(results, keep, drop, order, controls)
    digits = dict(row_digits or {})
    term_digits = [(compile_pattern(p, "row_digits"), d) for p, d in digits.items() if p not in STATISTIC_NAMES]
    rows = tuple(CoefficientRow(t, labels(t), tuple(_estimate(r, t) for r in results),
                                next((d for p, d in term_digits if p.fullmatch(t)), None)) for t in terms)
    fixed: list[str] = []
    for result in results:
        fixed += [fe for fe in result.fixed_effects if fe not in fixed]
    indicators = [TextRow(labels.fixed_effect(fe), tuple("Yes" if fe in r.fixed_effects else "No" for r in results)) for fe in fixed]
    if controls:
        indicators.append(
            TextRow("Controls", tuple("Yes" if set(controls) & set(r.params.index) else "No" for r in results))
        )
    if any(_is_poisson(r) for r in results):
        indicators.insert(0, TextRow("Estimator", tuple("PPML" if _is_poisson(r) else "OLS" for r in results)))
    indicators += [TextRow(label_text, tuple(cells)) for label_text, cells in extra_rows]
    kinds = [_standard_error_kind(r, labels) for r in results]
    if len(set(kinds)) > 1:
        indicators.append(TextRow("Standard errors", tuple(kinds)))
    return Table(
        title=title,
        column_groups=_column_groups(results, labels),
        panels=(Panel(None, rows),),
        indicators=tuple(indicators),
        statistics=_statistics(results, labels, shown, digits),
        notes=_notes(results, labels, sample_note, extra_notes, within_r2="r2_within" in shown),
        label=label,
        column_titles=tuple(column_titles),
    )


def _statistics(results: Sequence, labels: Labels, names: Sequence[str],
                digits: Mapping[str, int]) -> tuple[StatisticRow, ...]:
    rows = []
    both_r2 = "r2" in names and "r2_within" in names
    for name in names:
        if name == "clusters":
            rows += [replace(row, digits=digits.get(name)) for row in _cluster_rows(results, labels)]
            continue
        title, kind, value = STATISTICS[name]
        values = tuple(value(r) for r in results)
        if name == "r2" and both_r2:  # the within R² stands for fixed-effects columns
            values = tuple(None if r.fixed_effects else v for r, v in zip(results, values))
        rows.append(StatisticRow(title, values, kind, digits.get(name)))
    return tuple(rows)


def _cluster_rows(results: Sequence, labels: Labels) -> list[StatisticRow]:
    cluster_vars: list[str] = []
    for result in results:
        cluster_vars += [c for c in result.cluster_vars if c not in cluster_vars]
    rows = []
    for name in cluster_vars:
        title = "Clusters" if len(cluster_vars) == 1 else f"Clusters ({labels(name).lower()})"
        rows.append(StatisticRow(title, tuple(r.n_clusters.get(name) for r in results), "count"))
    return rows


def _standard_error_kind(result, labels: Labels) -> str:
    """A column's standard errors in a few words ("By firm", "Driscoll-Kraay (2 lags)")."""
    if result.vcov_type == "cluster":
        return "By " + " and ".join(labels(name).lower() for name in result.spec.cluster)
    if result.vcov_type == "driscoll-kraay":
        return f"Driscoll-Kraay ({result.lags} lags)"
    return {"iid": "Conventional", "hc1": "Robust (HC1)"}.get(result.vcov_type, result.vcov_type)


def _notes(results: Sequence, labels: Labels, sample_note: str | None, extra: Sequence[str],
           within_r2: bool) -> tuple[str, ...]:
    notes: list[str] = []
    columns: dict[str, list[int]] = {}
    for column, result in enumerate(results, start=1):
        columns.setdefault(result.describe_vcov(lambda name: labels(name).lower()), []).append(column)
    for note, where in columns.items():
        notes.append(note if len(columns) == 1 else f"{', '.join(f'({c})' for c in where)}: {note}")
    if within_r2 and any(r.fixed_effects and not _is_poisson(r) for r in results):
        notes.append("Within R² is the R² of the regression on the fixed-effect-demeaned data.")
    poisson = [(i, r) for i, r in enumerate(results, 1) if _is_poisson(r)]
    if poisson:
        notes.append("PPML: Poisson pseudo-maximum likelihood on the count; a coefficient b is a change of "
                     "100·(exp(b) − 1) % in the expected count. Pseudo R² is McFadden's 1 − ℓ/ℓ₀ (ℓ₀: constant only).")
        separated = [(i, r.n_separated + r.n_separated_regressors) for i, r in poisson
                     if r.n_separated + r.n_separated_regressors]
        if separated:
            notes.append("Observations dropped as separated (fixed-effect groups with only zero outcomes, or "
                         "perfectly predicted zeros): " + ", ".join(f"({i}) {n:,}" for i, n in separated) + ".")
    if sample_note:
        notes.append(sample_note)
    singletons = [(i, r.n_singletons) for i, r in enumerate(results, 1) if r.n_singletons]
    if singletons:
        notes.append(
            "Singleton observations dropped: " + ", ".join(f"({i}) {n:,}" for i, n in singletons) + "."
        )
    collinear = [(i, r.dropped_collinear) for i, r in enumerate(results, 1) if r.dropped_collinear]
    if collinear:
        notes.append(
            "Dropped as collinear: "
            + "; ".join(f"({i}) {', '.join(labels(n) for n in names)}" for i, names in collinear)
            + "."
        )
    return tuple(notes + list(extra))
