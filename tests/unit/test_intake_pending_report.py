"""The stored form of a report in the making: it reads back what it wrote, and reading
anything else never fails."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from handlers.intake.documents import could_be_image
from handlers.intake.pending_report import (
    DESCRIPTION_LIMIT,
    ELLIPSIS,
    FilePart,
    ForwardPart,
    PendingReport,
    PhotoPart,
    PlacePart,
    Reporter,
    TextPart,
    shorten,
)
from messaging.inbound import DocumentFile

# Message ids are text (Telegram's digits, other platforms' strings); people are addresses.
ids = st.integers(min_value=1, max_value=2**40).map(str) | st.text("abcXYZ_-0123", min_size=1,
                                                                    max_size=24)
people = st.integers(min_value=1, max_value=2**40).map(lambda n: f"telegram:{n}") | st.text(
    "abcdef0123", min_size=1, max_size=20).map(lambda s: f"wecom:{s}")
names = st.text(max_size=20)
coordinates = st.tuples(st.floats(-90, 90), st.floats(-180, 180))

reporters = st.builds(Reporter, people, names, names, names, st.sampled_from(["", "zh", "en"]))
photos = st.builds(PhotoPart, names, names, ids, st.booleans(),
                   st.none() | st.text("0123456789abcdef", min_size=64, max_size=64))
texts = st.builds(TextPart, ids, st.text(max_size=200), st.booleans())
places = st.builds(lambda c, m, a, t, d: PlacePart(c[0], c[1], m, a, t, d), coordinates, ids,
                   st.none() | st.floats(0, 1500), names, names)
files = st.builds(FilePart, names, names, ids, names, names)
forwards = st.builds(ForwardPart, st.sampled_from(["user", "hidden_user", "chat", "channel"]),
                     names, st.none() | people)
reports = st.builds(PendingReport, reporters, st.lists(photos, max_size=4),
                    st.lists(texts, max_size=4), st.none() | places,
                    st.lists(files, max_size=2), st.none() | forwards)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=30)
field_names = st.sampled_from(["reporter", "photos", "texts", "place", "files", "forward", "id",
                               "first_name", "file_id", "message_id", "lat", "lon", "text",
                               "describes", "title", "x"])
report_like = st.recursive(
    json_values,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(field_names, children, max_size=8),
    max_leaves=40)


@given(reports)
def test_reads_back_what_it_wrote(report):
    assert PendingReport.from_json(report.to_json()) == report


@given(reports)
def test_survives_a_trip_through_json_text(report):
    stored = json.loads(json.dumps(report.to_json()))
    assert PendingReport.from_json(stored) == report


@given(report_like)
def test_anything_else_reads_as_some_report(data):
    report = PendingReport.from_json(data)
    assert isinstance(report, PendingReport)
    # Whatever was read can be written and read again unchanged.
    assert PendingReport.from_json(report.to_json()) == report


def test_missing_fields_are_absent_and_wrong_types_are_dropped():
    report = PendingReport.from_json({
        "reporter": {"id": "telegram:7", "first_name": "Li"},
        "photos": [{"file_id": "a", "file_unique_id": "u", "message_id": "3"},
                   {"file_id": 5, "file_unique_id": "v", "message_id": "4"},
                   {"file_id": "b", "file_unique_id": "w", "message_id": True}],
        "place": {"lat": 39, "lon": "116", "message_id": "2"},
        "texts": "not a list",
    })
    assert report.reporter == Reporter("telegram:7", "Li")
    assert [p.file_id for p in report.photos] == ["a"]
    assert report.place is None and report.texts == []


@given(st.text(), st.integers(min_value=1, max_value=3000))
def test_shorten_keeps_within_the_limit_and_marks_a_cut(text, limit):
    short = shorten(text, limit)
    assert len(short) <= limit
    if len(text) <= limit:
        assert short == text
    else:
        assert short.endswith(ELLIPSIS)
        assert text.startswith(short.removesuffix(ELLIPSIS))


@given(reports)
def test_the_description_fits_the_card(report):
    assert len(report.description()) <= DESCRIPTION_LIMIT


@given(reports)
def test_every_piece_is_known_by_its_message(report):
    ids = report.message_ids
    assert {p.message_id for p in report.photos} <= ids
    assert {t.message_id for t in report.texts} <= ids
    assert report.shown_message_id is None or report.shown_message_id in ids


def place(message_id: str = "10", **venue: str) -> PlacePart:
    return PlacePart(39.9, 116.4, message_id, None, venue.get("title", ""),
                     venue.get("address", ""))


def test_what_completes_a_report():
    reporter = Reporter("telegram:1", "Li")
    photo = PhotoPart("f", "u", "5")
    assert not PendingReport(reporter, photos=[photo]).complete
    assert PendingReport(reporter, photos=[photo], place=place()).complete
    assert PendingReport(reporter, place=place(title="东湖驿站")).complete
    assert not PendingReport(reporter, place=place()).complete
    # Any text before the location describes it; after it, only one naming a problem does.
    assert PendingReport(reporter, texts=[TextPart("5", "门口这个")], place=place("10")).complete
    assert not PendingReport(reporter, texts=[TextPart("12", "我到了")], place=place("10")).complete
    assert PendingReport(reporter, texts=[TextPart("12", "有坑", True)], place=place("10")).complete
    # A file still being read holds the report back.
    held = PendingReport(reporter, photos=[photo], place=place(), files=[FilePart("d", "x", "6")])
    assert not held.complete


def test_chatter_and_reports():
    reporter = Reporter("telegram:1", "Li")
    assert PendingReport(reporter, texts=[TextPart("1", "ok")]).is_chatter
    assert not PendingReport(reporter, texts=[TextPart("1", "路灯不亮", True)]).is_chatter
    assert PendingReport(reporter, photos=[PhotoPart("f", "u", "2")]).is_report
    assert not PendingReport(reporter, texts=[TextPart("1", "ok")]).is_report


def test_edits_change_the_right_piece():
    report = PendingReport(Reporter("telegram:1", "Li"), photos=[PhotoPart("f", "u", "2")],
                           texts=[TextPart("3", "old")])
    assert report.edit_text("3", "new", False)
    assert report.edit_text("2", "a caption added later", False)
    assert not report.edit_text("99", "not ours", False)
    assert report.description() == "new\na caption added later"


def test_the_same_photo_is_kept_once():
    report = PendingReport(Reporter("telegram:1", "Li"))
    report.add_photo(PhotoPart("f1", "same", "2"))
    report.add_photo(PhotoPart("f2", "same", "3"))
    assert len(report.photos) == 1


def document(mime: str, name: str = "x") -> DocumentFile:
    return DocumentFile("id", "uid", name, mime)


def test_which_files_are_worth_reading():
    assert could_be_image(document("image/jpeg"))
    assert could_be_image(document("image/heic", "IMG_1.HEIC"))
    assert could_be_image(document("application/octet-stream", "IMG_1.HEIC"))
    assert could_be_image(document("", "photo.png"))
    assert not could_be_image(document("application/pdf", "photo.jpg"))
    assert not could_be_image(document("video/mp4", "clip.mp4"))


def test_a_message_handled_twice_adds_nothing_twice():
    report = PendingReport(Reporter("telegram:1", "Li"))
    for _ in range(2):
        report.add_photo(PhotoPart("f", "u", "2"))
        report.add_text(TextPart("2", "路面鼓包", True))
        report.add_file(FilePart("d", "x", "3"))
    assert (len(report.photos), len(report.texts), len(report.files)) == (1, 1, 1)
    # A file read and kept as a photo is not read again.
    report.files.clear()
    report.add_photo(PhotoPart("d", "x", "3", from_document=True))
    report.add_file(FilePart("d", "x", "3"))
    assert report.files == []


def test_what_is_missing():
    reporter = Reporter("telegram:1", "Li")
    photo = PhotoPart("f", "u", "5")
    assert PendingReport(reporter, photos=[photo]).missing == "location"
    assert PendingReport(reporter, texts=[TextPart("1", "路灯不亮", True)]).missing == "location"
    assert PendingReport(reporter, place=place()).missing == "content"
    assert PendingReport(reporter, texts=[TextPart("1", "ok")]).missing is None
    assert PendingReport(reporter, photos=[photo], place=place()).missing is None
    # "I'm here" after a location is conversation: nothing to ask for.
    chatter = PendingReport(reporter, texts=[TextPart("12", "我到了")], place=place("10"))
    assert chatter.missing is None
    assert PendingReport(reporter, files=[FilePart("d", "x", "6")]).missing is None


@given(reports)
def test_something_is_missing_only_from_an_incomplete_report(report):
    if report.missing is not None:
        assert not report.complete and not report.files
    if report.missing == "content":
        assert report.place is not None and not report.has_content
