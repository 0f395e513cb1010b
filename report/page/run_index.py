"""The index page of a run of several studies: ``OUT/<run>.html``, beside the study folders, linking each bundle's page."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from report.escape import html
from report.page import provenance
from report.page.content import PAGE_KEY
from report.page.study import PAGE_FILE, SIMULATED_BANNER, document


def run_index_path(out_root: str | Path, run_name: str) -> Path:
    """Where the index of run ``run_name`` goes: ``out_root/<run_name>.html``."""
    return Path(out_root) / f"{run_name}.html"


def run_index(run_name: str, bundles: Sequence[tuple[str, Mapping[str, Any], Mapping[str, Any]]]) -> str:
    """The index page of one run.

    Parameters
    ----------
    run_name : str
        The run's folder name.
    bundles : sequence of (str, mapping, mapping)
        Per bundle, in the order written: its study folder name, its parsed
        ``results.json`` and its parsed ``manifest.json``.
    """
    items = []
    for study, stored, manifest in bundles:
        page = stored[PAGE_KEY]
        link = f"{study}/{run_name}/{PAGE_FILE}"
        counts = f"{_count(len(stored['tables']), 'table')}, {_count(len(page['figures']), 'figure')}"
        items += [
            "<li>",
            f'<a class="title" href="{html(link)}">{html(page["title"] or study)}</a>',
            f'<p class="kicker">Study <code>{html(study)}</code> · {counts} · {html(provenance.data_source(manifest))}</p>',
            f"<p>{html(page['description'])}</p>" if page["description"] else "",
            "</li>",
        ]
    body = ["<main>", "<header>", f'<p class="kicker">Run <code>{html(run_name)}</code></p>',
            f"<h1>{_count(len(bundles), 'study', 'studies')}</h1>"]
    if any(provenance.is_simulated(manifest) for _, _, manifest in bundles):
        body.append(f'<p class="banner">{html(SIMULATED_BANNER)}</p>')
    body += ["</header>", '<ul class="studies">', *items, "</ul>"]
    commands = list(dict.fromkeys(provenance.command(manifest) for _, _, manifest in bundles))
    if commands and commands[0]:
        body += ["<h2>Reproduce</h2>", *(f"<pre><code>{html(c)}</code></pre>" for c in commands)]
    body += ["<footer>Written by chokepoint from the studies' results.json and manifest.json.</footer>", "</main>"]
    return document(f"Run {run_name} · chokepoint", [line for line in body if line])


def _count(n: int, one: str, many: str | None = None) -> str:
    """``1 table``, ``2 tables``."""
    return f"{n} {one if n == 1 else many or one + 's'}"
