"""The command-line interface ``chokepoint`` and the built-in studies."""
