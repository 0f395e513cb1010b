"""The demo data simulator: raw files in real layouts with planted effects.

Everything it writes is simulated and says so.  See ``panel/demo/README.md``
for the data-generating process and :func:`simulate` for the entry point.
"""

from panel.demo.params import DemoParams
from panel.demo.simulate import DemoData, generate, simulate, write_demo

__all__ = ["DemoData", "DemoParams", "generate", "simulate", "write_demo"]
