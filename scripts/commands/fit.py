"""``chokepoint fit``: one fixed-effects model on a CSV, Parquet or Stata file."""

from __future__ import annotations

from pathlib import Path

import click

from scripts.options import names


@click.command(name="fit")
@click.argument("data", type=click.Path(path_type=Path))
@click.option("--y", "outcome", required=True, help="Outcome column.")
@click.option("--x", "regressors", required=True, help="Regressor columns, comma-separated.")
@click.option("--fe", "fixed_effects", help="Fixed-effect columns, comma-separated (e.g. firm,year).")
@click.option("--cluster", help="One or two cluster columns, comma-separated.")
@click.option("--vcov", help="iid, hc1, cluster or driscoll-kraay [default: cluster with --cluster, else iid].")
@click.option("--time", help="Time column (needed by driscoll-kraay).")
@click.option("--lags", type=int, help="Driscoll-Kraay lags [default: floor(T^(1/4))].")
@click.option("--weights", help="Column of observation weights.")
@click.option("--family", type=click.Choice(["gaussian", "poisson"]), default="gaussian", show_default=True,
              help="Least squares, or Poisson pseudo-maximum likelihood for counts.")
@click.option("--offset", help="Poisson: column added to the linear predictor.")
@click.option("--exposure", help="Poisson: column of positive exposures (offset = log exposure).")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Plain-text table or one JSON object.")
def command(
    data: Path,
    outcome: str,
    regressors: str,
    fixed_effects: str | None,
    cluster: str | None,
    vcov: str | None,
    time: str | None,
    lags: int | None,
    weights: str | None,
    family: str,
    offset: str | None,
    exposure: str | None,
    output: str,
) -> None:
    """Fit one fixed-effects model on a CSV, Parquet or Stata (.dta) file.

    Rows with missing values and fixed-effect singletons are dropped and
    counted; collinear regressors are dropped with a warning. Clustered
    standard errors are CRV1 as in reghdfe/fixest. With --family poisson the
    model is Poisson pseudo-maximum likelihood (as fixest's fepois): rows in
    fixed-effect groups with only zero outcomes are dropped and counted, rows
    the regressors separate are dropped with a warning naming them.

    \b
    Examples:
      chokepoint fit panel.parquet --y roa --x log_patents,size --fe firm_id,year --cluster firm_id
      chokepoint fit wages.csv --y lwage --x union,married --fe nr,year --vcov hc1 --format json
      chokepoint fit panel.dta --y roa --x rd --fe firm_id --vcov driscoll-kraay --time year
      chokepoint fit panel.parquet --y invention_apply --x exposed_post --fe firm_id,year --family poisson
    """
    import warnings

    from data_schemas.errors import during
    from models import Spec, fit
    from models.inference.wild_bootstrap import few_clusters_warning
    from panel.sources.columns import read_columns
    from report.json_text import strict_json

    spec = Spec(
        outcome,
        names(regressors),
        fixed_effects=names(fixed_effects),
        cluster=names(cluster),
        vcov=vcov,
        weights=weights,
        time=time,
        lags=lags,
        family=family,
        offset=offset,
        exposure=exposure,
    )
    frame = read_columns(data, spec.columns)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with during(f"fitting {outcome} on {regressors} in {data}"):
            result = fit(frame, spec, file=str(data))
    for warning in caught:
        click.echo(f"Warning: {warning.message}", err=True)
    if few := few_clusters_warning(result.n_clusters):
        click.echo(f"Warning: {few}", err=True)
    if output == "json":
        click.echo(strict_json(result.to_dict()))
    else:
        click.echo(result.summary())
