"""``chokepoint report``: rebuild the HTML page of a run bundle (or of every bundle in a results folder)."""

from __future__ import annotations

from pathlib import Path

import click


@click.command(name="report")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--open", "open_page", is_flag=True, help="Open the page in the default browser afterwards.")
def command(folder: Path, open_page: bool) -> None:
    """Rebuild index.html of FOLDER, a run bundle or a results folder holding bundles.

    The page is rebuilt from the bundle's results.json and manifest.json alone,
    byte for byte as the run wrote it; nothing is estimated. A results folder
    gets every bundle's page and, for each run of several studies, the run's
    index OUT/<run>.html. A results.json edited or truncated after the run
    stops with an error before anything is written.

    \b
    Examples:
      chokepoint report results/returns_to_innovation/20261123-101500
      chokepoint report results --open
    """
    from report.page.rebuild import rebuild_pages

    written = rebuild_pages(folder)
    for path in written:
        click.echo(f"Wrote {path}")
    if open_page:
        import webbrowser

        index = next((p for p in written if p.parent == folder), written[0])
        webbrowser.open(index.resolve().as_uri())
