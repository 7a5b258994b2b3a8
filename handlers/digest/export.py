"""Exports of tickets and their timelines: an xlsx workbook or a pair of CSV files.

- xlsx: one workbook with a sheet "tickets" and a sheet "events" (continued in "events 2"…
  past a sheet's row limit). Times are the bot's local time (Excel has no time zones).
- csv: tickets.csv and events.csv in a directory, or NAME.csv and NAME.events.csv when given
  a file name; UTF-8 with a byte-order mark so that spreadsheet programs read Chinese right.
  Times are ISO 8601 with their UTC offset.
The column names are the stored field names, the same in every language.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo
from pathlib import Path
from typing import IO, Any, Protocol

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from domain.period import Period
from storage.queries.export import EVENT_COLUMNS, TICKET_COLUMNS, ExportSize, Row
from storage.uow import UnitOfWork

XLSX_MAX_ROWS = 1_048_576
WriteRow = Callable[[Row], None]


class ExportWriter(Protocol):
    def sheet(self, name: str, header: Sequence[str]) -> WriteRow: ...

    def close(self) -> None: ...

    @property
    def paths(self) -> list[Path]:
        """The files written (for telling the user where they are)."""
        ...


async def write_export(uow: UnitOfWork, period: Period, tz: tzinfo, writer: ExportWriter,
                       progress: Callable[[int], None] | None = None) -> ExportSize:
    counts = []
    for name, header, rows in (("tickets", TICKET_COLUMNS, uow.queries.ticket_rows(period, tz)),
                               ("events", EVENT_COLUMNS, uow.queries.event_rows(period, tz))):
        write = writer.sheet(name, header)
        count = 0
        async for row in rows:
            write(row)
            count += 1
            if progress is not None:
                progress(1)
        counts.append(count)
    writer.close()
    return ExportSize(*counts)


class CsvExport:
    """`out` ending in .csv names the tickets file, the events going beside it as
    NAME.events.csv; any other `out` is a directory for tickets.csv and events.csv."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.as_file = out.suffix.lower() == ".csv"
        (out.parent if self.as_file else out).mkdir(parents=True, exist_ok=True)
        self.files: list[IO[str]] = []
        self.paths: list[Path] = []

    def path(self, name: str) -> Path:
        if not self.as_file:
            return self.out / f"{name}.csv"
        if name == "tickets":
            return self.out
        return self.out.with_name(f"{self.out.stem}.{name}.csv")

    def sheet(self, name: str, header: Sequence[str]) -> WriteRow:
        path = self.path(name)
        handle = path.open("w", encoding="utf-8-sig", newline="")
        self.files.append(handle)
        self.paths.append(path)
        writer = csv.writer(handle)
        writer.writerow(header)
        return lambda row: writer.writerow([_csv_value(v) for v in row])

    def close(self) -> None:
        for handle in self.files:
            handle.close()


class XlsxExport:
    def __init__(self, target: Path | IO[bytes]) -> None:
        self.target = target
        self.book = Workbook(write_only=True)
        self.paths: list[Path] = [target] if isinstance(target, Path) else []

    def sheet(self, name: str, header: Sequence[str]) -> WriteRow:
        return _RollingSheet(self.book, name, header)

    def close(self) -> None:
        self.book.save(self.target)


class _RollingSheet:
    """A sheet that continues in "<name> 2", "<name> 3"… when it reaches the row limit."""

    def __init__(self, book: Workbook, name: str, header: Sequence[str]) -> None:
        self.book, self.name, self.header = book, name, list(header)
        self.part = 0
        self._next_sheet()

    def _next_sheet(self) -> None:
        self.part += 1
        title = self.name if self.part == 1 else f"{self.name} {self.part}"
        self.sheet = self.book.create_sheet(title)
        self.sheet.append(self.header)
        self.rows = 1

    def __call__(self, row: Row) -> None:
        if self.rows >= XLSX_MAX_ROWS:
            self._next_sheet()
        self.sheet.append([_xlsx_cell(self.sheet, v) for v in row])
        self.rows += 1


def _csv_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return "" if value is None else value


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if not isinstance(value, str):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    if text.startswith("="):
        # A report that starts with "=" is text, never a formula for the spreadsheet to run.
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"
        return cell
    return text
