"""Layak's national-scale benchmark: see bench/README.md."""
