"""Tables and figures: one Table model, renderers for LaTeX, Markdown, HTML, CSV/JSON, and figures."""
