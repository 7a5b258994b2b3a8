"""The demo: the rider who saw a road bulge at 12:00, replayed on a fake clock.

Everything is done as the people would do it: posting in the chats and pressing buttons found
by their visible text on the bot's messages, so the story follows the bot as it grows. When a
step does not happen, the demo stops there and says which step and what the bot did instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.localapi.models import StoredMessage
from bot.sandbox.cast import telegram_id, telegram_ids
from bot.sandbox.pictures import road_bulge, road_level
from bot.sandbox.session import Sandbox
from bot.sandbox.transcript import Transcript
from bot.settings import SAMPLE_CONFIG, Settings, load_settings
from domain.clock import FakeClock
from handlers.texts import Texts

STORY_START = datetime(2026, 6, 1, 4, 0, tzinfo=UTC)  # 12:00 in Beijing, a Monday
BULGE_AT = (39.9207, 116.4731)  # a street in Donghu
RIDER_ON_THE_WAY = (39.9228, 116.4722)  # a few streets on, after the digest
REPORT_CAPTION = "东湖路这里路面鼓起一个大包，像是货车压出来的，电动车骑过去很危险"
RESOLVE_NOTE = "已铣刨重铺，路面恢复平整"

# The reporter's follow-up buttons, recognised by their words in either language when the
# catalog does not name them.
CONFIRM_WORDS = re.compile(r"修好|已修复|解决了|已解决|确认|fixed|yes", re.IGNORECASE)
NEGATIVE_WORDS = re.compile(r"没|未|不|not|no\b|n't", re.IGNORECASE)
RATING_WORDS = re.compile(r"满意|satisf", re.IGNORECASE)
PARTIAL_WORDS = re.compile(r"基本|mostly|partly|somewhat", re.IGNORECASE)


class StepFailed(Exception):
    pass


@dataclass
class DemoResult:
    lines: list[str] = field(default_factory=list)
    failed_step: str | None = None
    reason: str | None = None
    # Steps that only went on another way than the story tells (named, with the reason).
    detours: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.failed_step is None and not self.detours


async def play_demo(out: Callable[[str], None] = print,
                    settings: Settings | None = None) -> DemoResult:
    """Plays the story in the built-in sample district and returns what was printed."""
    settings = settings or load_settings(SAMPLE_CONFIG)
    clock = FakeClock(STORY_START)
    async with Sandbox(settings, clock=clock, fast=True, page=False) as sandbox:
        story = Story(sandbox, clock, out)
        return await story.play()


class Story:
    def __init__(self, sandbox: Sandbox, clock: FakeClock, out: Callable[[str], None]) -> None:
        assert sandbox.server is not None
        self.sandbox = sandbox
        self.server = sandbox.server
        self.clock = clock
        settings = sandbox.settings
        self.tz = settings.bot.tz
        # The bot's own catalog: the demo's words and the labels of the bot's buttons.
        self.texts = Texts(settings.bot.language)
        self.transcript = Transcript(self.server, sandbox.cast, self.texts, self.tz, out)
        cast = sandbox.cast
        self.rider = cast.riders[0]
        self.group = next(c.id for c in cast.chats if c.kind == "liaison")
        roads = next(d for d in settings.departments if "road" in d.categories)
        self.roads_chat = telegram_id(roads.chat_id)
        staff = cast.first_with(roads.id, "staff")
        assert staff is not None and self.roads_chat is not None
        self.staff = staff
        admins = telegram_ids(settings.admins.user_ids)
        self.overseer = admins[0] if admins else staff.id
        self.card_label = "#0001"

    async def play(self) -> DemoResult:
        say = self.transcript.say
        say(self.texts("sandbox.demo.title"))
        say(self.texts("sandbox.demo.clock_note"))
        steps = (("report", self.report), ("route", self.route),
                 ("acknowledge", self.acknowledge), ("resolve", self.resolve),
                 ("confirm", self.confirm), ("rate", self.rate), ("digest", self.digest),
                 ("stations", self.stations))
        result = self.result = DemoResult(self.transcript.lines)
        for name, step in steps:
            try:
                await step()
            except (StepFailed, TimeoutError, ValueError) as error:
                self.transcript.catch_up()
                result.failed_step, result.reason = name, str(error)
                say("")
                say(self.texts("sandbox.demo.step_failed",
                               step=self.texts(f"sandbox.demo.step_{name}"), reason=error))
                return result
            self.transcript.catch_up()
        say("")
        say(self.texts("sandbox.demo.done", span=self.hours_minutes(timedelta(hours=5))))
        for detour in result.detours:
            say(self.texts("sandbox.demo.detoured", detour=detour))
        return result

    # -- the steps -------------------------------------------------------------------------

    async def report(self) -> None:
        await self.server.post_photo(self.group, self.rider.id, road_bulge(), REPORT_CAPTION)
        await self.server.post_location(self.group, self.rider.id, *BULGE_AT)
        await self.sandbox.settle()
        card = self.card()
        if card is None:
            raise StepFailed(f"no card {self.card_label} in the group; the bot said: "
                             f"{self.bot_said(self.group)}")

    async def route(self) -> None:
        announced = [m for m in self.server.bot_messages(self.roads_chat)
                     if self.card_label in (m.text or m.caption or "")]
        if not announced:
            raise StepFailed(f"nothing about {self.card_label} in the department chat")

    async def acknowledge(self) -> None:
        await self.pass_time(timedelta(minutes=7))
        label = self.texts("button.acknowledge")
        found = self.button_on_ticket(self.roads_chat, label)
        if found is None:
            raise StepFailed(f"no {label!r} button on the department's card")
        await self.press(self.roads_chat, found, self.staff.id, label)
        self.require_card_status("acknowledged")

    async def resolve(self) -> None:
        await self.pass_time(STORY_START + timedelta(hours=5) - self.clock.now())
        command = f"/resolve {int(self.card_label.lstrip('#'))} {RESOLVE_NOTE}"
        mark = self.server.mark()
        # On site: the photo first, then the command as a reply to it, in the team's chat.
        after = await self.server.post_photo(self.roads_chat, self.staff.id, road_level())
        await self.server.post_text(self.roads_chat, self.staff.id, command,
                                    reply_to=after.message_id)
        await self.sandbox.settle()
        try:
            self.require_card_status("resolved", after=mark)
        except StepFailed as error:
            # Go on with the words alone, so the rest of the story is still told and checked.
            self.detour("resolve", f"the after photo did not resolve the ticket: {error}")
            await self.server.post_text(self.roads_chat, self.staff.id, command)
            await self.sandbox.settle()
            self.require_card_status("resolved", after=mark)
        if not self.after_photo_shown(mark):
            self.detour("resolve", "the group was not shown the after photo")

    async def confirm(self) -> None:
        await self.pass_time(timedelta(minutes=3))
        found = self.reporter_button(self.label("verify.fixed", lambda text: bool(
            CONFIRM_WORDS.search(text)) and not NEGATIVE_WORDS.search(text)
            and not RATING_WORDS.search(text)))
        if found is None:
            raise StepFailed("the reporter was offered no 'fixed' button; buttons seen: "
                             f"{self.reporter_buttons() or 'none'}")
        await self.press(*found)

    async def rate(self) -> None:
        found = self.reporter_button(self.label("rating.satisfied", lambda text: bool(
            RATING_WORDS.search(text)) and not PARTIAL_WORDS.search(text)
            and not NEGATIVE_WORDS.search(text.replace("满意", ""))))
        if found is None:
            raise StepFailed("the reporter was offered no rating buttons; buttons seen: "
                             f"{self.reporter_buttons() or 'none'}")
        await self.press(*found)

    async def digest(self) -> None:
        await self.pass_time(timedelta(minutes=5))
        mark = self.server.mark()
        # The day is not over: today's figures, not the default (yesterday's).
        await self.server.post_text(self.group, self.overseer, "/digest today")
        await self.sandbox.settle()
        replies = [m for chat in (self.group, self.overseer)
                   for m in self.server.bot_messages(chat) if m.changed_seq > mark]
        if not replies:
            raise StepFailed("the bot did not answer /digest")
        span = self.hours_minutes(timedelta(hours=5))
        if not any(span in (m.text or m.caption or "") for m in replies):
            raise StepFailed(f"the digest does not show {span!r}: "
                             f"{self.bot_said(self.group, after=mark)}")

    async def stations(self) -> None:
        """On the way on, the rider asks the bot privately for the nearest warm station."""
        if not self.sandbox.settings.stations:
            return
        await self.pass_time(timedelta(minutes=2))
        mark = self.server.mark()
        self.server.open_private_chat(self.rider.id)
        await self.server.post_location(self.rider.id, self.rider.id, *RIDER_ON_THE_WAY)
        await self.server.post_text(self.rider.id, self.rider.id, self.texts("stations.words")
                                    .split("|")[0])
        await self.sandbox.settle()
        title = self.texts("stations.title")
        if not any(title in (m.text or "") for m in self.server.bot_messages(self.rider.id)
                   if m.changed_seq > mark):
            raise StepFailed(f"no warm stations were offered: "
                             f"{self.bot_said(self.rider.id, after=mark)}")

    # -- helpers ---------------------------------------------------------------------------

    def detour(self, step: str, reason: str) -> None:
        self.result.detours.append(f"{step}: {reason}")
        self.transcript.note(self.texts("sandbox.demo.detour",
                                        step=self.texts(f"sandbox.demo.step_{step}"),
                                        reason=reason))

    def label(self, key: str, otherwise: Callable[[str], bool]) -> Callable[[str], bool]:
        """The button's exact catalog label when the bot has one, else recognise its words."""
        if self.texts.has(key):
            exact = self.texts(key)
            return lambda text: text == exact
        return otherwise

    def hours_minutes(self, span: timedelta) -> str:
        minutes = int(span.total_seconds() // 60)
        return self.texts("time.hours_minutes", hours=minutes // 60, minutes=minutes % 60)

    async def pass_time(self, delta: timedelta) -> None:
        await self.sandbox.later(delta)
        at = self.clock.now().astimezone(self.tz).strftime("%H:%M")
        self.transcript.note(self.texts("sandbox.demo.time_passes", time=at))

    async def press(self, chat_id: int, message: StoredMessage, user_id: int,
                    label: str) -> None:
        spec = self.sandbox.cast.chat(chat_id)
        where = spec.title if spec else self.texts("sandbox.demo.private",
                                                   name=self.sandbox.cast.persona(chat_id).name)
        self.transcript.note(self.texts("sandbox.demo.pressed", chat=where, button=label,
                                        name=self.sandbox.cast.persona(user_id).name))
        await self.server.press_button(chat_id, message.message_id, user_id, text=label)
        await self.sandbox.settle()

    def card(self) -> StoredMessage | None:
        for message in self.server.bot_messages(self.group):
            first = (message.text or message.caption or "").split("\n")[0]
            if self.card_label in first and message.inline_keyboard:
                return message
        return None

    def require_card_status(self, status: str, after: int = 0) -> None:
        wanted = self.texts(f"status.{status}")
        card = self.card()
        first = (card.text or card.caption or "").split("\n")[0] if card else ""
        if wanted not in first:
            raise StepFailed(f"the card shows {first!r}, not {wanted!r}; the bot said: "
                             f"{self.bot_said(self.group, after=after)}")

    def after_photo_shown(self, mark: int) -> bool:
        resolved = self.texts("status.resolved")
        return any(m.photo_file_id and resolved in (m.caption or "")
                   for m in self.server.bot_messages(self.group) if m.changed_seq > mark)

    def button_on_ticket(self, chat_id: int, label: str) -> StoredMessage | None:
        for message in reversed(self.server.bot_messages(chat_id)):
            if self.card_label in (message.text or message.caption or "") and any(
                    button.get("text") == label
                    for row in message.inline_keyboard for button in row):
                return message
        return None

    def reporter_chats(self) -> tuple[int, ...]:
        return (self.rider.id, self.group)

    def reporter_buttons(self) -> list[str]:
        return [button.get("text", "") for chat in self.reporter_chats()
                for message in self.server.bot_messages(chat)
                for row in message.inline_keyboard for button in row
                if "callback_data" in button and self.card_label not in
                (message.text or message.caption or "").split("\n")[0]]

    def reporter_button(self, wanted: Callable[[str], bool]
                        ) -> tuple[int, StoredMessage, int, str] | None:
        """The newest button for the reporter (privately or in the group) that fits."""
        for chat in self.reporter_chats():
            for message in reversed(self.server.bot_messages(chat)):
                for row in message.inline_keyboard:
                    for button in row:
                        text = button.get("text", "")
                        if "callback_data" in button and wanted(text):
                            return chat, message, self.rider.id, text
        return None

    def bot_said(self, chat_id: int, after: int = 0) -> str:
        """The bot's newest words in a chat (sent or edited after `after`), for failures."""
        messages = [m for m in self.server.bot_messages(chat_id) if m.changed_seq > after]
        if not messages:
            return "nothing"
        last = messages[-1]
        return repr((last.text or last.caption or last.kind)[:160])
