"""Suggestions for misspelt names ("did you mean 'cluster'?")."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """Return a hint naming the closest of ``choices`` to ``name``, or ``""``.

    Parameters
    ----------
    name : str
        The unknown name the user gave.
    choices : iterable of str
        The names that exist.

    Returns
    -------
    str
        ``"did you mean 'x'?"`` when a close match exists, else the empty string.

    Examples
    --------
    >>> did_you_mean("cluter", ["iid", "hc1", "cluster"])
    "did you mean 'cluster'?"
    >>> did_you_mean("zzz", ["iid"])
    ''
    """
    by_lower = {str(choice).lower(): str(choice) for choice in choices}
    match = difflib.get_close_matches(name.lower(), list(by_lower), n=1, cutoff=0.6)
    return f"did you mean '{by_lower[match[0]]}'?" if match else ""
