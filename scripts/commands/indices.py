"""``chokepoint indices``: volatility and growth indices and the import-substitution pattern of any series."""

from __future__ import annotations

from pathlib import Path

import click


@click.command(name="indices")
@click.argument("data", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--series", "series", required=True, help="Column naming the series (e.g. a technology group).")
@click.option("--period", "period", required=True,
              help="Column of the period: numbers (years, YYYYMM) or months (YYYY-MM, dates).")
@click.option("--value", "value", required=True, help="Column of the values (e.g. monthly import value).")
@click.option("--weights", type=click.Choice(["linear", "equal"]), default="linear", show_default=True,
              help="Growth-index weights: linear w_t = t (recent periods weigh more) or equal w_t = 1.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Plain table or a JSON list of objects.")
def command(data: Path, series: str, period: str, value: str, weights: str, output_format: str) -> None:
    """Volatility V, growth G and pattern of every series in a long table DATA.

    V = SD / mean (sample SD); G = sum_t w_t (x_t - x_1) / x_1 / sum_t w_t.
    Pattern: stockpiling (G > 0.5 and V > 0.3), no_discernible_effect
    (G > 0.5 and V <= 0.3), import_substitution (G <= 0.5).

    \b
    Examples:
      chokepoint indices imports.csv --series group --period month --value usd
      chokepoint indices imports.csv --series group --period month --value usd --weights equal --format json
    """
    from models.import_substitution import series_indices
    from panel.sources.series_table import read_series_table

    table = read_series_table(data, series=series, period=period, value=value)
    indices = series_indices(
        table, weights=weights, file=data, labels={"series": series, "period": period, "value": value}
    )
    records = [
        {
            "series": row.series,
            "n_periods": int(row.n_periods),
            "first_period": _period_text(row.first_period),
            "last_period": _period_text(row.last_period),
            "volatility": float(row.volatility),
            "growth": float(row.growth),
            "volatility_band": row.volatility_band,
            "pattern": row.pattern,
        }
        for row in indices.itertuples()
    ]
    if output_format == "json":
        from report.json_text import strict_json

        click.echo(strict_json(records, indent=2))
        return
    width = max(len("series"), *(len(r["series"]) for r in records))
    click.echo(f"{'series':<{width}}  {'periods':>7}  {'V':>7}  {'G':>8}  {'V band':<6}  pattern")
    for r in records:
        click.echo(
            f"{r['series']:<{width}}  {r['n_periods']:>7}  {r['volatility']:>7.3f}  {r['growth']:>8.3f}  "
            f"{r['volatility_band']:<6}  {r['pattern']}"
        )
    click.echo(f"\nV = SD (n-1) / mean; G with {weights} weights; "
               "stockpiling: G > 0.5 and V > 0.3; no_discernible_effect: G > 0.5 and V <= 0.3; "
               "import_substitution: G <= 0.5.")


def _period_text(value: object) -> str:
    """A period as text: months as YYYY-MM, numbers as written."""
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m")
    return str(value)
