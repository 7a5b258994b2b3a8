"""Files people and the bot send: stored bytes, file ids, photo size lists, download paths."""

from __future__ import annotations

import base64
import io
import itertools
import mimetypes
from dataclasses import dataclass
from pathlib import PurePosixPath

from PIL import Image, UnidentifiedImageError

from .models import JSON

# Telegram's standard downscaled sides ("s" and "m" sizes); bigger originals also get "x".
_THUMBNAIL_SIDES = (90, 320, 800)
# Bots may download files up to 20 MB through the cloud Bot API.
MAX_DOWNLOAD_SIZE = 20 * 1024 * 1024


class NotAnImage(ValueError):
    pass


@dataclass(frozen=True)
class StoredFile:
    file_id: str
    file_unique_id: str
    kind: str
    data: bytes
    file_path: str
    mime_type: str | None = None
    file_name: str | None = None
    width: int = 0
    height: int = 0

    def file_json(self) -> JSON:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "file_path": self.file_path,
        }

    def size_json(self) -> JSON:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "width": self.width,
            "height": self.height,
        }


class FileStore:
    def __init__(self) -> None:
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._photo_sets: dict[str, list[JSON]] = {}
        self._counter = itertools.count(1)

    def get(self, file_id: str) -> StoredFile | None:
        return self._by_id.get(file_id)

    def by_path(self, file_path: str) -> StoredFile | None:
        return self._by_path.get(file_path)

    def photo_sizes(self, file_id: str) -> list[JSON] | None:
        sizes = self._photo_sets.get(file_id)
        return [dict(size) for size in sizes] if sizes is not None else None

    def store_photo(self, data: bytes, *, strict: bool = True) -> list[JSON]:
        """Store a photo and return its PhotoSize list, smallest first, original bytes last.

        With `strict`, bytes that are not an image are refused as Telegram refuses them;
        without, they are kept as a single size of unknown dimensions (people's test photos
        are sometimes just placeholder bytes).
        """
        try:
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                width, height = image.size
                smaller = [
                    self._add("photo", _downscale(image, side), ".jpg", "image/jpeg", None)
                    for side in _THUMBNAIL_SIDES
                    if side < max(width, height)
                ]
        except (UnidentifiedImageError, OSError, ValueError) as error:
            if strict:
                raise NotAnImage(str(error)) from error
            width, height, smaller = 0, 0, []
        original = self._add("photo", data, ".jpg", "image/jpeg", None, width, height)
        sizes = [file.size_json() for file in [*smaller, original]]
        for file in [*smaller, original]:
            self._photo_sets[file.file_id] = sizes
        return [dict(size) for size in sizes]

    def store_document(
        self, data: bytes, file_name: str | None, mime_type: str | None = None
    ) -> JSON:
        name = file_name or "document"
        mime = mime_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
        suffix = PurePosixPath(name).suffix or ""
        stored = self._add("document", data, suffix, mime, name)
        return {
            "file_name": name,
            "mime_type": mime,
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(data),
        }

    def _add(
        self,
        kind: str,
        data: bytes,
        suffix: str,
        mime_type: str | None,
        file_name: str | None,
        width: int = 0,
        height: int = 0,
    ) -> StoredFile:
        number = next(self._counter)
        if width == 0 and kind == "photo" and data:
            width, height = _dimensions(data)
        prefix = "AgACAgIAAxkBAAI" if kind == "photo" else "BQACAgIAAxkBAAI"
        token = base64.urlsafe_b64encode(f"{kind}:{number:08d}".encode()).decode().rstrip("=")
        stored = StoredFile(
            file_id=f"{prefix}{token}",
            file_unique_id=f"AQAD{number:06d}",
            kind=kind,
            data=data,
            file_path=f"{kind}s/file_{number}{suffix}",
            mime_type=mime_type,
            file_name=file_name,
            width=width,
            height=height,
        )
        self._by_id[stored.file_id] = stored
        self._by_path[stored.file_path] = stored
        return stored


def _downscale(image: Image.Image, side: int) -> bytes:
    copy = image.convert("RGB")
    copy.thumbnail((side, side))
    buffer = io.BytesIO()
    copy.save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


def _dimensions(data: bytes) -> tuple[int, int]:
    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.size
    except (UnidentifiedImageError, OSError, ValueError):
        return 0, 0
