"""Escaping label text for each output format; ``$...$`` math passes through to LaTeX.

A label such as ``R&D_share (5%) #firms`` must compile in LaTeX and show as
written everywhere.
"""

from __future__ import annotations

import html as _html
import re

_LATEX = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "×": r"$\times$",
    "−": r"$-$",
    "≤": r"$\leq$",
    "≥": r"$\geq$",
    "δ": r"$\delta$",
    "·": r"$\cdot$",
    "²": r"\textsuperscript{2}",
    "–": "--",
    "—": "---",
}
_LATEX_PATTERN = re.compile("|".join(re.escape(c) for c in _LATEX))
#: $...$ with no unescaped $ inside, not empty
_MATH = re.compile(r"(?<!\\)\$(?=[^$\s])(?:[^$\\]|\\.)*?(?<![\s\\])\$")


def latex(text: str) -> str:
    r"""Escape LaTeX's special characters outside ``$...$`` math.

    Examples
    --------
    >>> print(latex("R&D_share (5%) #firms"))
    R\&D\_share (5\%) \#firms
    >>> print(latex(r"$\beta_1$ × post"))
    $\beta_1$ $\times$ post
    """
    out, last = [], 0
    for match in _MATH.finditer(text):
        out.append(_LATEX_PATTERN.sub(lambda m: _LATEX[m.group()], text[last : match.start()]))
        out.append(match.group())
        last = match.end()
    out.append(_LATEX_PATTERN.sub(lambda m: _LATEX[m.group()], text[last:]))
    return "".join(out)


def html(text: str) -> str:
    """Escape ``& < > "`` for HTML."""
    return _html.escape(text, quote=True)


_MARKDOWN = re.compile(r"([\\|*_`\[\]<>#])")


def markdown(text: str) -> str:
    r"""Backslash-escape the characters Markdown tables would interpret (``| * _`` ...).

    Examples
    --------
    >>> print(markdown("0.120*** | R&D_share"))
    0.120\*\*\* \| R&D\_share
    """
    return _MARKDOWN.sub(r"\\\1", text)
