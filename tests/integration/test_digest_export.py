"""`liaison-bot export` reopens with the database's counts, as CSV and as xlsx."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from datetime import datetime

from openpyxl import load_workbook
from sqlalchemy import func, select

from bot.cli import main
from domain.clock import FakeClock
from domain.period import Period
from domain.ticket import Actor, GeoPoint, Ticket
from handlers.digest.export import XlsxExport, write_export
from storage.models import TicketEventRow, TicketRow
from tests.integration.test_digest_figures import TZ, build_dataset, local

# 1 May to 1 June: tickets #1 to #10 (#11 came on 2 June), with 42 events: each was created
# and assigned (20), then 22 more steps of the scenario.
FROM, TO = "2026-05-01", "2026-06-01"


async def counts_in_database(uows) -> tuple[int, int]:
    in_range = (TicketRow.reported_at >= local(5, 1, 0), TicketRow.reported_at < local(6, 2, 0))
    async with uows(read_only=True) as uow:
        tickets = (await uow.execute(select(func.count()).where(*in_range))).scalar_one()
        events = (await uow.execute(
            select(func.count()).select_from(TicketEventRow)
            .join(TicketRow, TicketRow.id == TicketEventRow.ticket_id).where(*in_range)
        )).scalar_one()
    return tickets, events


async def test_csv_export_has_every_ticket_and_event(uows, database_url, tmp_path, capsys):
    await build_dataset(uows, FakeClock(local(5, 20, 9)))
    out = tmp_path / "export"
    code = await asyncio.to_thread(main, ["export", "--from", FROM, "--to", TO, "--format",
                                          "csv", "--out", str(out), "--url", database_url])
    assert code == 0
    with (out / "tickets.csv").open(encoding="utf-8-sig", newline="") as handle:
        tickets = list(csv.DictReader(handle))
    with (out / "events.csv").open(encoding="utf-8-sig", newline="") as handle:
        events = list(csv.DictReader(handle))
    assert (len(tickets), len(events)) == await counts_in_database(uows) == (10, 42)
    assert [int(t["number"]) for t in tickets] == list(range(1, 11))
    first = tickets[0]
    assert first["reported_at"] == "2026-05-20T10:00:00+08:00"
    assert (first["status"], first["category_id"], first["reporter_name"]) == (
        "resolved", "road", "小李 Li")
    timeline = [e["kind"] for e in events if e["ticket_number"] == "6"]
    assert timeline == ["created", "assign", "acknowledge", "reporter_added", "resolve",
                        "close", "rated"]
    rated = next(e for e in events if e["ticket_number"] == "6" and e["kind"] == "rated")
    assert json.loads(rated["data"]) == {"rating": "satisfied"}
    assert "exported 10 tickets and 42 events" in capsys.readouterr().out


async def test_xlsx_export_has_a_sheet_of_tickets_and_one_of_events(uows, database_url,
                                                                    tmp_path):
    await build_dataset(uows, FakeClock(local(5, 20, 9)))
    out = tmp_path / "export.xlsx"
    code = await asyncio.to_thread(main, ["export", "--from", FROM, "--to", TO, "--format",
                                          "xlsx", "--out", str(out), "--url", database_url])
    assert code == 0
    book = load_workbook(out, read_only=True)
    assert book.sheetnames == ["tickets", "events"]
    tickets = list(book["tickets"].iter_rows(values_only=True))
    events = list(book["events"].iter_rows(values_only=True))
    assert (len(tickets) - 1, len(events) - 1) == await counts_in_database(uows)
    header = tickets[0]
    first = dict(zip(header, tickets[1], strict=True))
    assert first["number"] == 1 and first["reported_at"] == datetime(2026, 5, 20, 10, 0)


async def test_report_text_is_kept_as_text_in_the_workbook(uows, clock):
    tricky = "=HYPERLINK(\"http://x\")\x07 漏水"
    async with uows() as uow:
        ticket = Ticket.report(number=1, reporter=Actor("telegram:1", "小李"),
                               chat_id="telegram:-100", message_id="1",
                               location=GeoPoint(39.9, 116.4), description=tricky,
                               category_id="water", now=clock.now())
        await uow.tickets.add(ticket, ack_due_at=None, resolve_due_at=None)
        await uow.commit()
    day = clock.now().astimezone(TZ).date()
    buffer = io.BytesIO()
    async with uows(read_only=True) as uow:
        size = await write_export(uow, Period.of_days(day, day, TZ), TZ, XlsxExport(buffer))
    assert (size.tickets, size.events) == (1, 1)
    sheet = load_workbook(buffer)["tickets"]
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("description") + 1)
    assert cell.data_type == "s" and cell.value == "=HYPERLINK(\"http://x\") 漏水"


async def test_csv_export_to_a_file_name_writes_the_events_beside_it(uows, database_url,
                                                                    tmp_path, capsys):
    await build_dataset(uows, FakeClock(local(5, 20, 9)))
    out = tmp_path / "tickets.csv"
    code = await asyncio.to_thread(main, ["export", "--from", FROM, "--to", TO, "--format",
                                          "csv", "--out", str(out), "--url", database_url])
    assert code == 0
    assert out.is_file() and (tmp_path / "tickets.events.csv").is_file()
    with out.open(encoding="utf-8-sig", newline="") as handle:
        assert len(list(csv.DictReader(handle))) == 10
    with (tmp_path / "tickets.events.csv").open(encoding="utf-8-sig", newline="") as handle:
        assert len(list(csv.DictReader(handle))) == 42
    said = capsys.readouterr().out
    assert str(out) in said and "tickets.events.csv" in said


async def test_one_ticket_is_counted_in_the_singular(uows, database_url, tmp_path, capsys):
    await build_dataset(uows, FakeClock(local(5, 20, 9)))
    code = await asyncio.to_thread(main, ["export", "--from", "2026-05-20", "--to",
                                          "2026-05-20", "--out", str(tmp_path / "one.xlsx"),
                                          "--url", database_url])
    assert code == 0
    said = capsys.readouterr().out
    assert "exported 1 ticket and" in said, said
