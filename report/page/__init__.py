"""The run report: one self-contained HTML page per run bundle and an index of a run's studies.

A page is a function of what the bundle stores (``results.json`` for the
tables, figure captions and study text; ``manifest.json`` for provenance), so
``chokepoint report`` rebuilds it byte for byte without estimating anything.
Pages need no network: the stylesheet is inline and figures are linked by
relative paths inside the bundle, so a copied or unzipped folder still shows
everything.

Modules: :mod:`report.page.content` (what a bundle tells its page),
:mod:`report.page.provenance` (the manifest as facts), :mod:`report.page.study`
(a bundle's page), :mod:`report.page.run_index` (the index of a run),
:mod:`report.page.rebuild` (reading, checking and rewriting pages of bundles on disk).
"""
