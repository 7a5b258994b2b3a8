"""What each effect does, for one ticket's batch of new events, and in which order."""

from __future__ import annotations

from domain.ticket import Actor, label
from handlers.consequences.batch import Batch
from handlers.consequences.table import Effect
from handlers.context import Context
from handlers.media import media_ref
from handlers.tickets.notices import tell_about_change, tell_department
from handlers.tickets.publish import chat_of_department, hand_over, publish_new, refresh
from handlers.workflow.escalation import send_notice
from handlers.workflow.schedule import plan
from handlers.workflow.verification import ask_reporters, refresh_questions

NOTICE_KINDS = frozenset({"escalated", "reminded"})


async def apply(ctx: Context, batch: Batch) -> None:
    effects = batch.effects
    ticket = batch.ticket
    if Effect.SAVE in effects:
        await ctx.uow.tickets.save(ticket)
    if Effect.PLAN in effects:
        await plan(ctx, ticket)
    if Effect.CARDS in effects:
        await _cards(ctx, batch)
    if Effect.NOTICE in effects:
        for index in batch.indexed(NOTICE_KINDS):
            await send_notice(ctx, ticket, index)
    if Effect.QUESTION in effects:
        await ask_reporters(ctx, ticket, after_photo=await _after_photo(ctx, batch))
    await _lines(ctx, batch, effects)
    if Effect.DEPARTMENT_NOTE in effects:
        _note_to_department(ctx, batch)
    if Effect.JOIN_ORIGINAL in effects:
        await _join_original(ctx, batch)


async def _cards(ctx: Context, batch: Batch) -> None:
    ticket = batch.ticket
    if "created" in batch.kinds:
        photo, photos = batch.hints.photo, batch.hints.photos
        if photos is None:
            photo, photos = await _shown_photo(ctx, batch)
        await publish_new(ctx, ticket, photo_file_id=photo, photos=photos)
    elif "assign" in batch.kinds:
        await hand_over(ctx, ticket, chat_of_department(ctx, batch.department_before))
    else:
        await refresh(ctx, ticket)


async def _lines(ctx: Context, batch: Batch, effects: frozenset[Effect]) -> None:
    """The status line and the resolution's question. When the question is edited, it is what
    tells the reporters; the thread gets no line of its own then (only the department hears
    of a reopening or a close)."""
    ticket = batch.ticket
    questions = Effect.QUESTIONS_EDITED in effects
    # A re-routing that follows a new category is shown on the cards only.
    told = Effect.STATUS_LINE in effects and "category_changed" not in batch.kinds
    if questions and batch.hints.answered:
        await refresh_questions(ctx, ticket)
        questions = False
    if told:
        # Where the report's chat cannot edit (a WeChat follower's), no edited question
        # tells the reporters: the line does.
        edited = (Effect.QUESTIONS_EDITED in effects
                  and ctx.capabilities_of(ticket.chat_id).edit_messages)
        await tell_about_change(ctx, ticket, reporters=not edited)
    if questions:
        await refresh_questions(ctx, ticket)


def _note_to_department(ctx: Context, batch: Batch) -> None:
    """A note from someone outside the department is news for its staff; staff notes stay in
    the ticket's log."""
    ticket = batch.ticket
    for index in batch.indexed(frozenset({"note"})):
        event = ticket.events[index]
        if event.actor.user_id is None:
            continue
        if ctx.directory.roles(event.actor.user_id, ticket.department_id).works_here:
            continue
        tell_department(ctx, ticket, ctx.texts("staff.reporter_note", ticket=label(ticket.number),
                                               name=event.actor.name, text=event.note))


async def _join_original(ctx: Context, batch: Batch) -> None:
    """The duplicate's reporters follow the original from now on (the original's own
    consequences follow from the events this records on it)."""
    duplicate = batch.ticket
    for index in batch.indexed(frozenset({"mark_duplicate"})):
        number = int(duplicate.events[index].data["duplicate_of"])
        original = await ctx.uow.tickets.get(number, for_update=True)
        if original is None:
            continue
        known = {f.user_id for f in await ctx.uow.tickets.followers(original)}
        joined = 0
        for follower in await ctx.uow.tickets.followers(duplicate):
            if follower.user_id in known:
                continue
            original.add_reporter(Actor(follower.user_id, follower.name), ctx.now,
                                  follower.chat_id, follower.message_id)
            await ctx.uow.tickets.add_follower(original, follower.user_id, follower.name,
                                               follower.chat_id, follower.message_id, ctx.now)
            joined += 1
        if not joined:
            # Nobody new follows it, so it records nothing; its cards are shown afresh all
            # the same, as the ticket the duplicate now points to.
            await refresh(ctx, original)


async def _shown_photo(ctx: Context, batch: Batch) -> tuple[str | None, int]:
    """The first photo of the problem (our stored copy when we have it) and how many."""
    before = [p for p in await ctx.uow.tickets.photos(batch.ticket) if p.kind == "before"]
    first = next((media_ref(p.sha256) if p.sha256 else p.file_id for p in before), None)
    return first, len(before)


async def _after_photo(ctx: Context, batch: Batch) -> str | None:
    """The after photo added with the resolution, if any."""
    added = [e for e in batch.events if e.kind == "photo_added" and e.data.get("kind") == "after"]
    if not added:
        return None
    after = [p for p in await ctx.uow.tickets.photos(batch.ticket) if p.kind == "after"]
    return after[-1].file_id if after else None
