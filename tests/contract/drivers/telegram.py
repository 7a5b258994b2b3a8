"""The contract driver for Telegram: the e2e harness (the real bot over HTTP against the local
Bot API server, on a fake business clock) seen through the neutral driver interface.

Riders report in the Donghu liaison group; the road crew works in its department chat; a
person's own chat with the bot is the private chat of the same id. Buttons are pressed by their
labels, found by the typed callback data they carry, as a person finds them by their meaning.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bot.localapi.models import StoredMessage
from domain.clock import Clock, FakeClock
from domain.identity import account
from domain.status import Action
from domain.ticket import Rating
from handlers.tickets.keyboards import (
    TicketPress,
    VerifyPress,
    parse_ticket_press,
    parse_verify_press,
)
from handlers.workflow.verification import FIXED, NOT_FIXED, RATINGS, resolution_round
from tests.e2e.harness import (
    GROUP,
    RIDER,
    RIDER_2,
    ROADS_CHAT,
    ROADS_STAFF,
    STRANGER,
    Harness,
    jpeg,
)

from .base import Answer, Capabilities, Forgery, Place, Posted, Role, Seen, Verdict
from .records import HarnessRecords

PEOPLE = {Role.RIDER: RIDER, Role.RIDER_2: RIDER_2, Role.STAFF: ROADS_STAFF,
          Role.OUTSIDER: STRANGER}
VERDICTS = {Verdict.FIXED: FIXED, Verdict.NOT_FIXED: NOT_FIXED}
RATING_CODES = {rating: code for code, rating in RATINGS.items()}
# After a crash the killed process's leases (an outbox send: twice the request time-out and a
# margin, 70 s by default; a photo download: 2 min) hold its rows until they run out. On
# PostgreSQL, where several workers may share the rows, the restarted bot waits for that; the
# driver restarts it as if that much time had passed. On SQLite the bot frees them at start.
LEASES_RUN_OUT = timedelta(minutes=3)


class TelegramDriver(HarnessRecords):
    name = "telegram"
    capabilities = Capabilities(buttons=True, edits=True, group_reports=True, locations=True,
                                reply_threads=True, photos=True)

    def __init__(self, database_url: str, tmp_path: Path, clock: FakeClock,
                 **sections: Any) -> None:
        self.harness = Harness(database_url, tmp_path, clock, **sections)
        self.clock = clock
        self._photos = 0

    @property
    def settings(self) -> Any:
        return self.harness.settings

    @property
    def server(self) -> Any:
        return self.harness.server

    async def start(self) -> None:
        await self.harness.start()

    async def stop(self) -> None:
        await self.harness.stop()

    # -- people act ----------------------------------------------------------------------

    async def open_private(self, role: Role) -> None:
        user = PEOPLE[role]
        self.server.open_private_chat(user)
        await self.server.post_command(user, user, "/start")
        await self.settle()

    async def post_photo(self, role: Role, caption: str = "", *, settle: bool = True) -> Posted:
        self._photos += 1
        shade = (self._photos * 37 % 256, self._photos * 91 % 256, 120)
        sent = await self.server.post_photo(GROUP, PEOPLE[role], jpeg(shade), caption or None)
        return await self._posted(role, Place.REPORTS, sent, settle)

    async def post_location(self, role: Role, where: tuple[float, float], *,
                            settle: bool = True) -> Posted:
        sent = await self.server.post_location(GROUP, PEOPLE[role], *where)
        return await self._posted(role, Place.REPORTS, sent, settle)

    async def post_text(self, role: Role, text: str, *, place: Place = Place.REPORTS,
                        settle: bool = True) -> Posted:
        sent = await self.server.post_text(self._chat(place, role), PEOPLE[role], text)
        return await self._posted(role, place, sent, settle)

    async def command(self, role: Role, verb: str, *args: object,
                      place: Place = Place.DEPARTMENT) -> Posted:
        text = " ".join(["/" + verb, *(str(arg) for arg in args)])
        sent = await self.server.post_text(self._chat(place, role), PEOPLE[role], text)
        return await self._posted(role, place, sent, True)

    async def press(self, role: Role, number: int, action: Action) -> Answer:
        def wanted(data: str) -> bool:
            press = parse_ticket_press(data)
            return press is not None and press.number == number and press.action == action
        chat, message, label = self._button(role, (Place.DEPARTMENT, Place.REPORTS), wanted)
        return await self._press(chat, message, role, label=label)

    async def confirm(self, role: Role, number: int, verdict: Verdict) -> Answer:
        return await self._answer(role, number, VERDICTS[verdict])

    async def rate(self, role: Role, number: int, rating: Rating) -> Answer:
        return await self._answer(role, number, RATING_CODES[rating])

    async def forge_press(self, role: Role, on: int, forgery: Forgery) -> Answer:
        verdict = isinstance(forgery.action, Verdict)

        def about_on(data: str) -> bool:
            press = parse_verify_press(data) if verdict else parse_ticket_press(data)
            return press is not None and press.number == on
        places = (Place.PRIVATE, Place.REPORTS) if verdict else (Place.DEPARTMENT, Place.REPORTS)
        chat, message, _ = self._button(role, places, about_on)
        if forgery.claims is None:
            data = "t:?:" if not verdict else "v:?"
        else:
            # Data that would be right for the claimed ticket as it is now: the only thing
            # wrong with it is the message it was sent from.
            claimed = await self.ticket(forgery.claims)
            if isinstance(forgery.action, Verdict):
                data = VerifyPress(claimed.number, VERDICTS[forgery.action],
                                   resolution_round(claimed)).encode()
            else:
                data = TicketPress(claimed.number, forgery.action.value, claimed.status).encode()
        return await self._press(chat, message, role, data=data)

    # -- what people see -----------------------------------------------------------------

    def seen(self, place: Place, role: Role | None = None) -> list[Seen]:
        return [_seen(m) for m in self.server.bot_messages(self._chat(place, role))]

    def answers(self, posted: Posted) -> list[Seen]:
        chat, message_id = posted.ref  # type: ignore[misc]
        return [_seen(m) for m in self.server.bot_messages(chat)
                if m.reply_to_message_id == message_id]

    # -- the bot and time ----------------------------------------------------------------

    def now(self) -> datetime:
        return self.clock.now()

    async def advance(self, delta: timedelta) -> None:
        await self.harness.later(delta)

    async def settle(self) -> None:
        await self.harness.settle()

    async def wait_for(self, check: Callable[[], bool], within: float = 30.0) -> None:
        await self.server.wait_until(lambda: True if check() else None, within=within)

    async def crash(self) -> None:
        await self.harness.crash_bot()

    async def restart(self) -> None:
        timer = None
        if not self.harness.database_url.startswith("sqlite"):
            timer = _Ahead(LEASES_RUN_OUT)
        await self.harness.start_bot(timer=timer)

    # -- the shared core's records -------------------------------------------------------

    def address(self, role: Role) -> str:
        return account(PEOPLE[role])

    # -- inside ----------------------------------------------------------------------------

    def _chat(self, place: Place, role: Role | None) -> int:
        if place is Place.REPORTS:
            return GROUP
        if place is Place.DEPARTMENT:
            return ROADS_CHAT
        assert role is not None, "a private chat is somebody's"
        return PEOPLE[role]  # a private chat has its person's id

    async def _posted(self, role: Role, place: Place, sent: StoredMessage,
                      settle: bool) -> Posted:
        if settle:
            await self.settle()
        return Posted(role, place, (sent.chat_id, sent.message_id))

    def _button(self, role: Role, places: tuple[Place, ...],
                wanted: Callable[[str], bool]) -> tuple[int, StoredMessage, str]:
        """The latest message the person sees, in the first of `places` that has one, with a
        button whose data is `wanted`: the chat, the message and the button's label."""
        for place in places:
            chat = self._chat(place, role)
            for message in reversed(self.server.bot_messages(chat)):
                for row in message.inline_keyboard:
                    for button in row:
                        if wanted(button.get("callback_data", "")):
                            return chat, message, button["text"]
        raise AssertionError(f"{role} sees no such button in {places}")

    async def _answer(self, role: Role, number: int, choice: str) -> Answer:
        def wanted(data: str) -> bool:
            press = parse_verify_press(data)
            return press is not None and press.number == number and press.choice == choice
        chat, message, label = self._button(role, (Place.PRIVATE, Place.REPORTS), wanted)
        return await self._press(chat, message, role, label=label)

    async def _press(self, chat: int, message: StoredMessage, role: Role, *,
                     label: str | None = None, data: str | None = None) -> Answer:
        query = await self.server.press_button(chat, message.message_id, PEOPLE[role],
                                               text=label, data=data)
        await self.settle()
        answer = self.server.callback_answer(query)
        assert answer is not None, "the bot answers every press"
        return Answer(text=answer.get("text") or "", refused=bool(answer.get("show_alert")))


def _seen(message: StoredMessage) -> Seen:
    reply: Hashable | None = None
    if message.reply_to_message_id is not None:
        reply = (message.chat_id, message.reply_to_message_id)
    return Seen(text=message.text or message.caption or "",
                photo=bool(message.photo_file_id),
                actions=tuple(b["text"] for row in message.inline_keyboard for b in row),
                ref=(message.chat_id, message.message_id), about=reply)


class _Ahead(Clock):
    """Real time, moved on by `by`: the bot's transport timer after a long outage."""

    def __init__(self, by: timedelta) -> None:
        from domain.clock import SystemClock

        self.base = SystemClock()
        self.by = by

    def now(self) -> datetime:
        return self.base.now() + self.by

    async def sleep(self, seconds: float) -> None:
        await self.base.sleep(seconds)
