"""Small made-up photos for the demo: a road with a bulge, and the same road repaired."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

SIZE = (480, 320)
ASPHALT = (88, 90, 94)
LINE = (235, 220, 90)


def _road() -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("RGB", SIZE, (150, 190, 120))
    draw = ImageDraw.Draw(image)
    draw.polygon([(170, 0), (310, 0), (480, 320), (0, 320)], fill=ASPHALT)
    for top in range(10, 320, 60):
        draw.rectangle([236, top, 244, top + 30], fill=LINE)
    return image, draw


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


def road_bulge() -> bytes:
    image, draw = _road()
    draw.ellipse([120, 190, 330, 260], fill=(120, 118, 112), outline=(60, 58, 55), width=4)
    draw.line([(140, 225), (310, 222)], fill=(50, 48, 45), width=3)
    return _jpeg(image)


def road_level() -> bytes:
    image, draw = _road()
    draw.rectangle([120, 190, 330, 260], fill=(60, 62, 66))
    return _jpeg(image)
