"""Figures and tables of case studies: dossier time lines, facts, synthetic-control paths and weights.

Rendering only: every number comes from a :class:`models.dossier.CaseDossier`, a
:class:`models.synthetic.SyntheticResult` or a :class:`models.synthetic.PlaceboInSpace`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import partial
from pathlib import Path

from models.case_selection import CaseSelection
from models.case_study import CaseStudies, CaseStudy
from models.dossier import MULTIPLE_VARIABLES, CaseDossier
from models.synthetic import PlaceboInSpace, SyntheticResult
from report.escape import latex
from report.figures import COLOURS, pyplot, save, tight_layout
from report.page.content import Figure
from report.table import Table, TextRow

#: Axis titles of the dossier panels.
TITLES = {
    "invention_apply": "Invention applications", "utility_apply": "Utility-model applications",
    "rd_intensity": "R&D / revenue", "subsidy_ratio": "Subsidies / revenue", "revenue": "Revenue (× base year)",
    "total_assets": "Total assets (× base year)", "roa": "ROA", "roe": "ROE", "tobin_q": "Tobin's Q",
    "foreign_supplier_share": "Foreign-supplier share", "top5_purchase_share": "Top-five supplier share",
}
EVENT_STYLES = {
    "entity_list_announced": ("#D55E00", ":"), "entity_list_effective": ("#D55E00", "-"),
    "entity_list": ("#D55E00", "-"), "little_giant": ("#009E73", "--"), "huawei_listed": ("#555555", "-."),
}


def _event_x(date: str) -> float:
    """Decimal year of an event date (``YYYY`` or ``YYYY-MM-DD``)."""
    if len(date) == 4:
        return float(date)
    year, month, day = (int(part) for part in date.split("-"))
    return year + (month - 1) / 12 + (day - 1) / 365


def dossier_figure(dossier: CaseDossier, stem: str | Path, *, note: str = "") -> list[Path]:
    """Small multiples: the case's line against its industry's P10-P90 band and median, events marked."""
    plt = pyplot()
    variables = list(dossier.lines)
    columns = 3
    rows = math.ceil(len(variables) / columns)
    figure, axes = plt.subplots(rows, columns, figsize=(4.0 * columns, 2.6 * rows), squeeze=False)
    for ax, variable in zip(axes.flat, variables, strict=False):
        band = dossier.bands.get(variable, {})
        if band:
            years = [int(y) for y in band]
            low, mid, high = zip(*band.values(), strict=True)
            ax.fill_between(years, low, high, color="#BBBBBB", alpha=0.5, linewidth=0, label="industry P10-P90")
            ax.plot(years, mid, color="#777777", linewidth=1, label="industry median")
        line = dossier.lines[variable]
        ax.plot([int(y) for y in line], list(line.values()), color=COLOURS[0], marker="o", markersize=3,
                linewidth=1.6, label=dossier.label)
        for event in dossier.events:
            colour, style = EVENT_STYLES.get(event["kind"], ("#000000", ":"))
            ax.axvline(_event_x(event["date"]), color=colour, linestyle=style, linewidth=0.9)
        title = TITLES.get(variable, variable)
        if variable in MULTIPLE_VARIABLES:
            title = title.replace("base year", str(dossier.base_year))
        ax.set_title(title, fontsize=9)
        ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[len(variables):]:
        ax.axis("off")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    for kind, (colour, style) in EVENT_STYLES.items():
        if any(e["kind"] == kind for e in dossier.events):
            handles.append(plt.Line2D([], [], color=colour, linestyle=style))
            labels.append(next(e["label"] for e in dossier.events if e["kind"] == kind))
    # anchored in figure coordinates: by default it sits on the bottom of the box saved, which reaches down to the note
    figure.legend(handles, labels, loc="lower center", bbox_to_anchor=(0.5, 0.0), ncol=min(len(labels), 4), fontsize=8,
                  frameon=False)
    figure.suptitle(f"Case dossier: {dossier.label} ({dossier.n_peers} industry peers)", fontsize=11)
    if note:
        figure.text(0.5, -0.02, note, ha="center", fontsize=8)
    tight_layout(figure, below=0.05, above=0.03)
    return save(figure, stem)


def _fact_value(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "share":
        return f"{100 * value:.1f} %"
    if unit == "share points":
        return f"{100 * value:+.1f} pp"
    return f"{value:.2f}×"


def facts_markdown(dossier: CaseDossier) -> str:
    """The facts table in Markdown: claim, value, formula, source rows."""
    lines = [f"Facts: {dossier.label}", "", "| claim | value | formula | rows |", "|---|---|---|---|"]
    lines += [f"| {f.claim} | {_fact_value(f.value, f.unit)} | {f.formula} | {f.rows} |" for f in dossier.facts]
    return "\n".join(lines) + "\n"


def facts_latex(dossier: CaseDossier) -> str:
    """The facts table as a LaTeX tabular (escaped)."""
    body = [
        rf"{latex(f.claim)} & {latex(_fact_value(f.value, f.unit))} & {latex(f.formula)} \\"
        for f in dossier.facts
    ]
    return "\n".join([
        r"\begin{tabular}{lrl}", r"\hline", r"Claim & Value & Formula \\", r"\hline", *body, r"\hline",
        rf"\multicolumn{{3}}{{l}}{{\footnotesize Rows: {latex(dossier.facts[0].rows if dossier.facts else '')}}} \\",
        r"\end{tabular}", "",
    ])


def synthetic_figure(result: SyntheticResult, placebo: PlaceboInSpace | None, stem: str | Path, *,
                     note: str = "") -> list[Path]:
    """Treated vs synthetic path, the gap with the placebo gaps behind it, and the donor weights."""
    plt = pyplot()
    from matplotlib.collections import LineCollection

    figure, (paths, gaps, weights) = plt.subplots(1, 3, figsize=(13, 3.6))
    periods = [float(p) for p in result.treated_path]
    start = float(result.start)
    paths.plot(periods, list(result.treated_path.values()), color=COLOURS[0], label=", ".join(result.treated))
    paths.plot(periods, list(result.synthetic_path.values()), color=COLOURS[1], linestyle="--",
               label=f"synthetic ({result.method})")
    paths.axvline(start - 0.5, color="#555555", linestyle=":")
    paths.set_title(result.outcome, fontsize=9)
    paths.legend(fontsize=7, frameon=False)
    if placebo is not None:  # one collection draws the many placebo lines faster than a line each
        gaps.add_collection(LineCollection(
            [[(float(p), g) for p, g in gap.items()] for gap in placebo.gaps.values()],
            colors="#BBBBBB", linewidths=0.6, capstyle="projecting", joinstyle="round"))
    gaps.plot(periods, list(result.gap.values()), color=COLOURS[0], linewidth=1.8)
    gaps.axhline(0, color="#000000", linewidth=0.6)
    gaps.axvline(start - 0.5, color="#555555", linestyle=":")
    title = "Gap (placebo gaps in grey)" if placebo is not None else "Gap"
    if placebo is not None:
        title += f", rank p = {placebo.p_value:.3f}"
    gaps.set_title(title, fontsize=9)
    top = sorted(((w, d) for d, w in result.unit_weights.items() if w > 0), reverse=True)[:12]
    weights.barh([d for _, d in reversed(top)], [w for w, _ in reversed(top)], color=COLOURS[2])
    weights.set_title("Donor weights (largest 12)", fontsize=9)
    for ax in (paths, gaps, weights):
        ax.tick_params(labelsize=7)
    if note:
        figure.text(0.5, -0.04, note, ha="center", fontsize=8)
    figure.tight_layout()
    return save(figure, stem)


def estimates_latex(results: Sequence[SyntheticResult], placebos: Sequence[PlaceboInSpace | None] = ()) -> str:
    """Estimates by method: effect, standard error, pre-period RMSPE, donors, placebo rank p-value."""
    rows = []
    for i, result in enumerate(results):
        placebo = placebos[i] if i < len(placebos) else None
        se = "" if result.std_error is None else f"({result.std_error:.3f})"
        p = "" if placebo is None else f"{placebo.p_value:.3f}"
        rows.append(rf"{latex(result.outcome)} & {result.method.upper()} & {result.estimate:.3f} & {se} & "
                    rf"{result.pre_rmspe:.3f} & {result.n_donors} & {p} \\")
    return "\n".join([
        r"\begin{tabular}{llrrrrr}", r"\hline",
        r"Outcome & Method & Effect & SE & Pre RMSPE & Donors & Placebo $p$ \\", r"\hline", *rows, r"\hline",
        r"\end{tabular}", "",
    ])


def weights_latex(result: SyntheticResult, *, top: int = 10) -> str:
    """Donor weights, largest first."""
    ranked = sorted(((w, d) for d, w in result.unit_weights.items() if w > 0), reverse=True)[:top]
    body = [rf"{latex(d)} & {w:.3f} \\" for w, d in ranked]
    return "\n".join([r"\begin{tabular}{lr}", r"\hline", r"Donor & Weight \\", r"\hline", *body, r"\hline",
                      r"\end{tabular}", ""])


def write_case_study(study: CaseStudy, folder: str | Path, *, note: str = "") -> list[Path]:
    """Render a case study into ``folder``: dossier figure, facts, counterfactual figures and tables, JSON."""
    import json

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = dossier_figure(study.dossier, folder / "dossier", note=note)
    for name, text in (("facts.md", facts_markdown(study.dossier)), ("facts.tex", facts_latex(study.dossier))):
        (folder / name).write_text(text, encoding="utf-8")
        written.append(folder / name)
    for fit in study.counterfactuals:
        stem = f"synth_{fit.result.outcome}_{fit.result.method}"
        written += synthetic_figure(fit.result, fit.placebo, folder / stem, note=note)
        (folder / f"{stem}_weights.tex").write_text(weights_latex(fit.result), encoding="utf-8")
        written.append(folder / f"{stem}_weights.tex")
    if study.counterfactuals:
        (folder / "estimates.tex").write_text(
            estimates_latex([f.result for f in study.counterfactuals], [f.placebo for f in study.counterfactuals]),
            encoding="utf-8")
        written.append(folder / "estimates.tex")
    (folder / "case.json").write_text(json.dumps(study.to_dict(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    written.append(folder / "case.json")
    return written


SIMULATED_NOTE = "Simulated demo data (not real firms)."
#: what a dossier figure shows, under its caption
DOSSIER_NOTE = "Time lines against the industry P10-P90 band and median, events marked."
#: the page of the built-in case studies
TITLE = "Case studies: leading firms beside the panel"
DESCRIPTION = (
    "Nested analysis: firms ranked as typical, deviant, extreme and influential cases of the panel model of ROA on "
    "invention applications; dossiers of the Leaderdrive-like firm and of the Huawei suppliers (time lines against "
    "their industries, events, and the facts a case study states, each with its formula and source rows); and "
    "synthetic control and synthetic difference-in-differences counterfactuals for the single-firm case, with "
    "placebos in space and time."
)


def selection_table(selection: CaseSelection, *, simulated: bool = False) -> Table:
    """Top candidates per case type: firm, name, industry, exposure and the ranking statistic."""
    statistic = {"typical": "RMS residual", "deviant": "RMS residual", "extreme": "|mean x - mean| / sd",
                 "influential": "DFBETA / SE"}
    rows = tuple(
        TextRow(f"{c.case_type} {c.rank}: {c.firm}", (
            c.name or "", c.industry or "", "" if c.exposed is None else f"{c.exposed:.0f}",
            f"{c.statistic:.3f}", statistic[c.case_type]))
        for c in selection.candidates
    )
    notes = (
        (f"Model: {selection.outcome} on {selection.regressor} (coefficient {selection.coefficient:.4f}, "
         f"iid SE {selection.std_error:.4f}), firm and year fixed effects; {selection.n_firms} firms."),
        ("Typical/deviant: smallest/largest root mean squared residual of the firm; extreme: distance of the firm's "
         "mean regressor from the sample mean in standard deviations; influential: change in the coefficient when "
         "the firm is left out, in standard errors (DFBETA by cluster)."),
        *((SIMULATED_NOTE,) if simulated else ()),
    )
    return Table(title="Case selection from the panel model", column_groups=(("", 5),), panels=(), body=rows,
                 notes=notes, label="case_selection", column_titles=("Name", "Industry", "Exposed", "Statistic", "Measure"),
                 numbered=False, stub="Type, rank: firm")


def facts_table(dossier: CaseDossier, *, simulated: bool = False) -> Table:
    """The facts of one dossier: value, formula and source rows."""
    rows = tuple(TextRow(f.claim, (_fact_value(f.value, f.unit), f.formula, f.rows)) for f in dossier.facts)
    return Table(title=f"Facts: {dossier.label}", column_groups=(("", 3),), panels=(), body=rows,
                 notes=(f"Computed from the panel rows named; {dossier.n_peers} industry peers behind the dossier bands.",
                        *((SIMULATED_NOTE,) if simulated else ())),
                 label=f"facts_{dossier.label}", column_titles=("Value", "Formula", "Rows"), numbered=False,
                 stub="Claim")


#: the donor pools of :func:`models.case_study.donor_pool`, by scope, for the notes
DONOR_SCOPE_TEXT = {
    "industry": "in the case's industries",
    "section": "in the sections of the case's industries",
    "all": "in any industry",
    "auto": "in the case's industries (their sections, or all firms, where the industries hold fewer than 20)",
}


def counterfactuals_table(studies: Sequence[CaseStudy], *, simulated: bool = False, start: int = 2019,
                          donors: str = "auto", label: str = "case_counterfactuals") -> Table:
    """Estimates by case, outcome and method: effect, placebo SE, pre-period RMSPE, donors, rank p-value.

    ``start`` and ``donors`` (a scope of :func:`models.case_study.donor_pool`) are
    the first treated year and the donor pool the counterfactuals used, for the notes.
    """
    rows = tuple(
        TextRow(f"{s.dossier.label}: {f.result.outcome}, {f.result.method.upper()}", (
            f"{f.result.estimate:.3f}", "" if f.result.std_error is None else f"{f.result.std_error:.3f}",
            f"{f.result.pre_rmspe:.3f}", str(f.result.n_donors), f"{f.placebo.p_value:.3f}",
            "" if f.in_time is None else f"{f.in_time.estimate:.3f} ({f.in_time.fake_start})",
            "{:.3f} to {:.3f}".format(*f.leave_one_out.range)))
        for s in studies for f in s.counterfactuals
    )
    notes = (
        (f"Average effect over the post-periods (from {start}); SE: placebo standard error (every donor treated once); "
         f"p: rank of the case's post/pre RMSPE ratio among its placebos in space. Donors: never-exposed firms listed "
         f"before {start} with a complete outcome, {DONOR_SCOPE_TEXT[donors]}. In time: the effect with the start "
         "backdated three years, on the pre-period only; leave-one-out: range of the effect with each weighted donor "
         "left out."),
        *(f"Not estimated for {s.dossier.label}: {reason}" for s in studies for reason in s.skipped),
        *((SIMULATED_NOTE,) if simulated else ()),
    )
    return Table(title="Synthetic control and synthetic DiD for the cases", column_groups=(("", 7),), panels=(),
                 body=rows, notes=notes, label=label,
                 column_titles=("Effect", "SE", "Pre RMSPE", "Donors", "Placebo p", "In time", "Leave-one-out"),
                 numbered=False,
                 stub="Case: outcome, method")


def case_studies_tables(result: CaseStudies, *, simulated: bool = False) -> dict[str, Table]:
    """Every table of the built-in case-study run, by file stem."""
    tables = {"case_selection": selection_table(result.selection, simulated=simulated)}
    for study in result.studies:
        tables[f"facts_{study.dossier.label}"] = facts_table(study.dossier, simulated=simulated)
    if any(s.counterfactuals or s.skipped for s in result.studies):
        tables["case_counterfactuals"] = counterfactuals_table(result.studies, simulated=simulated)
    return tables


def case_studies_figures(result: CaseStudies, *, simulated: bool = False) -> dict[str, Figure]:
    """Every figure of the built-in case-study run, captioned: a dossier per case, a synthetic figure per counterfactual."""
    note = SIMULATED_NOTE if simulated else ""
    figures: dict[str, Figure] = {}
    for study in result.studies:
        figures[f"dossier_{study.dossier.label}"] = Figure(
            partial(dossier_figure, study.dossier, note=note), dossier_caption(study.dossier),
            " ".join(n for n in (DOSSIER_NOTE, note) if n))
        for fit in study.counterfactuals:
            name = f"synth_{study.dossier.label}_{fit.result.outcome}_{fit.result.method}"
            figures[name] = Figure(partial(synthetic_figure, fit.result, fit.placebo, note=note),
                                   synthetic_caption(study.dossier.label, fit.result), note)
    return figures


def dossier_caption(dossier: CaseDossier) -> str:
    """E.g. "Dossier of leaderdrive_like (000013)"; a group of more than three firms is counted, not listed."""
    firms = ", ".join(dossier.firms) if len(dossier.firms) <= 3 else f"{len(dossier.firms)} firms"
    return f"Dossier of {dossier.label} ({firms})"


def synthetic_caption(case: str, result: SyntheticResult) -> str:
    """E.g. "leaderdrive_like: invention_apply, SC counterfactual"."""
    return f"{case}: {result.outcome}, {result.method.upper()} counterfactual"
