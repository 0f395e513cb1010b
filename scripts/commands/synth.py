"""``chokepoint synth``: synthetic control, synthetic DiD or DiD on any long table."""

from __future__ import annotations

import json
from pathlib import Path

import click

ESTIMATORS = ("sdid", "sc", "did")
STANDARD_ERRORS = ("placebo", "jackknife", "bootstrap", "none")


@click.command(name="synth")
@click.argument("data", type=click.Path(path_type=Path))
@click.option("--unit", required=True, help="Unit column (e.g. state, firm code).")
@click.option("--time", required=True, help="Period column (e.g. year).")
@click.option("--y", "outcome", required=True, help="Outcome column.")
@click.option("--treated", required=True, help="Treated unit, or several separated by commas.")
@click.option("--start", required=True, help="First treated period.")
@click.option("--estimator", type=click.Choice(ESTIMATORS), default="sdid", show_default=True,
              help="Synthetic DiD, synthetic control or plain DiD (Arkhangelsky et al. 2021).")
@click.option("--se", "se", type=click.Choice(STANDARD_ERRORS), default="placebo", show_default=True,
              help="Standard error: placebo, jackknife (two or more treated units), bootstrap, or none.")
@click.option("--donors", default=None, help="Restrict the donor pool to these units (comma-separated).")
@click.option("--predictor", "predictors", multiple=True, metavar="COLUMN[:PERIODS]",
              help="Synthetic control with predictors (Abadie, Diamond and Hainmueller 2010): match COLUMN "
                   "averaged over PERIODS (1975, 1980-1988 or 1961,1963; default: all pre-periods). Repeat for "
                   "each predictor; implies --estimator sc and --se none unless given.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Plain summary or JSON.")
def command(data: Path, unit: str, time: str, outcome: str, treated: str, start: str, estimator: str, se: str,
            donors: str | None, predictors: tuple[str, ...], output_format: str) -> None:
    """Average post-period effect on the TREATED units of a long table DATA.

    Prints the estimate, its standard error (null where there is none), the donor
    weights, the pre-period weights and the pre-period RMSPE.

    \b
    Examples:
      chokepoint synth prop99.csv --unit State --time Year --y PacksPerCapita --treated California --start 1989
      chokepoint synth panel.csv --unit firm --time year --y patents --treated 300024 --start 2019 \\
          --estimator sc --format json
      chokepoint synth smoking.csv --unit state --time year --y cigsale --treated California --start 1989 \\
          --predictor lnincome:1980-1988 --predictor retprice:1980-1988 --predictor cigsale:1975
    """
    import pandas as pd

    from models.synthetic import fit_synthetic, synthetic_design
    from models.synthetic.predictors import parse_predictor
    from panel.sources.coerce import parse_numbers
    from panel.sources.tabular import read_raw

    parsed = [parse_predictor(spec) for spec in predictors]
    table = read_raw(data).data
    for column in dict.fromkeys([outcome, *(p.column for p in parsed)]):
        if column in table.columns and column != time:
            table[column] = parse_numbers(table[column], column, data)
    if time in table.columns:
        numeric = pd.to_numeric(table[time], errors="coerce")
        if numeric.notna().all():
            table[time] = numeric
    start_value: object = start
    if time in table.columns and pd.api.types.is_numeric_dtype(table[time]):
        try:
            start_value = float(start) if "." in start else int(start)
        except ValueError:
            from data_schemas.errors import InputError

            raise InputError(f"--start '{start}' is not a number like the periods in column '{time}'") from None
    if parsed:
        context = click.get_current_context()
        if context.get_parameter_source("estimator") is click.core.ParameterSource.DEFAULT:
            estimator = "sc"
        if context.get_parameter_source("se") is click.core.ParameterSource.DEFAULT:
            se = "none"
    design = synthetic_design(
        table, unit=unit, time=time, outcome=outcome, treated=[t.strip() for t in treated.split(",") if t.strip()],
        start=start_value, donors=None if donors is None else [d.strip() for d in donors.split(",") if d.strip()],
        predictors=parsed, source=str(data), line_numbers=True,
    )
    result = fit_synthetic(design, estimator, se=None if se == "none" else se)
    summary = result.summary()
    if output_format == "json":
        click.echo(json.dumps(summary, indent=2, ensure_ascii=False))
        return
    std_error = "n/a" if result.std_error is None else f"{result.std_error:.4f} ({result.se_method})"
    click.echo(f"{estimator} effect on {outcome}: {result.estimate:.4f}  standard error: {std_error}")
    click.echo(f"pre-period RMSPE: {result.pre_rmspe:.4f}  donors: {result.n_donors}  "
               f"pre-periods: {result.n_pre}  post-periods: {result.n_post}")
    if result.dropped_donors:
        click.echo(f"donors left out (outcome missing): {', '.join(result.dropped_donors)}")
    click.echo("donor weights:")
    for donor, weight in sorted(result.unit_weights.items(), key=lambda item: -item[1]):
        if weight > 0:
            click.echo(f"  {donor:<24} {weight:.4f}")
    if result.predictors:
        click.echo("predictor balance (treated, synthetic, weight):")
        for row in result.predictor_balance:
            click.echo(f"  {row['predictor']:<24} {row['treated']:12.4f} {row['synthetic']:12.4f} {row['weight']:.4f}")
    if any(result.time_weights.values()):
        click.echo("pre-period weights:")
        for period, weight in result.time_weights.items():
            if weight > 0:
                click.echo(f"  {period:<24} {weight:.4f}")
