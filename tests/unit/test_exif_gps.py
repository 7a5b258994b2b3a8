import io

import pytest
from PIL import ExifTags, Image
from PIL.TiffImagePlugin import IFDRational

from handlers.intake.exif_gps import gps_from_image, is_supported_image, sniff_image_type


def dms(degrees: int, minutes: int, seconds: float) -> tuple[IFDRational, ...]:
    return IFDRational(degrees, 1), IFDRational(minutes, 1), IFDRational(round(seconds * 100), 100)


def image_bytes(gps: dict | None = None, fmt: str = "JPEG", extra: dict | None = None) -> bytes:
    image = Image.new("RGB", (16, 16), (200, 80, 40))
    exif = Image.Exif()
    if extra:
        exif.update(extra)
    if gps is not None:
        exif[ExifTags.IFD.GPSInfo] = gps
    out = io.BytesIO()
    image.save(out, fmt, exif=exif)
    return out.getvalue()


BEIJING_GPS = {1: "N", 2: dms(39, 54, 15.12), 3: "E", 4: dms(116, 24, 26.64)}
SYDNEY_GPS = {1: "S", 2: dms(33, 52, 7.68), 3: "E", 4: dms(151, 12, 33.48)}
NEW_YORK_GPS = {1: "N", 2: dms(40, 42, 46.08), 3: "W", 4: dms(74, 0, 21.6)}
SANTIAGO_GPS = {1: "S", 2: dms(33, 26, 56.4), 3: "W", 4: dms(70, 38, 53.4)}


@pytest.mark.parametrize(
    ("gps", "expected"),
    [
        (BEIJING_GPS, (39.9042, 116.4074)),
        (SYDNEY_GPS, (-33.8688, 151.2093)),
        (NEW_YORK_GPS, (40.7128, -74.0060)),
        (SANTIAGO_GPS, (-33.4490, -70.6482)),
    ],
)
def test_reads_gps_in_every_hemisphere(gps, expected):
    lat, lon = gps_from_image(image_bytes(gps))
    assert lat == pytest.approx(expected[0], abs=1e-4)
    assert lon == pytest.approx(expected[1], abs=1e-4)


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_reads_gps_from_png_and_webp(fmt):
    lat, lon = gps_from_image(image_bytes(BEIJING_GPS, fmt))
    assert (lat, lon) == pytest.approx((39.9042, 116.4074), abs=1e-4)


def test_decimal_degrees_without_minutes():
    gps = {1: "N", 2: (IFDRational(3950, 100),), 3: "E", 4: (IFDRational(11625, 100),)}
    assert gps_from_image(image_bytes(gps)) == pytest.approx((39.5, 116.25))


def test_lowercase_and_padded_refs():
    gps = {**SYDNEY_GPS, 1: "s ", 3: "e"}
    lat, _ = gps_from_image(image_bytes(gps))
    assert lat == pytest.approx(-33.8688, abs=1e-4)


def test_no_exif():
    assert gps_from_image(image_bytes()) is None


def test_exif_without_gps():
    assert gps_from_image(image_bytes(extra={ExifTags.Base.Model: "Phone"})) is None


@pytest.mark.parametrize(
    "gps",
    [
        {**BEIJING_GPS, 2: (IFDRational(1, 0), IFDRational(0, 1), IFDRational(0, 1))},  # x/0
        {**BEIJING_GPS, 2: dms(95, 0, 0)},  # latitude beyond the pole
        {**BEIJING_GPS, 4: dms(181, 0, 0)},
        {**BEIJING_GPS, 2: dms(39, 75, 0)},  # 75 minutes
        {**BEIJING_GPS, 1: "X"},  # no such hemisphere
        {2: BEIJING_GPS[2], 3: "E", 4: BEIJING_GPS[4]},  # hemisphere missing
        {1: "N", 2: BEIJING_GPS[2]},  # longitude missing
        {1: "N", 2: dms(0, 0, 0), 3: "E", 4: dms(0, 0, 0)},  # a camera without a fix
        {**BEIJING_GPS, 9: "V"},  # the receiver says the measurement is void
    ],
)
def test_nonsense_gps_is_none(gps):
    assert gps_from_image(image_bytes(gps)) is None


def test_active_status_is_fine():
    assert gps_from_image(image_bytes({**BEIJING_GPS, 9: "A"})) is not None


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not an image at all",
        b"\xff\xd8\xff\xe1\x00\x10Exif\x00\x00garbage",
        bytes(range(256)) * 4,
    ],
)
def test_garbage_is_none(data):
    assert gps_from_image(data) is None


def test_truncated_jpeg_is_handled():
    data = image_bytes(BEIJING_GPS)
    for cut in (4, 20, 60, len(data) // 2):
        result = gps_from_image(data[:cut])
        assert result is None or result == pytest.approx((39.9042, 116.4074), abs=1e-4)


# --- format sniffing --------------------------------------------------------------------

HEIC_HEADER = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 32
HEIF_COMPATIBLE = b"\x00\x00\x00\x1cftypmsf1\x00\x00\x00\x00msf1heicmif1" + b"\x00" * 32
MP4_HEADER = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00" * 32


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (image_bytes(fmt="JPEG"), "jpeg"),
        (image_bytes(fmt="PNG"), "png"),
        (image_bytes(fmt="WEBP"), "webp"),
        (HEIC_HEADER, "heic"),
        (HEIF_COMPATIBLE, "heic"),
        (MP4_HEADER, None),
        (b"GIF89a" + b"\x00" * 20, None),
        (b"%PDF-1.7", None),
        (b"", None),
    ],
)
def test_sniff_image_type(data, kind):
    assert sniff_image_type(data) == kind


def test_is_supported_image():
    jpeg = image_bytes()
    assert is_supported_image(jpeg, "image/jpeg")
    assert is_supported_image(jpeg, None)
    assert is_supported_image(jpeg, "")
    assert is_supported_image(HEIC_HEADER, "application/octet-stream")
    assert is_supported_image(HEIC_HEADER, "image/heic")
    # The content decides: a PNG labelled image/jpeg is still a PNG we accept.
    assert is_supported_image(image_bytes(fmt="PNG"), "image/jpeg; charset=binary")
    assert not is_supported_image(jpeg, "application/pdf")
    assert not is_supported_image(MP4_HEADER, "video/mp4")
    assert not is_supported_image(b"not an image", "image/jpeg")


def test_heic_is_recognised_even_without_a_decoder():
    assert is_supported_image(HEIC_HEADER, "image/heic")
    assert gps_from_image(HEIC_HEADER) is None
