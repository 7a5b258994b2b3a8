"""A report in the making: the pieces one person sent so far, as kept in `pending_reports.data`.

Pure: it is built from, and saved back to, plain JSON, so a half-finished report survives a
restart and any worker can pick it up. Reading is lenient (a missing or malformed field is
treated as absent) because rows written by an older version must still load.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from messaging.inbound import sent_before

# The ticket's description is shown on the card; this keeps the whole card within one
# message (4096 characters) and the department's photo caption readable.
DESCRIPTION_LIMIT = 1000
ELLIPSIS = "…"


@dataclass(frozen=True)
class Reporter:
    id: str
    first_name: str
    last_name: str = ""
    username: str = ""
    language: str = ""

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)


@dataclass(frozen=True)
class PhotoPart:
    file_id: str
    file_unique_id: str
    message_id: str
    # Sent as a file: the platform cannot show it as a photo, so the stored copy is used.
    from_document: bool = False
    sha256: str | None = None


@dataclass(frozen=True)
class TextPart:
    message_id: str
    text: str
    # It names a kind of problem (a category keyword): a report, not chatter.
    describes: bool = False


@dataclass(frozen=True)
class PlacePart:
    lat: float
    lon: float
    message_id: str
    accuracy_m: float | None = None
    # A venue: a named place picked from a list.
    title: str = ""
    address: str = ""
    # Named in the text (where the platform cannot send a location): where, not what.
    typed: bool = False

    @property
    def is_venue(self) -> bool:
        return bool(self.title or self.address) and not self.typed

    @property
    def address_line(self) -> str:
        if self.title and self.address:
            return f"{self.title}（{self.address}）"
        return self.title or self.address


@dataclass(frozen=True)
class FilePart:
    """A file that may be a photo: it must be read before the report can go on."""

    file_id: str
    file_unique_id: str
    message_id: str
    mime_type: str = ""
    file_name: str = ""


@dataclass(frozen=True)
class ForwardPart:
    kind: str
    name: str
    user_id: str | None = None


@dataclass
class PendingReport:
    reporter: Reporter
    photos: list[PhotoPart] = field(default_factory=list)
    texts: list[TextPart] = field(default_factory=list)
    place: PlacePart | None = None
    # Files that may be photos, in the order sent; the first is being read.
    files: list[FilePart] = field(default_factory=list)
    forward: ForwardPart | None = None

    # -- what it amounts to ---------------------------------------------------------------

    @property
    def has_content(self) -> bool:
        return bool(self.photos or self.texts or self.files)

    @property
    def is_report(self) -> bool:
        """Something worth asking for the location about: a photo, or a text naming a
        problem. Other texts ("thanks", "ok") are chatter and never prompt."""
        return bool(self.photos or self.files or any(t.describes for t in self.texts))

    @property
    def is_chatter(self) -> bool:
        return bool(self.texts) and not self.is_report and self.place is None

    @property
    def complete(self) -> bool:
        """Ready to file: a place and something about it, with no file still being read.

        A photo, a named place (venue) or a text naming a problem always count. Other
        text counts only when it came before the location ("text, then location"): after a
        location, "ok" or "I'm here" is conversation, not a description.
        """
        place = self.place
        if place is None or self.files:
            return False
        return bool(self.photos or place.is_venue or any(
            t.describes or sent_before(t.message_id, place.message_id) for t in self.texts))

    @property
    def missing(self) -> str | None:
        """What to ask for if nothing more comes: "location" for a photo (or a text naming a
        problem) without one, "content" for a location sent on its own; else None."""
        if self.files or self.complete:
            return None
        if self.place is None:
            return "location" if self.is_report else None
        return None if self.has_content else "content"

    def description(self, limit: int = DESCRIPTION_LIMIT) -> str:
        return shorten("\n".join(t.text for t in self.texts if t.text.strip()), limit)

    @property
    def message_ids(self) -> set[str]:
        ids = {p.message_id for p in self.photos} | {t.message_id for t in self.texts}
        if self.place is not None:
            ids.add(self.place.message_id)
        ids |= {f.message_id for f in self.files}
        return ids

    @property
    def shown_message_id(self) -> str | None:
        """The message the card answers: the first photo, else the first text, else the
        location — what people in the group recognise as the report."""
        if self.photos:
            return self.photos[0].message_id
        if self.files:
            return self.files[0].message_id
        if self.texts:
            return self.texts[0].message_id
        return self.place.message_id if self.place else None

    # -- changes (each piece counts once, however often its message is handled) -----------

    def add_photo(self, photo: PhotoPart) -> None:
        if all(p.file_unique_id != photo.file_unique_id for p in self.photos):
            self.photos.append(photo)

    def add_text(self, text: TextPart) -> None:
        if text.text.strip() and all(t.message_id != text.message_id for t in self.texts):
            self.texts.append(text)

    def add_file(self, file: FilePart) -> None:
        known = {f.file_unique_id for f in self.files} | {p.file_unique_id for p in self.photos}
        if file.file_unique_id not in known:
            self.files.append(file)

    def edit_text(self, message_id: str, text: str, describes: bool) -> bool:
        """A person edited one of the messages; False when it is not part of this report."""
        for index, part in enumerate(self.texts):
            if part.message_id == message_id:
                self.texts[index] = replace(part, text=text, describes=describes)
                return True
        media = {p.message_id for p in self.photos} | {f.message_id for f in self.files}
        if message_id in media and text.strip():
            # A caption added to a photo afterwards.
            self.texts.append(TextPart(message_id, text, describes))
            return True
        return False

    # -- storage --------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        return {
            "reporter": _plain(self.reporter),
            "photos": [_plain(p) for p in self.photos],
            "texts": [_plain(t) for t in self.texts],
            "place": _plain(self.place) if self.place else None,
            "files": [_plain(f) for f in self.files],
            "forward": _plain(self.forward) if self.forward else None,
        }

    @classmethod
    def from_json(cls, data: Any) -> PendingReport:
        data = data if isinstance(data, dict) else {}
        reporter = _build(Reporter, data.get("reporter")) or Reporter("", "")
        return cls(
            reporter=reporter,
            photos=_build_all(PhotoPart, data.get("photos")),
            texts=_build_all(TextPart, data.get("texts")),
            place=_build(PlacePart, data.get("place")),
            files=_build_all(FilePart, data.get("files")),
            forward=_build(ForwardPart, data.get("forward")),
        )


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters; a cut is marked with an ellipsis."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - len(ELLIPSIS))].rstrip() + ELLIPSIS


def _plain(part: Any) -> dict[str, Any]:
    return dict(part.__dict__)


_TYPES: dict[type, dict[str, tuple[type, ...]]] = {}


def _fields(cls: type) -> dict[str, tuple[type, ...]]:
    if cls not in _TYPES:
        hints = {"int": (int,), "str": (str,), "bool": (bool,), "float": (int, float),
                 "float | None": (int, float, type(None)), "str | None": (str, type(None)),
                 "int | None": (int, type(None))}
        _TYPES[cls] = {name: hints[str(f.type)] for name, f in cls.__dataclass_fields__.items()}
    return _TYPES[cls]


def _build(cls: type, raw: Any) -> Any:
    """The part described by `raw`, or None when required fields are missing or mistyped."""
    if not isinstance(raw, dict):
        return None
    values = {}
    for name, accepted in _fields(cls).items():
        if name not in raw:
            continue
        value = raw[name]
        # bool is an int in Python; an id stored as true is still garbage.
        if isinstance(value, bool) and bool not in accepted:
            return None
        if not isinstance(value, accepted):
            return None
        values[name] = float(value) if float in accepted and isinstance(value, int) else value
    try:
        return cls(**values)
    except TypeError:
        return None


def _build_all(cls: type, raw: Any) -> list[Any]:
    if not isinstance(raw, list):
        return []
    return [part for part in (_build(cls, item) for item in raw) if part is not None]
