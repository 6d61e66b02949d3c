"""Siaga: regional government readiness to support elections."""

__version__ = "0.1.0"
