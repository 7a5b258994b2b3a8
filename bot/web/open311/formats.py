"""GeoReport v2's two formats: XML (required by the spec) and JSON (its Spark mapping).

- XML: `<?xml version="1.0" encoding="utf-8"?>`, no namespace, a root holding one element per
  item; an empty value is an empty element. Content-Type text/xml; charset=utf-8.
- JSON: the items as an array of objects (the discovery document as one object); an empty
  value is null. Content-Type application/json; charset=utf-8.
"""

from __future__ import annotations

import json
import re
from typing import Any
from xml.sax.saxutils import escape

XML = "xml"
JSON = "json"
CONTENT_TYPES = {XML: "text/xml", JSON: "application/json"}


def list_document(fmt: str, root: str, item: str, items: list[dict[str, Any]]) -> bytes:
    if fmt == JSON:
        return _json(items)
    parts = [f"<{root}>"]
    for entry in items:
        parts.append(f"<{item}>")
        _fill(parts, entry)
        parts.append(f"</{item}>")
    parts.append(f"</{root}>")
    return _xml(parts)


def object_document(fmt: str, root: str, value: dict[str, Any]) -> bytes:
    if fmt == JSON:
        return _json(value)
    parts = [f"<{root}>"]
    _fill(parts, value)
    parts.append(f"</{root}>")
    return _xml(parts)


# Lists inside an item name their children: {"formats": ["text/xml"]} is
# <formats><format>text/xml</format></formats>.
CHILD_NAMES = {"formats": "format", "endpoints": "endpoint", "attributes": "attribute",
               "values": "value"}


def _fill(parts: list[str], values: dict[str, Any]) -> None:
    """The elements of one item, written out directly: a thousand requests are too many for
    a tree of element objects to be built first. Field names are ours; values are escaped."""
    for key, value in values.items():
        if isinstance(value, list):
            name = CHILD_NAMES.get(key, "item")
            parts.append(f"<{key}>")
            for entry in value:
                if isinstance(entry, dict):
                    parts.append(f"<{name}>")
                    _fill(parts, entry)
                    parts.append(f"</{name}>")
                else:
                    parts.append(_element(name, entry))
            parts.append(f"</{key}>")
        elif isinstance(value, dict):
            parts.append(f"<{key}>")
            _fill(parts, value)
            parts.append(f"</{key}>")
        else:
            parts.append(_element(key, value))


def _element(name: str, value: Any) -> str:
    if value is None:
        return f"<{name} />"
    if isinstance(value, bool):
        return f"<{name}>{'true' if value else 'false'}</{name}>"
    return f"<{name}>{escape(_legal(str(value)))}</{name}>"


def _legal(text: str) -> str:
    """XML 1.0 cannot carry most control characters, even escaped: they are dropped."""
    return text.translate(_ILLEGAL) if _HAS_ILLEGAL.search(text) else text


_ILLEGAL = {c: None for c in [*range(0, 9), 11, 12, *range(14, 32), 0xFFFE, 0xFFFF]}
_HAS_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml(parts: list[str]) -> bytes:
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + "".join(parts)).encode("utf-8")


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")
