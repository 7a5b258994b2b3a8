"""The admins' one message about held reports, and its release / reject buttons.

The list is one message per batch of holds: sent when the first report is held, edited as
more are held or dealt with, and closed with a summary when none is left; the next hold
starts a new one. Buttons act on all of one reporter's held reports:
`h:release:<pending id>` and `h:reject:<pending id>` (any held report of theirs).

A released report is filed as if it had just arrived — routed, checked for duplicates,
announced now — but keeps the time it was held at as its report time.
"""

from __future__ import annotations

import logging
from itertools import groupby

from domain.identity import short as native_id
from handlers import registry
from handlers.context import Context
from handlers.intake.filing import Draft, file_report
from handlers.intake.pending_report import PendingReport, shorten
from handlers.intake.replies import chat_of
from messaging.inbound import ButtonPress
from messaging.outbound import AnswerButton, Button, EditText, SendText, Target
from storage.models import PendingReportRow

log = logging.getLogger(__name__)

PREFIX = "h"
RELEASE, REJECT = "release", "reject"
SHOWN_REPORTERS = 15
SHOWN_ITEMS = 5


def list_ref(hold_list: int) -> str:
    return f"holds:{hold_list}"


async def show_held(ctx: Context, hold_list: int, *, fresh: bool) -> None:
    """Send (fresh) or edit the admins' list of the reports held in this batch."""
    admin_chat = ctx.directory.admin_chat_id
    if admin_chat is None:
        return
    held = [r for r in await ctx.uow.pending.held() if r.hold_list == hold_list]
    counts = await ctx.uow.pending.hold_list_counts(hold_list)
    text, buttons = _render(ctx, held, counts)
    if fresh:
        ctx.send(SendText(chat_id=admin_chat, text=text, buttons=buttons,
                          ref=list_ref(hold_list)))
    else:
        await ctx.uow.outbox.supersede_edits(admin_chat, list_ref(hold_list), ctx.now)
        ctx.send(EditText(target=Target(admin_chat, ref=list_ref(hold_list)), text=text,
                          buttons=buttons))


def _render(ctx: Context, held: list[PendingReportRow],
            counts: dict[str, int]) -> tuple[str, tuple[tuple[Button, ...], ...]]:
    texts = ctx.texts
    released, rejected = counts.get("filed", 0), counts.get("dismissed", 0)
    if not held:
        return texts("holds.all_done", released=released, rejected=rejected), ()
    intake = ctx.services.rules.intake
    lines = [texts("holds.title", count=len(held), per_hour=f"{intake.reporter_limit_per_hour:g}",
                   burst=intake.reporter_burst)]
    buttons: list[tuple[Button, ...]] = []
    by_reporter = [list(rows) for _, rows in
                   groupby(sorted(held, key=lambda r: (r.user_id, r.id)), key=lambda r: r.user_id)]
    by_reporter.sort(key=lambda rows: min(_held_at(r) for r in rows))
    for rows in by_reporter[:SHOWN_REPORTERS]:
        first = rows[0]
        name = first.user_name or native_id(first.user_id)
        lines.append(texts("holds.reporter", name=name, user_id=first.user_id, count=len(rows),
                           first=_clock(ctx, rows[0]), last=_clock(ctx, rows[-1])))
        for row in rows[:SHOWN_ITEMS]:
            described = PendingReport.from_json(row.data).description(60)
            lines.append(texts("holds.item", time=_clock(ctx, row),
                               description=described or texts("holds.no_description")))
        if len(rows) > SHOWN_ITEMS:
            lines.append(texts("holds.more_items", count=len(rows) - SHOWN_ITEMS))
        short = shorten(name, 12)
        buttons.append((
            Button(texts("holds.release_button", name=short, count=len(rows)),
                   data=f"{PREFIX}:{RELEASE}:{first.id}"),
            Button(texts("holds.reject_button", name=short), data=f"{PREFIX}:{REJECT}:{first.id}"),
        ))
    if len(by_reporter) > SHOWN_REPORTERS:
        lines.append(texts("holds.more_reporters", count=len(by_reporter) - SHOWN_REPORTERS))
    if released or rejected:
        lines.append(texts("holds.decided", released=released, rejected=rejected))
    return shorten("\n".join(lines), 4000), tuple(buttons)


@registry.button(PREFIX)
async def on_held_button(press: ButtonPress, ctx: Context) -> None:
    texts = ctx.texts_for(press.sender)
    parts = press.data.split(":")
    if len(parts) != 3 or parts[1] not in (RELEASE, REJECT) or not parts[2].isdigit():
        _answer(ctx, press, texts("error.stale_button"), alert=True)
        return
    if not ctx.directory.is_admin(press.sender.id):
        _answer(ctx, press, texts("holds.not_permitted"), alert=True)
        return
    anchor = await ctx.uow.pending.get(int(parts[2]))
    rows = await ctx.uow.pending.held(user_id=anchor.user_id) if anchor else []
    if anchor is None or not rows:
        _answer(ctx, press, texts("holds.nothing_left"))
        return
    lists = {r.hold_list for r in rows if r.hold_list is not None}
    if parts[1] == RELEASE:
        for row in rows:
            await release(ctx, row)
        _answer(ctx, press, texts("holds.released", count=len(rows)))
    else:
        for row in rows:
            row.status = "dismissed"
        _answer(ctx, press, texts("holds.rejected", count=len(rows)))
    log.info("held reports decided", extra={"decision": parts[1], "count": len(rows),
                                            "user_id": anchor.user_id, "by": press.sender.id})
    for hold_list in sorted(lists):
        await show_held(ctx, hold_list, fresh=False)


async def release(ctx: Context, row: PendingReportRow) -> None:
    """File a held report now, with the time it was held at as its report time."""
    report = PendingReport.from_json(row.data)
    draft = Draft.from_report(report, chat_of(row))
    draft.reported_at = row.held_at
    filed = await file_report(ctx, draft)
    row.status = "filed"
    row.ticket_number = filed.ticket.number


def _held_at(row: PendingReportRow) -> float:
    return row.held_at.timestamp() if row.held_at else 0.0


def _clock(ctx: Context, row: PendingReportRow) -> str:
    when = row.held_at or row.started_at
    return when.astimezone(ctx.directory.tz).strftime("%H:%M:%S")


def _answer(ctx: Context, press: ButtonPress, text: str, *, alert: bool = False) -> None:
    ctx.send(AnswerButton(chat_id=press.chat.id, callback_id=press.callback_id, text=text[:200],
                          alert=alert))
