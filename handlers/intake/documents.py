"""Photos sent as files: they keep their EXIF, so they may carry the place they were taken.

Reading a file needs a download, which handlers never do: the report waits (its
`fetch_file_id` set) while `bot/pipeline/document_worker.py` fetches and reads the file, then
the worker queues a FILE_READ event that is handled here, in the chat's order.
"""

from __future__ import annotations

from handlers import registry
from handlers.context import Context
from handlers.intake.filing import reporter_person
from handlers.intake.pending_report import PhotoPart, PlacePart
from handlers.intake.progress import advance, keep, report_of
from handlers.intake.replies import chat_of, tell_unsupported
from messaging.inbound import DocumentFile, Internal
from storage.repositories.pending import TAKING_PIECES

FILE_READ = "intake.file_read"

_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif")


def could_be_image(document: DocumentFile) -> bool:
    """Worth downloading: declared an image, or not declared at all (clients send HEIC
    as octet-stream). The content decides once it is read."""
    mime = document.mime_type.split(";")[0].strip().lower()
    if mime.startswith("image/"):
        return True
    if mime in ("", "application/octet-stream"):
        return True
    return document.file_name.lower().endswith(_IMAGE_SUFFIXES) and not mime


def read_result(*, file_unique_id: str, sha256: str | None, image: bool,
                gps: tuple[float, float] | None, failed: bool) -> dict[str, object]:
    """The data of a FILE_READ event (what the reader found)."""
    return {"file_unique_id": file_unique_id, "sha256": sha256, "image": image,
            "lat": gps[0] if gps else None, "lon": gps[1] if gps else None,
            "failed": failed}


@registry.internal(FILE_READ)
async def on_file_read(event: Internal, ctx: Context) -> None:
    row = await ctx.uow.pending.get(int(event.data["pending_id"]), for_update=True)  # type: ignore[call-overload]
    if row is None or row.status not in TAKING_PIECES:
        return
    report = report_of(row)
    unique_id = event.data.get("file_unique_id")
    file = next((f for f in report.files if f.file_unique_id == unique_id), None)
    if file is None:
        return
    report.files.remove(file)
    data = event.data
    if data.get("image") or data.get("failed"):
        # A file we could not fetch is kept as a photo all the same: the ticket must not
        # lose it, and the photo download is retried with the ticket's other photos.
        sha256 = data.get("sha256")
        report.add_photo(PhotoPart(file.file_id, file.file_unique_id, file.message_id,
                                   from_document=True,
                                   sha256=sha256 if isinstance(sha256, str) else None))
        lat, lon = data.get("lat"), data.get("lon")
        if report.place is None and isinstance(lat, int | float) and isinstance(lon, int | float):
            report.place = PlacePart(lat, lon, file.message_id)
    else:
        tell_unsupported(ctx, chat_of(row), reporter_person(report), file.message_id,
                         "document")
    row.fetch_after = None  # the report's next file, if any, is due at once
    keep(row, report)
    await advance(ctx, row, report)
