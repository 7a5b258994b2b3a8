"""Is every character on the page drawn with a font that has it?

A character no font in use can draw shows as a box (the font's "notdef" glyph). Chromium says
which fonts it drew each element's text with (DevTools' CSS.getPlatformFontsForNode); each
font's character map, read with fontTools, says what it can draw. A character covered by none
of the fonts used for its element was drawn as a box.
"""

from __future__ import annotations

import functools
import subprocess
import unicodedata
from pathlib import Path
from typing import Any

from fontTools.ttLib import TTFont

from handlers.digest.chart import font_path

# Drawn by no glyph of its own: spaces, joiners, variation selectors, marks.
_SILENT = ("Zs", "Zl", "Zp", "Cc", "Cf", "Mn", "Me", "Mc")


@functools.cache
def coverage(postscript_name: str, custom: bool) -> frozenset[int]:
    """The code points a font can draw: the page's own font, or a system font by name."""
    if custom:
        return frozenset(TTFont(font_path(), fontNumber=0, lazy=True).getBestCmap())
    found = subprocess.run(["fc-list", f":postscriptname={postscript_name}", "file", "index"],
                           capture_output=True, text=True, check=False).stdout.splitlines()
    if not found:
        return frozenset()
    path, _, rest = found[0].partition(":")
    index = int(rest.split("=")[-1]) if "index=" in rest else 0
    return frozenset(TTFont(Path(path), fontNumber=index, lazy=True).getBestCmap())


async def boxes(page: Any, selector: str) -> list[str]:
    """`selector: characters` for every element whose own text has characters drawn as
    boxes; empty when everything is readable."""
    cdp = await page.context.new_cdp_session(page)
    try:
        await cdp.send("DOM.enable")
        await cdp.send("CSS.enable")
        root = (await cdp.send("DOM.getDocument", {"depth": -1}))["root"]["nodeId"]
        nodes = (await cdp.send("DOM.querySelectorAll",
                                {"nodeId": root, "selector": selector}))["nodeIds"]
        texts = await page.eval_on_selector_all(selector, """elements => elements.map(e =>
            Array.from(e.childNodes).filter(n => n.nodeType === 3).map(n => n.data).join(""))""")
        problems = []
        for node, text in zip(nodes, texts, strict=True):
            wanted = {ord(ch) for ch in text if unicodedata.category(ch) not in _SILENT}
            if not wanted:
                continue
            fonts = (await cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node}))["fonts"]
            if not fonts:
                continue  # not drawn at all (hidden)
            drawable: set[int] = set()
            for font in fonts:
                drawable |= coverage(font["postScriptName"], font["isCustomFont"])
            missing = "".join(sorted(chr(c) for c in wanted - drawable))
            if missing:
                used = ", ".join(f["familyName"] for f in fonts)
                problems.append(f"{text[:30]!r}: {missing!r} drawn with {used}")
        return problems
    finally:
        await cdp.detach()
