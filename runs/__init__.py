"""Runs: a study from its data to its bundle of tables, figures, results and manifest."""
