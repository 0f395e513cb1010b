"""Escaping label text for each output format; ``$...$`` math passes through to LaTeX.

A label such as ``R&D_share (5%) #firms`` must compile in LaTeX and show as
written everywhere.  Only math passes: a ``$...$`` span whose commands are not
all in :data:`MATH_COMMANDS` (``$\\input{x}$``, ``$\\write18$``) is escaped as
text like the rest, so a note or label cannot run LaTeX commands.
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
_COMMAND = re.compile(r"\\([A-Za-z]+|.)")
#: the commands a ``$...$`` span may use: Greek letters, operators, relations, accents, fonts, spacing
MATH_COMMANDS = frozenset(
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi pi rho sigma "
    "tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega "
    "times cdot div pm mp leq geq le ge neq ne approx sim equiv propto in notin subset subseteq cup cap "
    "infty partial nabla sum prod int ln log exp min max sup inf lim to rightarrow leftarrow Rightarrow "
    "ldots cdots dots hat bar tilde widehat widetilde overline underline vec dot ddot prime "
    "mathrm mathbf mathit mathcal mathbb text textrm frac sqrt left right big Big quad qquad "
    ", ; ! : { } % $ _ & # | \\".split()
)


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
        if not is_safe_math(match.group()):
            continue
        out.append(_LATEX_PATTERN.sub(lambda m: _LATEX[m.group()], text[last : match.start()]))
        out.append(match.group())
        last = match.end()
    out.append(_LATEX_PATTERN.sub(lambda m: _LATEX[m.group()], text[last:]))
    return "".join(out)


def is_safe_math(span: str) -> bool:
    r"""Whether every command in a ``$...$`` span is a math command of :data:`MATH_COMMANDS`.

    TeX's ``^^5c`` spelling of a backslash is refused too.

    Examples
    --------
    >>> is_safe_math(r"$\hat{\beta}_1 \times 100$"), is_safe_math(r"$\input{/etc/passwd}$")
    (True, False)
    """
    return "^^" not in span and all(name in MATH_COMMANDS for name in _COMMAND.findall(span))


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
