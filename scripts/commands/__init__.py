"""One module per CLI command; each imports only click at module level."""
