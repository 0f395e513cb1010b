"""Build a :class:`report.table.Table` from estimated models (:class:`models.result.Result`).

Only the results' public surface is read: fixed-effect rows come from
``Result.fixed_effects``, never from formula text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from data_schemas.codebook import label as codebook_label
from data_schemas.errors import InputError
from report.table import CoefficientRow, Estimate, Panel, StatisticRow, Table, TextRow


class Labels:
    """One label dictionary for variables, fixed effects and clusters.

    Codebook labels by default; ``rename`` overrides them.

    Parameters
    ----------
    rename : mapping of str to str, optional
        Name -> label.
    """

    def __init__(self, rename: Mapping[str, str] | None = None) -> None:
        self.rename = dict(rename or {})

    def __call__(self, name: str) -> str:
        """The label of a variable; an interaction ``a:b`` reads "label(a) × label(b)"."""
        if name in self.rename:
            return self.rename[name]
        if ":" in name:
            return " × ".join(self(part) for part in name.split(":"))
        return codebook_label(name)

    def fixed_effect(self, name: str) -> str:
        """Label of a fixed-effect row, e.g. ``firm_id`` -> "Firm FE"."""
        return self.rename.get(name, f"{codebook_label(name)} FE")


def _terms(results: Sequence, keep: Sequence[str] | None, drop: Sequence[str], order: Sequence[str]) -> list[str]:
    seen: list[str] = []
    for result in results:
        seen += [name for name in result.params.index if name not in seen]
    if keep is not None:
        unknown = [k for k in keep if k not in seen]
        if unknown:
            raise InputError(f"keep names {unknown[0]!r}, which no model estimates", fix=f"choose from {', '.join(seen)}")
        seen = [name for name in seen if name in keep]
    seen = [name for name in seen if name not in drop]
    first = [name for name in order if name in seen]
    return first + [name for name in seen if name not in first]


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
        Which coefficients to show and in what order (first ``order``, then
        the rest as they first appear).
    controls : sequence of str
        Regressors reported only as a "Controls: Yes/No" row.
    sample_note : str, optional
        Description of the estimation sample for the notes.
    column_titles : sequence of str
        Optional titles above the column numbers (e.g. "Upstream").
    extra_notes : sequence of str
        Further notes, after the generated ones.
    """
    if not results:
        raise InputError("a table needs at least one model")
    labels = labels or Labels()
    if column_titles and len(column_titles) != len(results):
        raise InputError(f"{len(column_titles)} column titles for {len(results)} models")
    terms = _terms(results, keep, [*drop, *controls], order)
    rows = tuple(CoefficientRow(t, labels(t), tuple(_estimate(r, t) for r in results)) for t in terms)
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
    return Table(
        title=title,
        column_groups=_column_groups(results, labels),
        panels=(Panel(None, rows),),
        indicators=tuple(indicators),
        statistics=_statistics(results, labels),
        notes=_notes(results, labels, sample_note, extra_notes),
        label=label,
        column_titles=tuple(column_titles),
    )


def _statistics(results: Sequence, labels: Labels) -> tuple[StatisticRow, ...]:
    rows = [StatisticRow("Observations", tuple(r.nobs for r in results), "count")]
    linear = [r for r in results if not _is_poisson(r)]
    if any(r.fixed_effects for r in linear):
        rows.append(StatisticRow("Within R²", tuple(
            r.rsquared_within if r.fixed_effects and not _is_poisson(r) else None for r in results)))
    if any(not r.fixed_effects for r in linear):
        rows.append(StatisticRow("R²", tuple(None if r.fixed_effects or _is_poisson(r) else r.rsquared for r in results)))
    if len(linear) < len(results):
        rows.append(StatisticRow("Pseudo R²", tuple(r.pseudo_rsquared if _is_poisson(r) else None for r in results)))
    rows.append(StatisticRow("Mean of dep. var.", tuple(r.depvar_mean for r in results)))
    cluster_vars: list[str] = []
    for result in results:
        cluster_vars += [c for c in result.cluster_vars if c not in cluster_vars]
    for name in cluster_vars:
        title = "Clusters" if len(cluster_vars) == 1 else f"Clusters ({labels(name).lower()})"
        rows.append(StatisticRow(title, tuple(r.n_clusters.get(name) for r in results), "count"))
    return tuple(rows)


def _is_poisson(result) -> bool:
    return result.spec.family == "poisson"


def _notes(results: Sequence, labels: Labels, sample_note: str | None, extra: Sequence[str]) -> tuple[str, ...]:
    notes: list[str] = []
    for note in dict.fromkeys(r.describe_vcov(lambda name: labels(name).lower()) for r in results):
        notes.append(note)
    if any(r.fixed_effects and not _is_poisson(r) for r in results):
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
