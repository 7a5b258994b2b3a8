"""Where a photo was taken, from its EXIF GPS tags, and whether it is an image we accept.

Photos arrive from strangers' phones, so every function here treats the bytes as hostile:
anything unreadable or implausible is "no location", never an exception.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from numbers import Real

from PIL import ExifTags, Image

_GPS_STATUS = 9  # "A" = measurement active, "V" = void
_LAT_REF, _LAT, _LON_REF, _LON = 1, 2, 3, 4

_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1"}
_IMAGE_KINDS = {"jpeg", "png", "webp", "heic"}


def sniff_image_type(data: bytes) -> str | None:
    """The image format by its magic bytes: "jpeg", "png", "webp", "heic", or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if len(data) >= 12 and data[4:8] == b"ftyp":
        # ISO-BMFF is also MP4/MOV; only HEIF brands (major or compatible) count.
        box_size = int.from_bytes(data[:4], "big")
        box_end = min(max(box_size, 16), len(data), 64)
        brands = {data[8:12]} | {data[i : i + 4] for i in range(16, box_end - 3, 4)}
        if brands & _HEIF_BRANDS:
            return "heic"
    return None


def is_supported_image(data: bytes, mime: str | None = None) -> bool:
    """A JPEG/PNG/WebP/HEIC by its content, and not declared as something else.

    The content decides; the declared type may only veto. Clients that do not know HEIC
    send it as application/octet-stream, so that is accepted too.
    """
    if sniff_image_type(data) not in _IMAGE_KINDS:
        return False
    declared = (mime or "").split(";")[0].strip().lower()
    return declared in ("", "application/octet-stream") or declared.startswith("image/")


def gps_from_image(data: bytes) -> tuple[float, float] | None:
    """(lat, lon) in degrees from EXIF GPS tags, or None if absent or implausible."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            gps = image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        return _position(gps)
    except Exception:  # any malformed input, whatever the decoder raises, is "no location"
        return None


def _position(gps: dict[int, object]) -> tuple[float, float] | None:
    if not gps or _text(gps.get(_GPS_STATUS)) == "V":
        return None
    lat = _degrees(gps.get(_LAT), _text(gps.get(_LAT_REF)), "N", "S", 90.0)
    lon = _degrees(gps.get(_LON), _text(gps.get(_LON_REF)), "E", "W", 180.0)
    if lat is None or lon is None:
        return None
    # Cameras without a fix often write zeros; a report from "Null Island" is not real.
    if lat == 0.0 and lon == 0.0:
        return None
    return lat, lon


def _text(value: object) -> str:
    if isinstance(value, bytes):
        value = value.decode("ascii", "ignore")
    return value.strip("\x00 ").upper() if isinstance(value, str) else ""


def _number(value: object) -> float | None:
    """An EXIF rational (IFDRational, float, or a (numerator, denominator) pair)."""
    if isinstance(value, tuple) and len(value) == 2:
        numerator, denominator = value
        if not denominator:
            return None
        value = numerator / denominator
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return number if math.isfinite(number) and number >= 0 else None


def _degrees(value: object, ref: str, positive: str, negative: str, limit: float) -> float | None:
    """Degrees, minutes, seconds (minutes and seconds may be absent) with a hemisphere."""
    if isinstance(value, Real) and not isinstance(value, bool):
        value = (value,)  # a lone rational is stored as a scalar: decimal degrees
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        return None
    if not 1 <= len(value) <= 3 or ref not in (positive, negative):
        return None
    parts = []
    for part in value:
        number = _number(part)
        if number is None:
            return None
        parts.append(number)
    degrees, minutes, seconds = (*parts, 0.0, 0.0)[:3]
    if minutes > 60 or seconds > 60:
        return None
    result = degrees + minutes / 60 + seconds / 3600
    if result > limit:
        return None
    return -result if ref == negative else result
