"""``chokepoint did``: one heterogeneity-robust difference-in-differences on a long table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from scripts.options import names

ESTIMATOR_NAMES = ("callaway-santanna", "sun-abraham", "imputation", "twfe")


@click.command(name="did")
@click.argument("data", type=click.Path(path_type=Path))
@click.option("--y", "outcome", required=True, help="Outcome column.")
@click.option("--unit", required=True, help="Unit id column.")
@click.option("--time", required=True, help="Period column (integers, e.g. years).")
@click.option("--cohort", required=True, help="First treated period of each unit (0 or empty = never treated).")
@click.option("--estimator", type=click.Choice(ESTIMATOR_NAMES), default="callaway-santanna", show_default=True,
              help="Estimator.")
@click.option("--control", type=click.Choice(["never", "notyet"]), default="never", show_default=True,
              help="Comparison units of Callaway-Sant'Anna.")
@click.option("--x", "covariates", help="Covariates, comma-separated.")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Plain-text table or one JSON object.")
def command(data: Path, outcome: str, unit: str, time: str, cohort: str, estimator: str, control: str,
            covariates: str | None, output: str) -> None:
    """Run one staggered difference-in-differences estimator on a CSV, Parquet or Stata file.

    Prints the overall ATT and the effects by event time (0 = first treated
    period) with standard errors clustered by unit and a pre-trend test.

    \b
    Examples:
      chokepoint did panel.parquet --y ln_invention_apply --unit firm_id --time year --cohort first_treat_year
      chokepoint did mpdta.csv --y lemp --unit countyreal --time year --cohort first_treat --estimator imputation
      chokepoint did panel.dta --y roa --unit firm_id --time year --cohort g --control notyet --format json
    """
    import warnings

    from data_schemas.errors import InputError, during
    from models.staggered import ESTIMATORS
    from panel.sources.columns import read_columns
    from report.json_text import strict_json

    covariate_names = names(covariates)
    if control != "never" and estimator != "callaway-santanna":
        raise InputError(f"--control {control} applies to callaway-santanna only",
                         fix="drop --control or use --estimator callaway-santanna")
    frame = read_columns(data, (outcome, unit, time, cohort, *covariate_names))
    options: dict[str, Any] = {"control": control} if estimator == "callaway-santanna" else {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with during(f"estimating {estimator} on {data}"):
            result = ESTIMATORS[estimator](frame, outcome, unit=unit, time=time, cohort=cohort,
                                           covariates=covariate_names, file=str(data), **options)
    for warning in caught:
        if issubclass(warning.category, UserWarning):
            click.echo(f"Warning: {warning.message}", err=True)
    if output == "json":
        click.echo(strict_json(result.to_dict()))
    else:
        click.echo(result.summary())
