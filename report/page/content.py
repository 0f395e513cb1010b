"""What a bundle tells its page: figures with captions, and the page block stored in ``results.json``."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: key of the page block in results.json
PAGE_KEY = "page"
#: key of manifest.json holding the SHA-256 of results.json
RESULTS_HASH_KEY = "results_sha256"


def sha256_text(text: str) -> str:
    """SHA-256 of ``text`` encoded as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Figure:
    """A figure of a bundle: how to draw it and the caption the page shows under it.

    Calling it draws it, so a :class:`Figure` stands wherever a bare drawing
    function is accepted.

    Parameters
    ----------
    draw : callable
        Draws the figure to a file stem (no suffix) and returns the files written.
    title : str
        Caption.
    notes : str
        Text under the caption.
    """

    draw: Callable[[Path], list[Path]]
    title: str
    notes: str = ""

    def __call__(self, stem: Path) -> list[Path]:
        return self.draw(stem)


def page_block(
    *,
    title: str,
    description: str,
    figures: Mapping[str, Callable[[Path], list[Path]]],
    figure_files: Mapping[str, Sequence[str]],
    warnings: Sequence[str] = (),
) -> dict[str, Any]:
    """The page's own part of ``results.json``: study text, figure captions and files, warnings.

    Parameters
    ----------
    title, description : str
        What the study is.
    figures : mapping
        Figure name -> :class:`Figure` (a bare drawing function is captioned by its name).
    figure_files : mapping
        Figure name -> the files drawn, relative to the bundle (``figures/x.png``).
    warnings : sequence of str
        Warnings raised while the study ran.
    """
    return {
        "title": title,
        "description": description,
        "figures": [
            {"name": name, **(_caption(draw) if isinstance(draw, Figure) else {"title": name, "notes": ""}),
             "files": list(figure_files[name])}
            for name, draw in figures.items()
        ],
        "warnings": list(warnings),
    }


def _caption(figure: Figure) -> dict[str, str]:
    return {"title": figure.title, "notes": figure.notes}
