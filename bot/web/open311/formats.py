"""GeoReport v2's two formats: XML (required by the spec) and JSON (its Spark mapping).

- XML: `<?xml version="1.0" encoding="utf-8"?>`, no namespace, a root holding one element per
  item; an empty value is an empty element. Content-Type text/xml; charset=utf-8.
- JSON: the items as an array of objects (the discovery document as one object); an empty
  value is null. Content-Type application/json; charset=utf-8.
"""

from __future__ import annotations

import json
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring

XML = "xml"
JSON = "json"
CONTENT_TYPES = {XML: "text/xml", JSON: "application/json"}


def list_document(fmt: str, root: str, item: str, items: list[dict[str, Any]]) -> bytes:
    if fmt == JSON:
        return _json(items)
    element = Element(root)
    for entry in items:
        _fill(SubElement(element, item), entry)
    return _xml(element)


def object_document(fmt: str, root: str, value: dict[str, Any]) -> bytes:
    if fmt == JSON:
        return _json(value)
    element = Element(root)
    _fill(element, value)
    return _xml(element)


# Lists inside an item name their children: {"formats": ["text/xml"]} is
# <formats><format>text/xml</format></formats>.
CHILD_NAMES = {"formats": "format", "endpoints": "endpoint", "attributes": "attribute",
               "values": "value"}


def _fill(element: Element, values: dict[str, Any]) -> None:
    for key, value in values.items():
        child = SubElement(element, key)
        if isinstance(value, list):
            name = CHILD_NAMES.get(key, "item")
            for entry in value:
                grandchild = SubElement(child, name)
                if isinstance(entry, dict):
                    _fill(grandchild, entry)
                else:
                    grandchild.text = _text(entry)
        elif isinstance(value, dict):
            _fill(child, value)
        else:
            child.text = _text(value)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _xml(element: Element) -> bytes:
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + tostring(element, encoding="utf-8",
                                                                 xml_declaration=False)


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")
