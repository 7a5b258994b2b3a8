"""Acting on a ticket from its page: the chat's own `perform`, so the chats hear exactly what
they would have heard had the action been taken in a chat."""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta

from PIL import Image
from sqlalchemy import func, select

from domain.permissions import Operation
from handlers.staff.actions import Request, perform
from messaging.inbound import Person
from storage.models import OutboxRow
from tests.integration.web.console import ADMIN, GROUP, ROADS_STAFF, SANITATION_STAFF, Console

ROADS_CHAT = "telegram:-1002000000001"
# Donghu, a kilometre apart: twins that are not each other's duplicates.
EAST, WEST = (39.9215, 116.4712), (39.9215, 116.4600)


def jpeg(color=(90, 140, 60)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(buffer, format="JPEG")
    return buffer.getvalue()


async def outbox_mark(console: Console) -> int:
    async with console.uows(read_only=True) as uow:
        return int((await uow.session.execute(
            select(func.coalesce(func.max(OutboxRow.id), 0)))).scalar_one())


async def told_since(console: Console, mark: int, number: int) -> list[tuple[str, int, str]]:
    """What the chats were told since `mark`, with the ticket's number written as N."""
    async with console.uows(read_only=True) as uow:
        rows = (await uow.session.execute(
            select(OutboxRow).where(OutboxRow.id > mark).order_by(OutboxRow.id))).scalars()
        found = []
        for row in rows:
            payload = row.payload
            words = " | ".join(str(payload.get(k) or "") for k in ("text", "caption",
                                                                  "merge_line"))
            words = words.replace(f"#{number:04d}", "#N")
            buttons = json.dumps(payload.get("buttons") or [], ensure_ascii=False)
            buttons = re.sub(rf'"([a-z]+):{number}:', r'"\1:N:', buttons)
            buttons = buttons.replace(f"/web/tickets/{number}\"", "/web/tickets/N\"")
            # The twins lie a kilometre apart: their coordinates differ, nothing else may.
            found.append((row.kind, row.chat_id,
                          re.sub(r"\d+\.\d+", "X", words + " " + buttons)))
    return found


async def act(console: Console, csrf: str, number: int, op: str, **fields) -> str:
    """Post the page's form; returns the line the page then shows."""
    response = await console.client.post(f"/web/tickets/{number}/act",
                                         data={"csrf": csrf, "op": op, **fields},
                                         allow_redirects=False)
    assert response.status == 303, await response.text()
    page = await console.client.get(f"/web/tickets/{number}")
    found = re.search(r'<p class="flash (ok|refused)"[^>]*>([^<]*)</p>', await page.text())
    assert found is not None
    return f"{found.group(1)}: {found.group(2)}"


async def in_chat(console: Console, request: Request) -> None:
    """The same request as a chat's command makes it."""
    async with console.uows() as uow:
        await perform(console.deps.context(uow), request)
        await uow.commit()


STEPS = [
    ("acknowledge", {}, ""),
    ("take", {}, ""),
    ("progress", {"text": "正在铣刨"}, "正在铣刨"),
    ("note", {"text": "明早复查"}, "明早复查"),
    ("resolve", {"text": "已重铺"}, "已重铺"),
    ("reopen", {"text": "还是不平"}, "还是不平"),
    ("transfer", {"department": "water", "text": "地下水管"}, "地下水管"),
    ("reject", {"reason": "不属于本部门职责", "text": ""}, "不属于本部门职责"),
]


async def test_every_action_tells_the_chats_what_the_same_action_in_a_chat_tells(
        console: Console):
    web_ticket = await console.file(where=EAST)
    chat_ticket = await console.file(where=WEST)
    csrf = await console.sign_in(ADMIN)
    admin = Person(ADMIN, "值班员")
    for op, fields, text in STEPS:
        mark = await outbox_mark(console)
        line = await act(console, csrf, web_ticket, op, **fields)
        assert line.startswith("ok: "), (op, line)
        from_web = await told_since(console, mark, web_ticket)
        mark = await outbox_mark(console)
        await in_chat(console, Request(Operation(op), chat_ticket, admin, text=text,
                                       department_id=fields.get("department", "")))
        from_chat = await told_since(console, mark, chat_ticket)
        assert from_web == from_chat, op
        assert from_web or op == "note", op
    async with console.uows(read_only=True) as uow:
        done = await uow.tickets.get(web_ticket)
    assert [e.kind for e in done.events][2:] == [
        "acknowledge", "take", "progress", "note", "resolve", "reopen", "transfer", "assign",
        "reject"]
    assert console.committed, "the outbox sender is woken after each change"


async def test_resolving_with_an_uploaded_photo_sends_it_with_the_resolution(
        console: Console):
    number = await console.file()
    csrf = await console.sign_in(ROADS_STAFF)
    await act(console, csrf, number, "acknowledge")
    console.clock.advance(timedelta(hours=5))
    photo = jpeg()
    mark = await outbox_mark(console)
    response = await console.client.post(
        f"/web/tickets/{number}/act", allow_redirects=False,
        data={"csrf": csrf, "op": "resolve", "text": "已铣刨重铺，路面平整",
              "photo": io.BytesIO(photo)})
    assert response.status == 303
    async with console.uows(read_only=True) as uow:
        rows = (await uow.session.execute(
            select(OutboxRow).where(OutboxRow.id > mark, OutboxRow.chat_id == GROUP,
                                    OutboxRow.kind == "send_photo"))).scalars().all()
        photos = await uow.console.photos(number)
        ticket = await uow.tickets.get(number)
    assert ticket.status.value == "resolved"
    [resolution] = rows
    caption = resolution.payload["caption"]
    assert "已解决" in caption and "用时 5 小时 0 分" in caption, caption
    after = next(p for p in photos if p.kind == "after")
    assert resolution.payload["photo"] == f"media:{after.sha256}"
    assert console.deps.media.get(after.sha256) == photo
    page = await (await console.client.get(f"/web/tickets/{number}")).text()
    assert f"/web/tickets/{number}/photos/{after.id}" in page
    served = await console.client.get(f"/web/tickets/{number}/photos/{after.id}")
    assert served.status == 200 and await served.read() == photo
    assert served.headers["Content-Type"] == "image/jpeg"


async def test_a_file_that_is_not_a_photo_is_refused(console: Console):
    number = await console.file()
    csrf = await console.sign_in(ROADS_STAFF)
    response = await console.client.post(
        f"/web/tickets/{number}/act", allow_redirects=False,
        data={"csrf": csrf, "op": "resolve", "photo": io.BytesIO(b"%PDF-1.4 not a photo")})
    assert response.status == 303
    page = await (await console.client.get(f"/web/tickets/{number}")).text()
    assert "不是照片" in page
    async with console.uows(read_only=True) as uow:
        assert (await uow.tickets.get(number)).status.value == "assigned"


async def test_the_chats_permission_table_decides_what_the_page_offers_and_allows(
        console: Console):
    number = await console.file()
    csrf = await console.sign_in(SANITATION_STAFF)
    page = await (await console.client.get(f"/web/tickets/{number}")).text()
    assert 'name="op" value="acknowledge"' not in page
    assert 'name="op" value="resolve"' not in page
    line = await act(console, csrf, number, "acknowledge")
    assert line.startswith("refused: ") and "没有权限" in line, line
    async with console.uows(read_only=True) as uow:
        assert (await uow.tickets.get(number)).status.value == "assigned"

    roads = await console.browser()
    roads_csrf = await console.sign_in(ROADS_STAFF, roads)
    page = await (await roads.get(f"/web/tickets/{number}")).text()
    for op in ("acknowledge", "take", "progress", "resolve", "mark_duplicate", "transfer",
               "reject", "note"):
        assert f'name="op" value="{op}"' in page, op
    assert 'name="op" value="reopen"' not in page  # the status does not allow it
    assert roads_csrf in page


async def test_what_the_domain_refuses_is_said_on_the_page(console: Console):
    number = await console.file()
    other = await console.file(where=WEST)
    csrf = await console.sign_in(ROADS_STAFF)
    assert (await act(console, csrf, number, "reject", text="")).startswith("refused: ")
    assert (await act(console, csrf, number, "reopen", text="x")).startswith("refused: ")
    assert (await act(console, csrf, number, "mark_duplicate",
                      original=str(number))).startswith("refused: ")
    assert (await act(console, csrf, number, "mark_duplicate",
                      original="999")).startswith("refused: ")
    line = await act(console, csrf, number, "mark_duplicate", original=f"#{other}")
    assert line.startswith("ok: "), line
    async with console.uows(read_only=True) as uow:
        ticket = await uow.tickets.get(number)
    assert ticket.status.value == "duplicate" and ticket.duplicate_of == other
