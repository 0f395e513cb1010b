"""LaTeX rendering: booktabs rules, threeparttable notes, fragment or standalone document.

The fragment (for ``\\input``) needs the packages :func:`packages` names in
the paper's preamble (``booktabs`` and ``threeparttable`` by default); the
standalone document carries its own preamble and compiles with pdflatex.
A :class:`Layout` sets long tables as ``longtable`` (breaking across pages),
wide ones sideways (``sidewaystable``, or a landscape page for a long table)
and numbers in ``siunitx`` ``S`` columns aligned on the decimal point.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

from data_schemas.errors import check_choice
from report.escape import latex
from report.grid import Grid

_STARS = re.compile(r"^(.*?)(\*+)$")
_NEGATIVE = re.compile(r"(^|[(\[ ])-(?=\d)")
#: a cell siunitx can read as a number: optional bracket, signed decimal, optional closing bracket and stars
_NUMBER = re.compile(r"^([(\[]?)(-?\d+(?:\.\d+)?)([)\]]?)(\**)$")


@dataclass(frozen=True)
class Layout:
    """How a LaTeX table is set.

    Parameters
    ----------
    longtable : bool
        A ``longtable`` that breaks across pages, its header repeated (not a float).
    landscape : bool
        Turned sideways: a ``sidewaystable`` (package ``rotating``), or with
        ``longtable`` a landscape page (package ``pdflscape``).
    siunitx : bool
        Numbers in ``S`` columns of the ``siunitx`` package, aligned on the decimal point.
    """

    longtable: bool = False
    landscape: bool = False
    siunitx: bool = False


def parse_layout(text: str) -> Layout:
    """``"longtable,siunitx"`` -> ``Layout(longtable=True, siunitx=True)``.

    Raises
    ------
    InputError
        For a name that is not a layout option.
    """

    names = [t.strip() for t in text.split(",") if t.strip()]
    options = [f.name for f in fields(Layout)]
    for name in names:
        check_choice(name, options, what="LaTeX layout")
    return Layout(**{name: True for name in names})


def packages(layout: Layout = Layout()) -> list[str]:
    """The packages the fragment needs in the paper's preamble."""
    names = ["booktabs", "longtable" if layout.longtable else "threeparttable"]
    if layout.landscape:
        names.append("pdflscape" if layout.longtable else "rotating")
    if layout.siunitx:
        names.append("siunitx")
    return names


def _cell(text: str) -> str:
    """Escape a cell; minus signs of numbers become math minus, trailing stars a superscript."""
    match = _STARS.match(text)
    body, stars = (match.group(1), match.group(2)) if match else (text, "")
    body = _NEGATIVE.sub(lambda m: m.group(1) + "\x00", body)
    out = latex(body).replace("\x00", "$-$")
    return out + ("$^{" + stars + "}$" if stars else "")


def _s_cell(text: str) -> str:
    """A cell of an ``S`` column: a number as siunitx reads it, anything else braced as text."""
    match = _NUMBER.match(text)
    if not match:
        return "{" + _cell(text) + "}" if text else ""
    opening, number, closing, stars = match.groups()
    pre = "{" + opening + "}" if opening else ""
    post = closing + (r"\textsuperscript{" + stars + "}" if stars else "")
    return pre + number + ("{" + post + "}" if post else "")


def _row(label: str, cells: tuple[str, ...], siunitx: bool = False) -> str:
    body = (_s_cell(c) for c in cells) if siunitx else (_cell(c) for c in cells)
    return " & ".join([latex(label), *body]) + r" \\"


def _header(grid: Grid, siunitx: bool) -> list[str]:
    groups, rules, start = [latex(grid.stub)], [], 2
    for name, span in grid.column_groups:
        groups.append(rf"\multicolumn{{{span}}}{{c}}{{{latex(name)}}}")
        rules.append(rf"\cmidrule(lr){{{start}-{start + span - 1}}}")
        start += span
    lines = [" & ".join(groups) + r" \\", "".join(rules)]
    for cells in (grid.column_titles, grid.column_numbers):
        if cells:  # braced in S columns: text, not a number to align
            lines.append(" & ".join(["", *(("{" + _cell(c) + "}") if siunitx else _cell(c) for c in cells)]) + r" \\")
    return lines


def _column_format(grid: Grid, column: int) -> str:
    """``table-format`` of an ``S`` column from the widest number in it, e.g. ``-1.4``."""
    integers, decimals, signed, stars = 1, 0, False, 0
    for row in grid.rows:
        match = _NUMBER.match(row.cells[column]) if column < len(row.cells) else None
        if match:
            number = match.group(2)
            signed |= number.startswith("-")
            whole, _, fraction = number.lstrip("-").partition(".")
            integers, decimals = max(integers, len(whole)), max(decimals, len(fraction))
            stars = max(stars, len(match.group(4)))
    spec = f"table-format={'-' if signed else ''}{integers}.{decimals}"
    return spec + (rf",table-space-text-post=\textsuperscript{{{'*' * stars}}}" if stars else "")


def _columns(grid: Grid, siunitx: bool) -> str:
    if not siunitx:
        return f"l*{{{grid.n_columns}}}{{c}}"
    return "l" + "".join(f"S[{_column_format(grid, i)}]" for i in range(grid.n_columns))


def _body(grid: Grid, siunitx: bool) -> list[str]:
    lines, previous = [], None
    n = grid.n_columns
    for row in grid.rows:
        if previous is not None and row.section != previous:
            lines.append(r"\midrule")
        if row.kind == "panel":
            lines.append(rf"\multicolumn{{{n + 1}}}{{l}}{{\textit{{{latex(row.label)}}}}} \\")
        else:
            lines.append(_row(row.label, row.cells, siunitx))
        previous = row.section
    return lines


def tabular(grid: Grid, layout: Layout = Layout()) -> str:
    """The ``tabular`` environment alone."""
    lines = [rf"\begin{{tabular}}{{{_columns(grid, layout.siunitx)}}}", r"\toprule", *_header(grid, layout.siunitx),
             r"\midrule", *_body(grid, layout.siunitx), r"\bottomrule", r"\end{tabular}"]
    return "\n".join(lines)


def _longtable(grid: Grid, layout: Layout) -> str:
    """A ``longtable``: caption and header on the first page, the header repeated, notes after the last row."""
    n = grid.n_columns + 1
    header = _header(grid, layout.siunitx)
    lines = [
        rf"\begin{{longtable}}{{{_columns(grid, layout.siunitx)}}}",
        rf"\caption{{{latex(grid.title)}}}\label{{tab:{grid.label}}} \\",
        r"\toprule", *header, r"\midrule", r"\endfirsthead",
        rf"\multicolumn{{{n}}}{{l}}{{\textit{{Table \thetable{{}} continued}}}} \\",
        r"\toprule", *header, r"\midrule", r"\endhead",
        r"\midrule", rf"\multicolumn{{{n}}}{{r}}{{\textit{{Continued on the next page}}}} \\", r"\endfoot",
        r"\bottomrule",
        *(rf"\multicolumn{{{n}}}{{p{{0.95\linewidth}}}}{{\footnotesize {latex(note)}}} \\" for note in grid.notes),
        r"\endlastfoot",
        *_body(grid, layout.siunitx),
        r"\end{longtable}",
    ]
    if layout.landscape:
        lines = [r"\begin{landscape}", *lines, r"\end{landscape}"]
    return "\n".join(lines)


def _threeparttable(grid: Grid, layout: Layout) -> str:
    lines = [
        r"\begin{threeparttable}",
        rf"\caption{{{latex(grid.title)}}}",
        rf"\label{{tab:{grid.label}}}",
        tabular(grid, layout),
    ]
    if grid.notes:
        lines += [r"\begin{tablenotes}[flushleft]", r"\footnotesize"]
        lines += [rf"\item {latex(note)}" for note in grid.notes]
        lines.append(r"\end{tablenotes}")
    lines.append(r"\end{threeparttable}")
    if layout.landscape:
        lines = [r"\begin{sidewaystable}", r"\centering", *lines, r"\end{sidewaystable}"]
    return "\n".join(lines)


def fragment(grid: Grid, layout: Layout = Layout()) -> str:
    """The table for ``\\input`` in a paper whose preamble loads :func:`packages`.

    By default a ``threeparttable`` with caption, label, tabular and notes, to
    place in the paper's own ``table`` float; a sideways table brings its
    ``sidewaystable`` float and a long table is a ``longtable`` (never floated).
    """
    text = _longtable(grid, layout) if layout.longtable else _threeparttable(grid, layout)
    return text + "\n"


def standalone(grid: Grid, layout: Layout = Layout()) -> str:
    """A complete document holding the table, compilable with pdflatex."""
    preamble = [r"\documentclass{article}", r"\usepackage[T1]{fontenc}",
                r"\usepackage[landscape,margin=1.5cm]{geometry}" if not layout.landscape else
                r"\usepackage[margin=1.5cm]{geometry}",
                *(rf"\usepackage{{{name}}}" for name in packages(layout)),
                r"\pagestyle{empty}", r"\begin{document}"]
    if layout.longtable or layout.landscape:
        body = fragment(grid, layout).rstrip("\n")
    else:
        body = "\n".join([r"\begin{table}[htbp]", r"\centering", r"\small", fragment(grid).rstrip("\n"),
                          r"\end{table}"])
    return "\n".join(preamble) + "\n" + body + "\n\\end{document}\n"
