"""``chokepoint table``: re-render a run's tables from its results.json, without re-estimating."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import click


def parse_stars(text: str) -> tuple[float, ...]:
    """``"none"`` -> ``()``; ``"0.1,0.05,0.01"`` -> the thresholds."""
    from data_schemas.errors import InputError

    if text.strip().lower() == "none":
        return ()
    try:
        return tuple(float(t) for t in text.split(","))
    except ValueError:
        raise InputError(f"--stars {text!r} is not 'none' or a list of p-values", fix="e.g. --stars 0.1,0.05,0.01") from None


@click.command(name="table")
@click.argument("bundle", type=click.Path(file_okay=False, path_type=Path))
@click.option("--table", "names", multiple=True, help="Table to render (repeatable); all by default.")
@click.option("--format", "fmt", default="latex", show_default=True, help="One of latex, md, html, csv, docx (with --out).")
@click.option("--standalone", is_flag=True, help="LaTeX: a complete document instead of a fragment.")
@click.option("--stars", default="0.1,0.05,0.01", show_default=True, help="p-value thresholds, or 'none' (AER style).")
@click.option("--se", "second_row", default="se", show_default=True, help="Under each coefficient: se, t, p, ci or none.")
@click.option("--digits", type=int, default=3, show_default=True, help="Decimals of coefficients.")
@click.option("--numbers", default="auto", show_default=True,
              help="auto (at least two significant digits), fixed (exactly --digits decimals) or significant.")
@click.option("--latex", "latex_layout", default="",
              help="LaTeX layout, comma-separated: longtable, landscape, siunitx.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write files into this folder instead of printing.")
@click.option("--force", is_flag=True, help="Overwrite files in --out.")
def command(bundle: Path, names: tuple[str, ...], fmt: str, standalone: bool, stars: str, second_row: str,
            digits: int, numbers: str, latex_layout: str, out_dir: Path | None, force: bool) -> None:
    """Re-render the tables of a run bundle with other display options.

    Reads BUNDLE/results.json (written by 'chokepoint run'); nothing is
    re-estimated. Without --out the tables are printed.

    \b
    Examples:
      chokepoint table results/returns_to_innovation/20261123-101500 --format md
      chokepoint table RUN --table returns --stars none --se t
      chokepoint table RUN --format latex --standalone --out paper/tables
      chokepoint table RUN --format latex --latex longtable,siunitx --numbers fixed
    """
    from data_schemas.errors import InputError, check_choice
    from panel.files import write_atomically
    from report.bundle import parse_formats, read_bundle_tables
    from report.latex import parse_layout
    from report.render import FORMATS, render
    from report.style import Style

    (fmt,) = parse_formats(fmt)
    style = Style(stars=parse_stars(stars), second_row=second_row, digits=digits, numbers=numbers)
    layout = parse_layout(latex_layout) if latex_layout else None
    if layout is not None and fmt != "latex":
        raise InputError(f"--latex applies to LaTeX only, not {fmt!r}")
    tables = read_bundle_tables(bundle)
    for name in names:
        check_choice(name, tables, what="table", where=f"in {bundle}")
    chosen = [tables[n] for n in (names or tables)]
    texts: dict[str, str | bytes]
    if fmt == "docx":
        from report.docx import render_docx

        if out_dir is None:
            raise InputError("Word files cannot be printed", fix="pass --out DIR")
        texts = {f"{t.label}.docx": render_docx(t, style) for t in chosen}
    else:
        texts = {f"{t.label}{'.standalone' if standalone else ''}{FORMATS[fmt]}":
                 render(t, fmt, style=style, standalone=standalone, layout=layout) for t in chosen}
    if out_dir is None:
        click.echo("\n".join(str(text) for text in texts.values()), nl=False)
        return
    written = write_atomically({out_dir / name: partial(_write_file, content=text) for name, text in texts.items()},
                               force=force)
    for path in written:
        click.echo(f"Wrote {path}")


def _write_file(path: Path, content: str | bytes) -> None:
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
