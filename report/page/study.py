"""One bundle's page: study text, data provenance, every table and figure, notes, the reproducing command."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any

from report import html as html_table
from report.escape import html
from report.grid import to_grid
from report.page import provenance
from report.page.content import PAGE_KEY
from report.style import Style
from report.table import Table

#: file name of a bundle's page
PAGE_FILE = "index.html"
#: download links of a table: format -> (link text, file suffixes)
DOWNLOADS = {"latex": ("LaTeX", (".tex", ".standalone.tex")), "md": ("Markdown", (".md",)),
             "html": ("HTML", (".html",)), "csv": ("CSV", (".csv",)), "docx": ("Word", (".docx",))}
SIMULATED_BANNER = "SIMULATED demo data: every number on this page comes from simulated firms, not real ones."


def stylesheet() -> str:
    """The page's CSS (inlined in every page)."""
    return resources.files("report.page").joinpath("page.css").read_text(encoding="utf-8")


def document(title: str, body: Sequence[str]) -> str:
    """A complete HTML document: inline stylesheet, no script, nothing fetched."""
    head = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="chokepoint">',
        f"<title>{html(title)}</title>",
        f"<style>\n{stylesheet()}</style>",
        "</head>",
        "<body>",
    ]
    return "\n".join([*head, *body, "</body>", "</html>"]) + "\n"


def rendering_style(rendering: Mapping[str, Any]) -> Style:
    """The :class:`Style` the bundle's tables were written with."""
    return Style(stars=tuple(rendering["stars"]), second_row=rendering["second_row"], digits=rendering["digits"],
                 numbers=rendering.get("numbers", "auto"))


def table_anchor(table: Table) -> str:
    """Id of a table's section on the page."""
    return f"table-{table.label}"


def figure_anchor(name: str) -> str:
    """Id of a figure on the page."""
    return f"figure-{name}"


def _downloads(table: Table, formats: Sequence[str]) -> str:
    links = []
    for fmt in formats:
        text, suffixes = DOWNLOADS[fmt]
        for suffix in suffixes:
            name = "standalone LaTeX" if suffix == ".standalone.tex" else text
            links.append(f'<a href="tables/{html(table.label)}{suffix}">{html(name)}</a>')
    return f'<p class="downloads">Files: {"".join(links)}</p>' if links else ""


def _tables(tables: Mapping[str, Table], rendering: Mapping[str, Any]) -> list[str]:
    style = rendering_style(rendering)
    formats = [f for f in rendering["formats"] if f in DOWNLOADS]
    out = ['<section id="tables">', "<h2>Tables</h2>"]
    for number, table in enumerate(tables.values(), start=1):
        out += [
            f'<section class="exhibit" id="{html(table_anchor(table))}">',
            f"<h3>Table {number}. {html(table.title)}</h3>",
            _downloads(table, formats),
            '<div class="scroll">',
            html_table.render(to_grid(table, style)).rstrip("\n"),
            "</div>",
            "</section>",
        ]
    return [*out, "</section>"]


def _figures(figures: Sequence[Mapping[str, Any]]) -> list[str]:
    out = ['<section id="figures">', "<h2>Figures</h2>"]
    for number, figure in enumerate(figures, start=1):
        files = figure["files"]
        image = next((f for f in files if f.endswith(".png")), None)
        others = [f for f in files if f != image]
        links = "".join(f' <a href="{html(f)}">{html(f.rsplit(".", 1)[-1].upper())}</a>' for f in others)
        note = f' <span class="note">{html(figure["notes"])}</span>' if figure["notes"] else ""
        out += [
            f'<figure id="{html(figure_anchor(figure["name"]))}">',
            f'<img src="{html(image)}" alt="{html(figure["title"])}">' if image else "",
            f"<figcaption><strong>Figure {number}.</strong> {html(figure['title'])}.{note}{links}</figcaption>",
            "</figure>",
        ]
    return [*out, "</section>"]


def _data(manifest: Mapping[str, Any]) -> list[str]:
    out = ['<section id="data">', "<h2>Data</h2>", '<dl class="facts">']
    for label, text in provenance.facts(manifest):
        out.append(f"<dt>{html(label)}</dt><dd>{html(text)}</dd>")
    out.append("</dl>")
    drops = provenance.drops(manifest)
    if drops:
        total = sum(int(d["rows"]) for d in drops)
        out += [f"<details><summary>Rows dropped while building the panel: {total:,}</summary>",
                '<table class="files"><thead><tr><th>Stage</th><th>Reason</th><th>Rows</th></tr></thead><tbody>']
        out += [f'<tr><td>{html(str(d["stage"]))}</td><td>{html(str(d["reason"]))}</td>'
                f'<td class="number">{int(d["rows"]):,}</td></tr>' for d in drops]
        out.append("</tbody></table></details>")
    files = provenance.input_files(manifest)
    if files:
        out += [f"<details><summary>Input files and their SHA-256: {len(files)}</summary>",
                '<table class="files"><thead><tr><th>File</th><th>Bytes</th><th>SHA-256</th></tr></thead><tbody>']
        out += [f'<tr><td>{html(str(f["path"]))}</td><td class="number">{int(f["bytes"]):,}</td>'
                f'<td class="hash">{html(str(f["sha256"]))}</td></tr>' for f in files]
        out.append("</tbody></table></details>")
    return [*out, "</section>"]


def _notes(page: Mapping[str, Any], tables: Mapping[str, Table]) -> list[str]:
    out = ['<section id="notes">', "<h2>Warnings and notes</h2>"]
    if page["warnings"]:
        out += [f"<p>Warnings raised while the data were read and the models estimated: {len(page['warnings'])}</p>",
                '<ul class="notes warnings">', *(f"<li>{html(w)}</li>" for w in page["warnings"]), "</ul>"]
    notes = list(dict.fromkeys(note for table in tables.values() for note in table.notes))
    if notes:
        out += ["<p>Notes under the tables, once each:</p>", '<ul class="notes">',
                *(f"<li>{html(n)}</li>" for n in notes), "</ul>"]
    return [*out, "</section>"]


def _reproduce(manifest: Mapping[str, Any]) -> list[str]:
    out = ['<section id="reproduce">', "<h2>Reproduce</h2>"]
    command = provenance.command(manifest)
    if command:
        out += ["<p>The command that wrote this run:</p>", f"<pre><code>{html(command)}</code></pre>"]
    out.append("<p>Re-render the tables with other options without estimating again: "
               "<code>chokepoint table FOLDER</code>; rebuild this page: <code>chokepoint report FOLDER</code>.</p>")
    versions = provenance.versions(manifest)
    if versions:
        out += ["<details><summary>Software versions</summary>", '<table class="files"><tbody>',
                *(f"<tr><td>{html(k)}</td><td>{html(str(v))}</td></tr>" for k, v in versions),
                "</tbody></table></details>"]
    return [*out, "</section>"]


def _contents(tables: Mapping[str, Table], figures: Sequence[Mapping[str, Any]]) -> list[str]:
    out = ['<nav class="contents" aria-label="Contents">', "<h2>Contents</h2>", "<ol>",
           '<li><a href="#data">Data</a></li>']
    if tables:
        out.append('<li><a href="#tables">Tables</a><ol>')
        out += [f'<li><a href="#{html(table_anchor(t))}">{n}. {html(t.title)}</a></li>'
                for n, t in enumerate(tables.values(), start=1)]
        out.append("</ol></li>")
    if figures:
        out.append('<li><a href="#figures">Figures</a><ol>')
        out += [f'<li><a href="#{html(figure_anchor(f["name"]))}">{n}. {html(f["title"])}</a></li>'
                for n, f in enumerate(figures, start=1)]
        out.append("</ol></li>")
    out += ['<li><a href="#notes">Warnings and notes</a></li>', '<li><a href="#reproduce">Reproduce</a></li>',
            "</ol>", "</nav>"]
    return out


def study_page(stored: Mapping[str, Any], manifest: Mapping[str, Any]) -> str:
    """The page of a bundle from its ``results.json`` (``stored``) and ``manifest.json`` contents.

    Parameters
    ----------
    stored : mapping
        The parsed results file: ``tables``, ``rendering`` and the page block.
    manifest : mapping
        The parsed manifest.
    """
    page = stored[PAGE_KEY]
    tables = {name: Table.from_dict(data) for name, data in stored["tables"].items()}
    study = provenance.study_name(manifest)
    title = page["title"] or study
    header = ["<header>", f'<p class="kicker">Study <code>{html(study)}</code></p>', f"<h1>{html(title)}</h1>"]
    if provenance.is_simulated(manifest):
        header.append(f'<p class="banner">{html(SIMULATED_BANNER)}</p>')
    if page["description"]:
        header.append(f'<p class="description">{html(page["description"])}</p>')
    header.append("</header>")
    main = ["<main>", *header, *_data(manifest)]
    if tables:
        main += _tables(tables, stored["rendering"])
    if page["figures"]:
        main += _figures(page["figures"])
    main += [*_notes(page, tables), *_reproduce(manifest),
             "<footer>Written by chokepoint from this folder's results.json and manifest.json.</footer>", "</main>"]
    body = ['<div class="layout">', *_contents(tables, page["figures"]), *main, "</div>"]
    return document(f"{title} · chokepoint", [line for line in body if line])
