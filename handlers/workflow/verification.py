"""After a resolution: "has this been fixed?" and a rating, asked of the people who reported it.

The resolution line (with the after photo) goes to the report's thread and privately to the
reporters who started the bot, carrying the buttons. "Fixed" closes the ticket as verified,
"not fixed" reopens it, and a rating is stored; nobody answering within `workflow.verify_hours`
closes it as fixed but unverified (the scheduled job). Each answer edits every copy.
"""

from __future__ import annotations

from domain.permissions import Operation
from domain.status import Status
from domain.ticket import CloseReason, Rating, Ticket
from handlers import registry
from handlers.context import Context
from handlers.texts import Texts
from handlers.tickets import access
from handlers.tickets.card import public_first_name
from handlers.tickets.keyboards import VerifyPress, button, parse_verify_press
from handlers.tickets.notices import event_line, private_readers, report_thread
from handlers.tickets.publish import CAPTION_LIMIT
from messaging.inbound import ButtonPress, Person
from messaging.outbound import (
    AnswerButton,
    Button,
    EditCaption,
    EditText,
    Keyboard,
    SendPhoto,
    SendText,
    Target,
)

FIXED = "fixed"
NOT_FIXED = "open"
RATINGS = {"s": Rating.SATISFIED, "b": Rating.BASICALLY_SATISFIED, "d": Rating.DISSATISFIED}
ANSWERABLE = frozenset({Status.RESOLVED, Status.CLOSED})


def resolution_round(ticket: Ticket) -> int:
    return sum(1 for event in ticket.events if event.kind == "resolve")


def _resolution_index(ticket: Ticket, round_: int) -> int:
    seen = 0
    for index, event in enumerate(ticket.events):
        if event.kind == "resolve":
            seen += 1
            if seen == round_:
                return index
    raise ValueError(f"ticket {ticket.number} has no resolution {round_}")


def question_ref(number: int, round_: int, photo: bool, user_id: str | None = None) -> str:
    name = f"{'verify-photo' if photo else 'verify'}:{number}:{round_}"
    return name if user_id is None else f"{name}:{user_id}"


def question_text(ctx: Context, ticket: Ticket, round_: int, texts: Texts, *,
                  names: str = "") -> str:
    lines = [event_line(ctx, ticket, _resolution_index(ticket, round_), texts)]
    current = round_ == resolution_round(ticket)
    if not current or ticket.status not in ANSWERABLE:
        lines.append(texts("verify.reopened"))
    elif ticket.status is Status.RESOLVED:
        lines.append(texts("verify.ask_named", names=names) if names else texts("verify.ask"))
    else:
        close = next(i for i in range(len(ticket.events) - 1, -1, -1)
                     if ticket.events[i].kind == "close")
        lines.append(event_line(ctx, ticket, close, texts))
    if current and ticket.status in ANSWERABLE:
        if ticket.rating is not None:
            lines.append(texts("card.rating", rating=texts(f"rating.{ticket.rating.value}")))
        elif ticket.status is Status.CLOSED:
            lines.append(texts("verify.ask_rating"))
    return "\n".join(lines)


def question_buttons(ticket: Ticket, round_: int, texts: Texts) -> Keyboard:
    if round_ != resolution_round(ticket):
        return ()
    rows: list[tuple[Button, ...]] = []
    if ticket.status is Status.RESOLVED:
        rows.append((button(texts("verify.fixed"), VerifyPress(ticket.number, FIXED, round_)),
                     button(texts("verify.not_fixed"),
                            VerifyPress(ticket.number, NOT_FIXED, round_))))
    if ticket.status in ANSWERABLE and ticket.rating is None:
        rows.append(tuple(button(texts(f"rating.{rating.value}"),
                                 VerifyPress(ticket.number, code, round_))
                          for code, rating in RATINGS.items()))
    return tuple(rows)


async def _reporter_names(ctx: Context, ticket: Ticket) -> str:
    followers = await ctx.uow.tickets.followers(ticket)
    names = [public_first_name(f.name) for f in followers] or [
        public_first_name(ticket.reporter.name)]
    return "、".join(dict.fromkeys(names))


async def ask_reporters(ctx: Context, ticket: Ticket, *, after_photo: str | None) -> None:
    """Announce a resolution, with the question, in the thread and privately."""
    round_ = resolution_round(ticket)
    names = await _reporter_names(ctx, ticket)
    copies: list[tuple[str, Texts, Target | None, str | None]] = [
        (ticket.chat_id, ctx.texts, report_thread(ticket), None)]
    copies.extend((uid, texts, None, uid) for uid, texts in await private_readers(ctx, ticket))
    for chat_id, texts, reply_to, user_id in copies:
        text = question_text(ctx, ticket, round_, texts,
                             names=names if user_id is None else "")
        buttons = question_buttons(ticket, round_, texts)
        if after_photo:
            ctx.send(SendPhoto(chat_id=chat_id, photo=after_photo, caption=text[:CAPTION_LIMIT],
                               buttons=buttons, reply_to=reply_to, fallback_text=text,
                               ref=question_ref(ticket.number, round_, True, user_id),
                               ticket=ticket.number))
        else:
            ctx.send(SendText(chat_id=chat_id, text=text, buttons=buttons, reply_to=reply_to,
                              ref=question_ref(ticket.number, round_, False, user_id),
                              ticket=ticket.number))


async def refresh_questions(ctx: Context, ticket: Ticket, round_: int | None = None) -> None:
    """Edit every copy of a resolution's question to show the answers so far."""
    round_ = round_ or resolution_round(ticket)
    if round_ == 0:
        return
    names = await _reporter_names(ctx, ticket)
    copies: list[tuple[str, Texts, str | None]] = [(ticket.chat_id, ctx.texts, None)]
    copies.extend((uid, texts, uid) for uid, texts in await private_readers(ctx, ticket))
    for chat_id, texts, user_id in copies:
        text = question_text(ctx, ticket, round_, texts, names=names if user_id is None else "")
        buttons = question_buttons(ticket, round_, texts)
        ref = question_ref(ticket.number, round_, True, user_id)
        ctx.send(EditCaption(target=Target(chat_id, ref=ref), caption=text[:CAPTION_LIMIT],
                             buttons=buttons))
        ref = question_ref(ticket.number, round_, False, user_id)
        ctx.send(EditText(target=Target(chat_id, ref=ref), text=text, buttons=buttons))


def _still_open(ticket: Ticket, press: VerifyPress) -> bool:
    """The question pressed is the latest resolution's, and this answer is still wanted:
    fixed or not while the ticket waits for it, a rating until there is one."""
    if press.round != resolution_round(ticket):
        return False
    if press.choice in (FIXED, NOT_FIXED):
        return ticket.status is Status.RESOLVED
    return press.choice in RATINGS and ticket.status in ANSWERABLE and ticket.rating is None


@registry.button("v")
async def on_answer(press: ButtonPress, ctx: Context) -> None:
    parsed = parse_verify_press(press.data)
    if parsed is None or not await access.press_is_about(ctx, press, parsed.number):
        access.refuse_press(ctx, press, "forged")
        return
    ticket = await access.load(ctx, parsed.number)
    if not _still_open(ticket, parsed):
        access.refuse_press(ctx, press, "stale")
        return
    answer = await apply_answer(ctx, press.sender, ticket, parsed)
    ctx.send(AnswerButton(chat_id=press.chat.id, callback_id=press.callback_id, text=answer))


def waits_for(ticket: Ticket, choice: str) -> bool:
    """The ticket's latest resolution still wants this answer."""
    return _still_open(ticket, VerifyPress(ticket.number, choice, resolution_round(ticket)))


async def apply_answer(ctx: Context, person: Person, ticket: Ticket,
                       answer: VerifyPress) -> str:
    """A reporter's answer, pressed or typed: checked, applied, shown everywhere; returns
    what the person is told."""
    texts = ctx.texts_for(person)
    rating = RATINGS.get(answer.choice)
    await access.require(ctx, Operation.RATE if rating else Operation.VERIFY, person, ticket)
    actor = access.actor_of(ctx, person)
    if rating is not None:
        ticket.rate(actor, ctx.now, rating)
    elif answer.choice == FIXED:
        ticket.close(actor, ctx.now, CloseReason.VERIFIED)
    else:
        ticket.reopen(actor, ctx.now, ctx.texts("verify.not_fixed_reason"))
    # The question's copies show the answer; they are what tells the reporters.
    ctx.consequences.hint(ticket, answered=True)
    await ctx.consequences.settle()
    return texts(f"rating.{rating.value}") if rating else texts(f"verify.thanks_{answer.choice}")
