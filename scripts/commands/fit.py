"""``chokepoint fit``: one fixed-effects model on a CSV, Parquet or Stata file."""

from __future__ import annotations

from pathlib import Path

import click

READERS = {".csv": "csv", ".txt": "csv", ".parquet": "parquet", ".pq": "parquet", ".dta": "stata"}


def _names(text: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip()) if text else ()


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
    from report.json_text import strict_json
    import warnings

    from data_schemas.errors import during
    from models import Spec, fit
    from models.inference.wild_bootstrap import few_clusters_warning

    spec = Spec(
        outcome,
        _names(regressors),
        fixed_effects=_names(fixed_effects),
        cluster=_names(cluster),
        vcov=vcov,
        weights=weights,
        time=time,
        lags=lags,
        family=family,
        offset=offset,
        exposure=exposure,
    )
    frame = _read(data, spec)
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


def _read(path: Path, spec) -> "pandas.DataFrame":  # noqa: F821
    """Read the columns ``spec`` needs from ``path``, with one-line errors."""
    import pandas as pd

    from data_schemas.errors import InputError

    kind = READERS.get(path.suffix.lower())
    if kind is None:
        raise InputError(
            f"cannot read files of type '{path.suffix}'", file=str(path), fix="give a .csv, .parquet or .dta file"
        )
    if not path.is_file():
        raise InputError("no such file", file=str(path))
    try:
        if kind == "csv":
            columns = pd.read_csv(path, nrows=0).columns
        elif kind == "parquet":
            import pyarrow.parquet as pq

            columns = pq.read_schema(path).names
        else:
            columns = pd.read_stata(path, iterator=True).variable_labels().keys()
        spec.check_columns(columns, file=str(path))
        wanted = list(spec.columns)
        if kind == "csv":
            return pd.read_csv(path, usecols=wanted)
        if kind == "parquet":
            return pd.read_parquet(path, columns=wanted)
        return pd.read_stata(path, columns=wanted, convert_categoricals=False)
    except InputError:
        raise
    except Exception as exc:  # any parser failure is the user's file being unreadable
        raise InputError(f"cannot read the file ({type(exc).__name__}: {exc})".splitlines()[0], file=str(path),
                         fix="check that it is a valid CSV, Parquet or Stata file") from exc
