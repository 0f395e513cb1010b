"""Data in: source adapters, the demo simulator, the firm-year panel builder and named samples."""
