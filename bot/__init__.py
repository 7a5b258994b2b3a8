"""Liaison: a chat bot that turns hazard reports in neighbourhood groups into tracked tickets."""

__version__ = "0.1.0"
