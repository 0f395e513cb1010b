"""LaTeX rendering: booktabs rules, threeparttable notes, fragment or standalone document.

The fragment (for ``\\input``) needs ``\\usepackage{booktabs,threeparttable}``
in the paper's preamble; the standalone document carries its own preamble
and compiles with pdflatex.
"""

from __future__ import annotations

import re

from report.escape import latex
from report.grid import Grid

_STARS = re.compile(r"^(.*?)(\*+)$")
_NEGATIVE = re.compile(r"(^|[(\[ ])-(?=\d)")
_PREAMBLE = r"""\documentclass{article}
\usepackage[T1]{fontenc}
\usepackage[landscape,margin=1.5cm]{geometry}
\usepackage{booktabs}
\usepackage{threeparttable}
\pagestyle{empty}
\begin{document}
"""


def _cell(text: str) -> str:
    """Escape a cell; minus signs of numbers become math minus, trailing stars a superscript."""
    match = _STARS.match(text)
    body, stars = (match.group(1), match.group(2)) if match else (text, "")
    body = _NEGATIVE.sub(lambda m: m.group(1) + "\x00", body)
    out = latex(body).replace("\x00", "$-$")
    return out + ("$^{" + stars + "}$" if stars else "")


def _row(label: str, cells: tuple[str, ...]) -> str:
    return " & ".join([latex(label), *(_cell(c) for c in cells)]) + r" \\"


def _header(grid: Grid) -> list[str]:
    groups, rules, start = [latex(grid.stub)], [], 2
    for name, span in grid.column_groups:
        groups.append(rf"\multicolumn{{{span}}}{{c}}{{{latex(name)}}}")
        rules.append(rf"\cmidrule(lr){{{start}-{start + span - 1}}}")
        start += span
    lines = [" & ".join(groups) + r" \\", "".join(rules)]
    if grid.column_titles:
        lines.append(_row("", grid.column_titles))
    if grid.column_numbers:
        lines.append(_row("", grid.column_numbers))
    return lines


def tabular(grid: Grid) -> str:
    """The ``tabular`` environment alone."""
    n = grid.n_columns
    lines = [rf"\begin{{tabular}}{{l*{{{n}}}{{c}}}}", r"\toprule", *_header(grid), r"\midrule"]
    previous = None
    for row in grid.rows:
        section = row.section
        if previous is not None and section != previous:
            lines.append(r"\midrule")
        if row.kind == "panel":
            lines.append(rf"\multicolumn{{{n + 1}}}{{l}}{{\textit{{{latex(row.label)}}}}} \\")
        else:
            lines.append(_row(row.label, row.cells))
        previous = section
    lines += [r"\bottomrule", r"\end{tabular}"]
    return "\n".join(lines)


def fragment(grid: Grid) -> str:
    """A ``threeparttable`` with caption, label, tabular and notes, for ``\\input``."""
    lines = [
        r"\begin{threeparttable}",
        rf"\caption{{{latex(grid.title)}}}",
        rf"\label{{tab:{grid.label}}}",
        tabular(grid),
    ]
    if grid.notes:
        lines += [r"\begin{tablenotes}[flushleft]", r"\footnotesize"]
        lines += [rf"\item {latex(note)}" for note in grid.notes]
        lines.append(r"\end{tablenotes}")
    lines.append(r"\end{threeparttable}")
    return "\n".join(lines) + "\n"


def standalone(grid: Grid) -> str:
    """A complete document holding the table, compilable with pdflatex."""
    body = "\n".join([r"\begin{table}[htbp]", r"\centering", r"\small", fragment(grid).rstrip("\n"), r"\end{table}"])
    return _PREAMBLE + body + "\n\\end{document}\n"
