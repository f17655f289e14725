"""Micro-benchmarks of single operations (see bench/README.md); ``python -m bench.micro.run``."""
