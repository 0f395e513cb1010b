"""Source adapters: raw exports (CSMAR, CNRDS, patent records, supplier disclosures,
export-control lists) in, canonical validated tables out.

``load_folder`` reads a whole data folder; the modules hold one adapter each.
Heavy libraries load on first use, not on ``import panel.sources``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from panel.sources.folder import RawTables, load_folder

__all__ = ["RawTables", "load_folder"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from panel.sources import folder

        return getattr(folder, name)
    raise AttributeError(f"module 'panel.sources' has no attribute {name!r}")
