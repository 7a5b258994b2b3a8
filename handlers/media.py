"""Photos stored content-addressed (sha256) under the media directory."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

MEDIA_PREFIX = "media:"


class MediaStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def put(self, data: bytes) -> str:
        """Store bytes once; returns their sha256. Writing is atomic, so a crash leaves no
        half file under the final name."""
        digest = hashlib.sha256(data).hexdigest()
        path = self.path(digest)
        if path.exists():
            return digest
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return digest

    def path(self, digest: str) -> Path:
        return self.root / digest[:2] / digest[2:4] / digest

    def get(self, digest: str) -> bytes | None:
        path = self.path(digest)
        return path.read_bytes() if path.exists() else None

    def has(self, digest: str) -> bool:
        return self.path(digest).exists()


def media_ref(digest: str) -> str:
    """How an outgoing photo names a stored file instead of a platform file id."""
    return f"{MEDIA_PREFIX}{digest}"
