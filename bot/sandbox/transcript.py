"""The chats as a person would read them: new messages, edited cards, button presses.

Follows the local server's change feed, so messages from several chats come out in the order
they happened, each chat introduced by its name when the story moves there.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.localapi import LocalBotApi
from bot.sandbox.cast import Cast
from handlers.texts import Texts

INDENT = " " * 8
JSON = dict[str, Any]


class Transcript:
    def __init__(self, server: LocalBotApi, cast: Cast, texts: Texts, tz: ZoneInfo,
                 out: Callable[[str], None]) -> None:
        self.server = server
        self.cast = cast
        self.texts = texts
        self.tz = tz
        self.out = out
        self.lines: list[str] = []
        self._seq = server.mark()
        self._chat: int | None = None
        self._shown: dict[tuple[int, int], tuple[Any, ...]] = {}
        self._bodies: dict[tuple[int, int], list[str]] = {}
        self._keyboards: dict[tuple[int, int], list[list[str]]] = {}

    def say(self, line: str = "") -> None:
        self.lines.append(line)
        self.out(line)

    def note(self, line: str) -> None:
        """Something that is not a message: time passing, a button pressed."""
        self.catch_up()
        self.say("")
        self.say(line)
        self._chat = None  # what follows starts under its chat's name again

    def catch_up(self) -> None:
        for event in self.server.world.feed.since(self._seq):
            self._seq = event.seq
            if event.type in ("message", "edited"):
                self._message(event.data["message"], edited=event.type == "edited")

    # -- rendering -------------------------------------------------------------------------

    def _message(self, view: JSON, *, edited: bool) -> None:
        key = (view["chat_id"], view["message_id"])
        signature = (view.get("text"), view.get("caption"),
                     repr([[b["text"] for b in row] for row in view.get("inline_keyboard") or []]))
        if self._shown.get(key) == signature:
            return  # an edit that changed nothing a person could see
        self._shown[key] = signature
        self._enter_chat(view["chat_id"])
        when = self._clock(view.get("edit_date") if edited else view.get("date"))
        head = f"{when}  {self._sender(view)}"
        replied = view.get("reply_to_message_id")
        if replied and not edited:
            head += f"（{self.texts('sandbox.demo.replying', name=self._author(key[0], replied))}）"
        body = self._body(view).splitlines() or [""]
        before = self._bodies.get(key)
        # Only the labels: the data behind a button changes with the status, unseen.
        keyboard = [[button["text"] for button in row]
                    for row in view.get("inline_keyboard") or []]
        keyboard_changed = self._keyboards.get(key) != keyboard
        self._bodies[key], self._keyboards[key] = body, keyboard
        if edited and before is not None:
            # A reader notices what changed: the first line, and the lines that are new.
            self.say(f"{head}  {self.texts('sandbox.demo.edited')}")
            seen = set(before)
            body = body[:1] + [line for line in body[1:] if line not in seen]
        else:
            self.say(f"{head}：{body.pop(0)}")
        for line in body:
            self.say(f"{INDENT}{line}")
        for row in keyboard if keyboard_changed else []:
            self.say(INDENT + " ".join(f"[{label}]" for label in row))

    def _enter_chat(self, chat_id: int) -> None:
        if chat_id == self._chat:
            return
        self._chat = chat_id
        spec = self.cast.chat(chat_id)
        if spec is not None:
            title = spec.title
        else:
            name = self.cast.by_id[chat_id].name if chat_id in self.cast.by_id else str(chat_id)
            title = self.texts("sandbox.demo.private", name=name)
        self.say("")
        self.say(f"── {title} ──")

    def _body(self, view: JSON) -> str:
        texts = self.texts
        parts = []
        if view.get("photo"):
            parts.append(texts("sandbox.demo.photo"))
        if view.get("venue"):
            parts.append(texts("sandbox.demo.venue", title=view["venue"]["title"]))
        elif view.get("location"):
            location = view["location"]
            parts.append(texts("sandbox.demo.location", lat=f"{location['latitude']:.5f}",
                               lon=f"{location['longitude']:.5f}"))
        words = view.get("text") or view.get("caption") or ""
        return " ".join([*parts, words]) if parts and words else " ".join(parts) or words

    def _sender(self, view: JSON) -> str:
        sender = view["from"]
        if sender.get("is_bot"):
            return sender.get("name") or "Liaison"
        persona = self.cast.by_id.get(sender.get("id") or 0)
        return persona.name if persona else sender.get("name") or "?"

    def _author(self, chat_id: int, message_id: int) -> str:
        message = self.server.world.find_message(chat_id, message_id)
        if message is None:
            return "?"
        if message.from_bot:
            return self.server.bot.first_name
        persona = self.cast.by_id.get(message.sender_id)
        return persona.name if persona else str(message.sender_id)

    def _clock(self, seconds: int | None) -> str:
        if seconds is None:
            return "--:--"
        return datetime.fromtimestamp(seconds, UTC).astimezone(self.tz).strftime("%H:%M")
