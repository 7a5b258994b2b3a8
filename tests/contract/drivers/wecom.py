"""The contract driver for WeCom, staff side: the road crew works in a WeCom group (the local
WeCom server, over the smart bot's long connection) while riders report on Telegram (the local
Bot API server), all on the same tickets.

In the crew's group, staff press the buttons of the bot's template cards and type
`@联络机器人 解决 N …` (the Chinese verbs of the catalogs; `resolve` comes with the after
photo). A WeCom card cannot be edited later, only replaced in answer to its own press, so the
group sees new lines rather than edited cards. Everything else (riders, their private chats)
is the Telegram driver's.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

from domain.clock import FakeClock
from domain.status import Action
from handlers.tickets.keyboards import TicketPress, parse_ticket_press
from handlers.verbs import shown_verb
from tests.e2e.harness import jpeg
from tests.e2e.wecom.harness import ROADS, STRANGER, ZHANG, WeComHarness, post_text

from .base import Answer, Capabilities, Forgery, Place, Posted, Role, Seen, Verdict
from .telegram import TelegramDriver

# WeCom members of the road crew's group, by their part in the story.
MEMBERS = {Role.STAFF: ZHANG, Role.OUTSIDER: STRANGER}


class WeComDriver(TelegramDriver):
    name = "wecom"
    # Riders are on Telegram (group reports, locations, threads); the crew's cards have
    # buttons and the photo, and are never edited.
    capabilities = Capabilities(buttons=True, edits=False, group_reports=True, locations=True,
                                reply_threads=True, photos=True)

    def __init__(self, database_url: str, tmp_path: Path, clock: FakeClock,
                 **sections: Any) -> None:
        self.harness = WeComHarness(database_url, tmp_path, clock, **sections)
        self.clock = clock
        self._photos = 0

    @property
    def crew(self) -> WeComHarness:
        assert isinstance(self.harness, WeComHarness)
        return self.harness

    # -- staff act in the WeCom group ----------------------------------------------------

    async def command(self, role: Role, verb: str, *args: object,
                      place: Place = Place.DEPARTMENT) -> Posted:
        if place is not Place.DEPARTMENT or role not in MEMBERS:
            return await super().command(role, verb, *args, place=place)
        from tests.contract.steps import ZH

        word = shown_verb(ZH, verb) or f"/{verb}"
        text = " ".join([word, *(str(arg) for arg in args)])
        image = jpeg((30, 160, 60)) if verb == "resolve" else None
        msgid = await self.crew.say(MEMBERS[role], text, image=image)
        return Posted(role, place, ("wecom", msgid))

    async def press(self, role: Role, number: int, action: Action) -> Answer:
        def wanted(key: str) -> bool:
            press = parse_ticket_press(key)
            return press is not None and press.number == number and press.action == action
        found = self._card(wanted)
        if found is None or role not in MEMBERS:
            return await super().press(role, number, action)
        task_id, key = found
        return await self._press_card(MEMBERS[role], task_id, key)

    async def forge_press(self, role: Role, on: int, forgery: Forgery) -> Answer:
        if isinstance(forgery.action, Verdict) or role not in MEMBERS:
            return await super().forge_press(role, on, forgery)

        def about_on(key: str) -> bool:
            press = parse_ticket_press(key)
            return press is not None and press.number == on
        found = self._card(about_on)
        assert found is not None, f"no card about #{on} in the crew's group"
        if forgery.claims is None:
            key = "t:?:"
        else:
            claimed = await self.ticket(forgery.claims)
            key = TicketPress(claimed.number, forgery.action.value, claimed.status).encode()
        return await self._press_card(MEMBERS[role], found[0], key)

    # -- what people see -------------------------------------------------------------------

    def seen(self, place: Place, role: Role | None = None) -> list[Seen]:
        if place is not Place.DEPARTMENT:
            return super().seen(place, role)
        return _seen(self.crew.posts(ROADS))

    def answers(self, posted: Posted) -> list[Seen]:
        if isinstance(posted.ref, tuple) and posted.ref[:1] == ("wecom",):
            return []  # WeCom has no threads; the group's lines are in `seen`
        return super().answers(posted)

    async def wait_for(self, check: Callable[[], bool], within: float = 30.0) -> None:
        await super().wait_for(check, within)

    # -- inside ----------------------------------------------------------------------------

    def _card(self, wanted: Callable[[str], bool]) -> tuple[str, str] | None:
        """The latest card in the crew's group with a button whose key is `wanted`."""
        for card in reversed(self.crew.cards(ROADS)):
            for button in card.get("button_list", []):
                if wanted(str(button.get("key", ""))):
                    return str(card["task_id"]), str(button["key"])
        return None

    async def _press_card(self, userid: str, task_id: str, key: str) -> Answer:
        before = len(self.crew.posts(ROADS))
        req_id = await self.crew.press(userid, task_id, key)
        for post in self.crew.posts(ROADS)[before:]:
            if post.kind == "card_update" and post.req_id == req_id:
                # The answer is the last line under the card's details.
                card = post.body.get("template_card", {})
                return Answer(text=str(card.get("sub_title_text", "")).split("\n")[-1],
                              refused=False)
            mention = f"<@{userid}> "
            if post.kind == "send" and post.msgtype == "markdown" and post.text.startswith(
                    mention):
                return Answer(text=post.text[len(mention):], refused=True)
        return Answer(text="", refused=False)


def _seen(posts: list[Any]) -> list[Seen]:
    """The group as a member reads it now: a card replaced in answer to its press shows the
    replacement; a photo sent just before a card is that card's."""
    shown: list[Seen] = []
    by_task: dict[str, int] = {}
    photo_next = False
    for index, post in enumerate(posts):
        if post.kind == "card_update":
            card = post.body.get("template_card", {})
            at = by_task.get(str(card.get("task_id")))
            if at is not None:
                shown[at] = _card_seen(card, shown[at].photo, shown[at].ref)
            continue
        if post.msgtype == "image":
            photo_next = True
            continue
        card = post.body.get("template_card")
        ref: Hashable = ("wecom", index)
        if isinstance(card, dict):
            by_task[str(card.get("task_id"))] = len(shown)
            shown.append(_card_seen(card, photo_next, ref))
        else:
            shown.append(Seen(text=post_text(post), photo=photo_next, actions=(), ref=ref))
        photo_next = False
    return shown


def _card_seen(card: dict[str, Any], photo: bool, ref: Hashable) -> Seen:
    from bot.wecom.render import card_text

    return Seen(text=card_text(card), photo=photo,
                actions=tuple(str(b.get("text")) for b in card.get("button_list", [])), ref=ref)
