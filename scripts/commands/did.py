"""``chokepoint did``: one heterogeneity-robust difference-in-differences on a long table."""

from __future__ import annotations

from pathlib import Path

import click

from scripts.commands.fit import _names, _read

ESTIMATOR_NAMES = ("callaway-santanna", "sun-abraham", "imputation", "twfe")


class _Columns:
    """The columns the command reads, in the form ``fit``'s file reader expects."""

    def __init__(self, columns: tuple[str, ...]) -> None:
        self.columns = tuple(dict.fromkeys(columns))

    def check_columns(self, available, file: str | None = None) -> None:
        from data_schemas.errors import InputError
        from models.names import did_you_mean

        have = [str(name) for name in available]
        for name in self.columns:
            if name not in have:
                raise InputError("no such column", file=file, column=name,
                                 fix=did_you_mean(name, have) or f"the columns are: {', '.join(have[:20])}")


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

    from report.json_text import strict_json

    from data_schemas.errors import InputError, during
    from models.staggered import ESTIMATORS

    names = _names(covariates)
    if control != "never" and estimator != "callaway-santanna":
        raise InputError(f"--control {control} applies to callaway-santanna only",
                         fix="drop --control or use --estimator callaway-santanna")
    frame = _read(data, _Columns((outcome, unit, time, cohort, *names)))
    options = {"control": control} if estimator == "callaway-santanna" else {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with during(f"estimating {estimator} on {data}"):
            result = ESTIMATORS[estimator](frame, outcome, unit=unit, time=time, cohort=cohort, covariates=names,
                                           file=str(data), **options)
    for warning in caught:
        if issubclass(warning.category, UserWarning):
            click.echo(f"Warning: {warning.message}", err=True)
    if output == "json":
        click.echo(strict_json(result.to_dict()))
    else:
        click.echo(result.summary())
