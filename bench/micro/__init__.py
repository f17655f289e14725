"""Micro-benchmarks of single operations (see METHOD.md); ``python -m bench.micro.run``."""
