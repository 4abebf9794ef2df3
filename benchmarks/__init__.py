"""Benchmarks and scoring scripts; run each as ``python benchmarks/<name>.py``."""
