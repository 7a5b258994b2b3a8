"""What a contract scenario may do on a platform, and what it may look at, in neutral terms.

A scenario speaks of people by their part in the story (a rider, the road crew) and of places
by their purpose (where riders report, the department's work chat, a person's own chat with the
bot). The driver of each platform turns that into its fake server's people, chats, messages and
presses. Platform ids never leave the driver: a scenario that must compare who someone is uses
`address()` (the core's "platform:native" form, `domain.identity.account`).

Platforms differ in what a person can do: Telegram has buttons and edits its cards, a WeChat
service account has neither and speaks one to one, WeCom staff press buttons on template cards
and write "@bot" commands. A scenario asks `capabilities`, never the platform's name, when the
way to do something depends on it (press an action or type its verb).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from bot.settings import Settings
from domain.clock import FakeClock
from domain.status import Action
from domain.ticket import Rating, Ticket


class Role(StrEnum):
    """The people of the story."""

    RIDER = "rider"  # a delivery rider who reports what they see on their round
    RIDER_2 = "rider_2"  # another rider, who may see the same thing
    STAFF = "staff"  # the road crew's member on duty (responsible for road reports in Donghu)
    OUTSIDER = "outsider"  # someone with no part in a ticket: not staff, not its reporter


class Place(StrEnum):
    """Where things are said, by purpose."""

    # Where riders report: a liaison group on platforms with group reports, otherwise the
    # rider's own one-to-one chat (then `seen`/`post_*` need the person).
    REPORTS = "reports"
    DEPARTMENT = "department"  # the road crew's work chat, where tickets are announced
    PRIVATE = "private"  # a person's own chat with the bot (needs the person)


class Verdict(StrEnum):
    """A reporter's answer to "has it been fixed?"."""

    FIXED = "fixed"
    NOT_FIXED = "not_fixed"


@dataclass(frozen=True)
class Capabilities:
    """What people can do and see on a platform, as far as the scenarios care."""

    buttons: bool  # people press choices on the bot's messages (else they type verbs)
    edits: bool  # the bot edits what it sent (else it posts a new line)
    group_reports: bool  # riders report in a group others read (else one to one)
    locations: bool  # a person can send a location message (else names the place)
    reply_threads: bool  # the bot's answer points at the message it answers
    photos: bool  # the bot can send photos (the announcement shows the report's photo)
    # After a crash the bot can learn whether a send in flight landed (Telegram: by probing
    # the chat's message ids), so nobody is told twice. Where it cannot (a WeChat follower),
    # the outbox sends again rather than lose the message: once or twice, never never.
    checked_resends: bool = True


@dataclass(frozen=True)
class Posted:
    """Something a person posted; `ref` is the driver's own handle for it."""

    role: Role
    place: Place
    ref: Hashable


@dataclass(frozen=True)
class Seen:
    """A message of the bot as a person sees it now (after any edits)."""

    text: str  # text or caption
    photo: bool
    actions: tuple[str, ...]  # the choices it offers to press, by label ("" none)
    ref: Hashable
    about: Hashable | None = None  # the message it answers, where the platform threads


@dataclass(frozen=True)
class Answer:
    """The bot's immediate answer to a press: a notice, or a refusal."""

    text: str
    refused: bool


@dataclass(frozen=True)
class Forgery:
    """A press made up by hand: on a real message about one ticket, data that claims
    `claims` (another ticket; None for data that reads as nothing at all)."""

    claims: int | None
    action: Action | Verdict = Action.ACKNOWLEDGE


class PlatformDriver(Protocol):
    """One platform's fake server, the bot running against it, and a fake business clock."""

    name: str
    capabilities: Capabilities
    settings: Settings

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    # -- people act ----------------------------------------------------------------------

    async def open_private(self, role: Role) -> None:
        """The person opens a one-to-one chat with the bot, so it may write to them."""

    async def post_photo(self, role: Role, caption: str = "", *,
                         settle: bool = True) -> Posted:
        """A photo (each one different) where the person reports; a platform without
        captions posts the caption as the next text."""

    async def post_location(self, role: Role, where: tuple[float, float], *,
                            settle: bool = True) -> Posted: ...

    async def post_text(self, role: Role, text: str, *, place: Place = Place.REPORTS,
                        settle: bool = True) -> Posted: ...

    async def command(self, role: Role, verb: str, *args: object,
                      place: Place = Place.DEPARTMENT) -> Posted:
        """Type a command (`resolve 1 路面已铣平`) the way the platform addresses the bot."""

    async def press(self, role: Role, number: int, action: Action) -> Answer:
        """Press `action` on the ticket's announcement (else its card) that the person sees.
        Only where `capabilities.buttons`."""

    async def confirm(self, role: Role, number: int, verdict: Verdict) -> Answer:
        """Answer "has it been fixed?" for the ticket, on the question the person sees."""

    async def rate(self, role: Role, number: int, rating: Rating) -> Answer: ...

    async def forge_press(self, role: Role, on: int, forgery: Forgery) -> Answer:
        """Press on a real message about ticket `on`, with made-up data."""

    # -- what people see -----------------------------------------------------------------

    def seen(self, place: Place, role: Role | None = None) -> list[Seen]:
        """Every message of the bot in that place, oldest first, as it reads now."""

    def answers(self, posted: Posted) -> list[Seen]:
        """What the bot said in answer to something posted (on platforms without reply
        threads: what it said to that person there after it)."""

    # -- the bot and time ----------------------------------------------------------------

    def now(self) -> datetime: ...

    async def advance(self, delta: timedelta) -> None:
        """Business time passes; whatever fell due runs; the bot settles."""

    async def settle(self) -> None:
        """Wait until the bot has taken, handled and answered everything posted."""

    async def wait_for(self, check: Callable[[], bool], within: float = 30.0) -> None: ...

    async def crash(self) -> None:
        """The bot's process dies at once (as under SIGKILL), whatever it was doing."""

    async def restart(self) -> None:
        """The bot starts again on the same database and platform (does not settle)."""

    # -- the shared core's records (platform-neutral) ------------------------------------

    async def ticket(self, number: int) -> Ticket: ...

    async def tickets(self) -> list[Ticket]: ...

    def address(self, role: Role) -> str:
        """The person's address in the core (`domain.identity.account` form)."""


class DriverFactory(Protocol):
    def __call__(self, database_url: str, tmp_path: Path, clock: FakeClock,
                 **options: Any) -> PlatformDriver: ...
