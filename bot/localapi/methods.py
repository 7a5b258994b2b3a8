"""All Bot API methods the server answers; importing this module fills the method table."""

from __future__ import annotations

from . import methods_bot, methods_editing, methods_sending, methods_updates
from .registry import Context, Described, Handler, lookup, method_names

__all__ = [
    "Context",
    "Described",
    "Handler",
    "lookup",
    "method_names",
    "methods_bot",
    "methods_editing",
    "methods_sending",
    "methods_updates",
]
