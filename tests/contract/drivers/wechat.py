"""The contract driver for WeChat: riders follow the district's service account and report in
their one-to-one chat with it; the road crew works where it always has, in its Telegram
department chat, typing its commands (a service account has no groups and no buttons). Both
run against their local servers; the bot is the production `App` serving both platforms.

A rider's "reports" place and "private" place are the same chat, the follower's chat with the
account: what they read there are the customer-service and template messages the bot sent.
Riders answer questions by typing the words the bot offers (「1 已解决 42」, 「满意 42」).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bot.localwechat.state import Received
from domain.clock import FakeClock
from domain.identity import account
from domain.status import Action
from domain.ticket import Rating
from handlers.texts import Texts, catalog
from handlers.verbs import shown_answer
from handlers.workflow.verification import FIXED, NOT_FIXED, RATINGS
from tests.e2e.harness import ROADS_CHAT, ROADS_STAFF, jpeg
from tests.e2e.wechat.harness import RIDER, RIDER_2, STRANGER, WeChatHarness

from .base import Answer, Capabilities, Forgery, Place, Posted, Role, Seen, Verdict
from .records import HarnessRecords
from .telegram import LEASES_RUN_OUT, _Ahead, _seen

FOLLOWERS = {Role.RIDER: RIDER, Role.RIDER_2: RIDER_2, Role.OUTSIDER: STRANGER}
VERDICTS = {Verdict.FIXED: FIXED, Verdict.NOT_FIXED: NOT_FIXED}
RATING_CODES = {rating: code for code, rating in RATINGS.items()}
ZH = Texts("zh")
# The core's refusals of an answer, by their opening words, as a follower reads them.
REFUSALS = tuple(catalog("zh")[key].partition("{")[0]
                 for key in ("error.only_reporters", "error.not_permitted", "error.stale_button"))


class WeChatDriver(HarnessRecords):
    name = "wechat"
    capabilities = Capabilities(buttons=False, edits=False, group_reports=False,
                                locations=True, reply_threads=False, photos=True,
                                checked_resends=False)

    def __init__(self, database_url: str, tmp_path: Path, clock: FakeClock,
                 **sections: Any) -> None:
        # WeChat retries a push three times over about 15 s; here over about 7 s, so a push
        # in flight when the bot dies reaches it once it is back, as it would at WeChat.
        self.harness = WeChatHarness(database_url, tmp_path, clock, push_retry_interval_s=2.5,
                                     **sections)
        self.clock = clock
        self._photos = 0
        # While the bot is down, what followers post is retried by WeChat in the background.
        self._down = False
        self._retrying: list[asyncio.Task[Any]] = []
        # A burst (posts made without settling) goes on while the bot works, as riders do:
        # each follower's posts leave in order, each after their previous one.
        self._chains: dict[str, asyncio.Task[Any]] = {}
        self._posting: list[asyncio.Task[Any]] = []
        self._gave_up: list[Any] = []
        # Each follower's posts in order: where their chat stood, and the words posted.
        self._posts: dict[str, list[tuple[int, str]]] = {}

    @property
    def settings(self) -> Any:
        return self.harness.settings

    async def start(self) -> None:
        await self.harness.start()

    async def stop(self) -> None:
        await self.harness.stop()

    # -- people act ----------------------------------------------------------------------

    async def open_private(self, role: Role) -> None:
        if role is Role.STAFF:
            self.harness.server.open_private_chat(ROADS_STAFF)
            await self.harness.server.post_command(ROADS_STAFF, ROADS_STAFF, "/start")
        else:
            await self._user(role).subscribe()
        await self.settle()

    async def post_photo(self, role: Role, caption: str = "", *, settle: bool = True) -> Posted:
        self._photos += 1
        shade = (self._photos * 37 % 256, self._photos * 91 % 256, 120)
        posted = self._mark(role, Place.REPORTS, caption)
        user = self._user(role)

        async def post() -> None:
            image = await user.send_image(jpeg(shade))
            assert image.delivered or self._down, "an image push went unanswered"
            if caption:
                # A WeChat image has no caption: the words follow as the next message.
                words = await user.send_text(caption)
                if not words.delivered:
                    self._gave_up.append(words)
        return await self._send(posted, post, settle)

    async def post_location(self, role: Role, where: tuple[float, float], *,
                            settle: bool = True) -> Posted:
        posted = self._mark(role, Place.REPORTS)
        user = self._user(role)
        return await self._send(posted, lambda: user.send_location(*where), settle)

    async def post_text(self, role: Role, text: str, *, place: Place = Place.REPORTS,
                        settle: bool = True) -> Posted:
        if role is Role.STAFF:
            sent = await self.harness.server.post_text(self._staff_chat(place), ROADS_STAFF,
                                                       text)
            return await self._done(Posted(role, place, ("tg", sent.chat_id, sent.message_id)),
                                    settle)
        posted = self._mark(role, place, text)
        user = self._user(role)
        return await self._send(posted, lambda: user.send_text(text), settle)

    async def command(self, role: Role, verb: str, *args: object,
                      place: Place = Place.DEPARTMENT) -> Posted:
        text = " ".join(["/" + verb, *(str(arg) for arg in args)])
        return await self.post_text(role, text, place=place)

    async def press(self, role: Role, number: int, action: Action) -> Answer:
        raise AssertionError("a WeChat follower has nothing to press; the scenario types")

    async def confirm(self, role: Role, number: int, verdict: Verdict) -> Answer:
        return await self._answer(role, number, VERDICTS[verdict])

    async def rate(self, role: Role, number: int, rating: Rating) -> Answer:
        return await self._answer(role, number, RATING_CODES[rating])

    async def forge_press(self, role: Role, on: int, forgery: Forgery) -> Answer:
        raise AssertionError("a WeChat follower has nothing to press")

    # -- what people see -----------------------------------------------------------------

    def seen(self, place: Place, role: Role | None = None) -> list[Seen]:
        if place is Place.DEPARTMENT or role is Role.STAFF:
            chat = self._staff_chat(place)
            return [_seen(m) for m in self.harness.server.bot_messages(chat)]
        assert role is not None, "a follower's chat is somebody's"
        openid = FOLLOWERS[role]
        return [_received(openid, index, r)
                for index, r in enumerate(self.harness.received(openid))]

    def answers(self, posted: Posted) -> list[Seen]:
        """Without reply threads: what the bot said to the person from the post on, up to
        where it began answering their next post. Where the post had words, the answer
        begins at the first message quoting them (a card quotes the report's description):
        in a burst, answers to earlier posts may still be arriving when later ones are made."""
        ref = posted.ref
        assert isinstance(ref, tuple)
        if ref[0] == "tg":
            _, chat, message_id = ref
            return [_seen(m) for m in self.harness.server.bot_messages(chat)
                    if m.reply_to_message_id == message_id]
        _, openid, serial = ref
        received = self.harness.received(openid)
        starts = self._starts(openid, received)
        start = starts[serial]
        end = min((s for s in starts[serial + 1:] if s > start), default=len(received))
        return [_received(openid, index, received[index]) for index in range(start, end)]

    def _starts(self, openid: str, received: list[Received]) -> list[int]:
        starts: list[int] = []
        for mark, words in self._posts[openid]:
            start = mark
            if words:
                start = next((i for i in range(mark, len(received))
                              if words in received[i].text), mark)
            starts.append(max(start, starts[-1]) if starts else start)
        return starts

    # -- the bot and time ----------------------------------------------------------------

    def now(self) -> datetime:
        return self.clock.now()

    async def advance(self, delta: timedelta) -> None:
        await self.harness.later(delta)

    async def settle(self) -> None:
        await self._posted()
        await self.harness.settle()

    async def wait_for(self, check: Callable[[], bool], within: float = 30.0) -> None:
        await self.harness.server.wait_until(lambda: True if check() else None, within=within)

    async def crash(self) -> None:
        await self.harness.crash_bot()
        self._down = True

    async def restart(self) -> None:
        timer = None
        if not self.harness.database_url.startswith("sqlite"):
            timer = _Ahead(LEASES_RUN_OUT)
        await self.harness.start_bot(timer=timer)
        self._down = False
        await self._posted()
        # WeChat's retries of what came while the bot was down reach it now.
        retrying, self._retrying = self._retrying, []
        results = await asyncio.gather(*retrying)
        lost = [r for r in results if r is not None and not r.delivered]
        assert not lost, f"pushes WeChat gave up on: {lost}"

    # -- the shared core's records -------------------------------------------------------

    def address(self, role: Role) -> str:
        if role is Role.STAFF:
            return account(ROADS_STAFF)
        return account(f"wechat:{FOLLOWERS[role]}")

    # -- inside --------------------------------------------------------------------------

    def _user(self, role: Role) -> Any:
        assert role is not Role.STAFF, "the road crew works in Telegram here"
        return self.harness.wx.user(FOLLOWERS[role])

    def _staff_chat(self, place: Place) -> int:
        return ROADS_CHAT if place is Place.DEPARTMENT else ROADS_STAFF

    def _mark(self, role: Role, place: Place, words: str = "") -> Posted:
        """A handle on what the follower is about to post (there are no reply threads): where
        their chat stood, and the words it carried."""
        openid = FOLLOWERS[role]
        posts = self._posts.setdefault(openid, [])
        posts.append((len(self.harness.received(openid)), words))
        return Posted(role, place, ("wx", openid, len(posts) - 1))

    async def _send(self, posted: Posted, push: Callable[[], Awaitable[Any]],
                    settle: bool) -> Posted:
        _, openid, serial = posted.ref
        before = self._chains.get(openid)
        if settle and before is None:
            await self._push(push())
            return await self._done(posted, settle)
        posts = self._posts[openid]
        words = posts[serial][1]

        async def in_turn() -> None:
            if before is not None:
                await asyncio.wait([before])
            # Where the follower's chat stood when the post really left.
            posts[serial] = (len(self.harness.received(openid)), words)
            if self._down:
                await self._push(push())
                return
            result = await push()
            if result is not None and not result.delivered:
                self._gave_up.append(result)
        task = asyncio.ensure_future(in_turn())
        self._chains[openid] = task
        self._posting.append(task)
        return await self._done(posted, settle)

    async def _posted(self) -> None:
        """Every post of a burst has left (or, while the bot is down, is being retried)."""
        posting, self._posting = self._posting, []
        self._chains.clear()
        await asyncio.gather(*posting)
        assert not self._gave_up, f"pushes WeChat gave up on: {self._gave_up}"

    async def _push(self, pushing: Awaitable[Any]) -> None:
        if not self._down:
            await pushing
            return
        # One follower's messages were sent one after another: each is retried after the
        # one before it (WeChat's retries keep a follower's order as the sending did).
        before = self._retrying[-1] if self._retrying else None

        async def after() -> Any:
            if before is not None:
                await asyncio.wait([before])
            return await pushing
        self._retrying.append(asyncio.ensure_future(after()))

    async def _done(self, posted: Posted, settle: bool) -> Posted:
        if settle:
            await self.settle()
        return posted

    async def _answer(self, role: Role, number: int, choice: str) -> Answer:
        word = shown_answer(ZH, choice)
        assert word is not None, f"no typed form for {choice!r}"
        posted = await self.post_text(role, f"{word} {number}", place=Place.PRIVATE)
        said = self.answers(posted)
        text = said[0].text if said else ""
        return Answer(text=text, refused=text.startswith(REFUSALS))


def _received(openid: str, index: int, received: Received) -> Seen:
    return Seen(text=received.text, photo=received.kind == "image", actions=(),
                ref=(openid, index))

