"""`liaison-bot export --from DATE --to DATE --format csv|xlsx [--out PATH]`.

Every ticket reported on the days from --from to --to (inclusive, the bot's local days) with
its fields, and every event of their timelines.
- xlsx: one workbook, sheets "tickets" and "events" (default file liaison-FROM_TO.xlsx);
- csv: with --out NAME.csv, that file and NAME.events.csv beside it; otherwise a directory
  holding tickets.csv and events.csv (default directory liaison-FROM_TO).
A progress bar is drawn on stderr when it is a terminal.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from bot.settings import load_settings
from domain.period import Period, PeriodError
from handlers.digest.export import CsvExport, ExportWriter, XlsxExport, write_export
from storage.db import create_engine, session_factory
from storage.existing import problem_with
from storage.uow import UnitOfWorkFactory


def register(sub: Any) -> None:
    export = sub.add_parser(
        "export", help="export tickets and their event timelines (csv or xlsx)",
        description=(__doc__ or "").split("\n\n", 1)[-1],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    export.add_argument("--from", dest="first", required=True, type=_day, metavar="DATE",
                        help="first day, YYYY-MM-DD")
    export.add_argument("--to", dest="last", required=True, type=_day, metavar="DATE",
                        help="last day, YYYY-MM-DD (included)")
    export.add_argument("--format", choices=("csv", "xlsx"), default="xlsx")
    export.add_argument("--out", metavar="PATH",
                        help="the workbook (xlsx); for csv, the tickets file NAME.csv (events "
                             "go to NAME.events.csv) or a directory for the two files")
    export.add_argument("--url", help="database URL (default: [database] url of the "
                                      "configuration)")
    export.set_defaults(func=run_export)


def run_export(args: argparse.Namespace) -> int:
    settings = load_settings(args.config, check_areas=False)
    try:
        period = Period.of_days(args.first, args.last, settings.bot.tz)
    except PeriodError:
        print("liaison-bot export: --from must not be after --to", file=sys.stderr)
        return 2
    url = args.url or settings.database.url
    problem = problem_with(url)
    if problem is not None:
        print(f"liaison-bot export: {problem}. Start the bot once (liaison-bot run) to make "
              f"one, or name yours with --url or [database] url.", file=sys.stderr)
        return 2
    out = Path(args.out or f"liaison-{args.first.isoformat()}_{args.last.isoformat()}"
               + (".xlsx" if args.format == "xlsx" else ""))
    writer: ExportWriter = XlsxExport(out) if args.format == "xlsx" else CsvExport(out)
    tickets, events = asyncio.run(_export(url, period, settings.bot.tz, writer))
    where = " and ".join(str(path) for path in writer.paths)
    print(f"exported {_count(tickets, 'ticket')} and {_count(events, 'event')} to {where}")
    return 0


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


async def _export(url: str, period: Period, tz: Any, writer: ExportWriter) -> tuple[int, int]:
    engine = create_engine(url)
    try:
        uows = UnitOfWorkFactory(session_factory(engine))
        async with uows(read_only=True) as uow:
            size = await uow.queries.export_size(period)
            bar = ProgressBar(size.tickets + size.events, sys.stderr)
            written = await write_export(uow, period, tz, writer, progress=bar.advance)
            bar.finish()
        return written.tickets, written.events
    finally:
        await engine.dispose()


class ProgressBar:
    """A one-line bar on a terminal; silent when the stream is a file or a pipe."""

    WIDTH = 30
    EVERY_S = 0.1

    def __init__(self, total: int, stream: TextIO) -> None:
        self.total = max(total, 1)
        self.stream = stream
        self.shown = stream.isatty()
        self.done = 0
        self.drawn_at = 0.0

    def advance(self, count: int) -> None:
        self.done += count
        if self.shown and time.monotonic() - self.drawn_at >= self.EVERY_S:
            self._draw()

    def finish(self) -> None:
        if self.shown:
            self._draw()
            self.stream.write("\n")
            self.stream.flush()

    def _draw(self) -> None:
        self.drawn_at = time.monotonic()
        share = min(self.done / self.total, 1.0)
        filled = int(share * self.WIDTH)
        bar = "█" * filled + "·" * (self.WIDTH - filled)
        self.stream.write(f"\rexporting {bar} {share:4.0%} {self.done:,}/{self.total:,}")
        self.stream.flush()


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from error
