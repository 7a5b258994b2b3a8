"""The client side in Python, part one: acting as people in chats.

Every method changes the chats exactly as the person's app would and hands the bot the
update Telegram would (subject to privacy mode). Returned `StoredMessage` objects are live
views of the server's state: read them, don't modify them.
"""

from __future__ import annotations

from . import people
from .models import StoredMessage
from .state import World


class PeopleActions:
    world: World

    async def post_text(
        self, chat_id: int, user_id: int, text: str, *, reply_to: int | None = None
    ) -> StoredMessage:
        return people.post(self.world, chat_id, user_id, people.text_content(text), reply_to)

    async def post_command(
        self, chat_id: int, user_id: int, command: str, *, reply_to: int | None = None
    ) -> StoredMessage:
        text = command if command.startswith("/") else f"/{command}"
        return await self.post_text(chat_id, user_id, text, reply_to=reply_to)

    async def post_photo(
        self,
        chat_id: int,
        user_id: int,
        photo: bytes,
        caption: str | None = None,
        *,
        reply_to: int | None = None,
    ) -> StoredMessage:
        content = people.photo_content(self.world, photo, caption)
        return people.post(self.world, chat_id, user_id, content, reply_to)

    async def post_album(
        self, chat_id: int, user_id: int, photos: list[bytes], caption: str | None = None
    ) -> list[StoredMessage]:
        return people.album(self.world, chat_id, user_id, photos, caption)

    async def post_location(
        self,
        chat_id: int,
        user_id: int,
        latitude: float,
        longitude: float,
        *,
        horizontal_accuracy: float | None = None,
        live_period: int | None = None,
        reply_to: int | None = None,
    ) -> StoredMessage:
        location = people.location_json(latitude, longitude, horizontal_accuracy, live_period)
        return people.post(self.world, chat_id, user_id, {"location": location}, reply_to)

    async def post_live_location(
        self, chat_id: int, user_id: int, latitude: float, longitude: float, live_period: int = 900
    ) -> StoredMessage:
        return await self.post_location(
            chat_id, user_id, latitude, longitude, live_period=live_period
        )

    async def move_live_location(
        self,
        chat_id: int,
        message_id: int,
        latitude: float,
        longitude: float,
        horizontal_accuracy: float | None = None,
    ) -> StoredMessage:
        location = people.location_json(latitude, longitude, horizontal_accuracy)
        return people.move_live_location(self.world, chat_id, message_id, location)

    async def post_venue(
        self,
        chat_id: int,
        user_id: int,
        latitude: float,
        longitude: float,
        title: str,
        address: str,
    ) -> StoredMessage:
        location = people.location_json(latitude, longitude)
        content = {
            "venue": {"location": location, "title": title, "address": address},
            "location": location,
        }
        return people.post(self.world, chat_id, user_id, content)

    async def post_document(
        self,
        chat_id: int,
        user_id: int,
        data: bytes,
        file_name: str,
        mime_type: str | None = None,
        caption: str | None = None,
    ) -> StoredMessage:
        content = people.document_content(self.world, data, file_name, mime_type, caption)
        return people.post(self.world, chat_id, user_id, content)

    async def post_forward(
        self,
        chat_id: int,
        user_id: int,
        text: str | None = None,
        *,
        photo: bytes | None = None,
        from_user_id: int | None = None,
        hidden_user_name: str | None = None,
        from_chat_id: int | None = None,
        date: int | None = None,
    ) -> StoredMessage:
        """A forwarded message; say who it came from with exactly one of the `from_*` args."""
        if photo is not None:
            content = people.photo_content(self.world, photo, text)
        else:
            content = people.text_content(text or "")
        content.update(
            people.forward_content(
                self.world,
                date=date,
                from_user_id=from_user_id,
                hidden_user_name=hidden_user_name,
                from_chat_id=from_chat_id,
            )
        )
        return people.post(self.world, chat_id, user_id, content)

    async def edit_text(self, chat_id: int, message_id: int, text: str) -> StoredMessage:
        changes = people.text_content(text)
        changes.setdefault("entities", None)
        return people.edit(self.world, chat_id, message_id, changes)

    async def edit_caption(self, chat_id: int, message_id: int, caption: str) -> StoredMessage:
        changes = {"caption": None, "caption_entities": None, **people.caption_content(caption)}
        return people.edit(self.world, chat_id, message_id, changes)

    async def press_button(
        self,
        chat_id: int,
        message_id: int,
        user_id: int,
        *,
        text: str | None = None,
        data: str | None = None,
    ) -> str:
        """Presses an inline button by its label, or forges a press with any `data`.

        Returns the callback query id.
        """
        query = people.press_inline_button(
            self.world, chat_id, message_id, user_id, text=text, data=data
        )
        return query["id"]

    async def add_member(
        self, chat_id: int, user_id: int, status: str = "member", *, announce: bool = True
    ) -> StoredMessage | None:
        """Adds someone to a group; with `announce`, the `new_chat_members` service message."""
        user = people.person(self.world, user_id)
        people.set_status(self.world, chat_id, user_id, status)
        if not announce:
            return None
        content = {"new_chat_members": [user.to_json()], "new_chat_member": user.to_json(),
                   "new_chat_participant": user.to_json()}  # fmt: skip
        return people.post(self.world, chat_id, user_id, content)

    async def press_reply_button(
        self,
        chat_id: int,
        user_id: int,
        text: str,
        *,
        latitude: float | None = None,
        longitude: float | None = None,
        horizontal_accuracy: float | None = None,
    ) -> StoredMessage:
        """Presses a reply-keyboard button; location buttons need the position to share."""
        location = None
        if latitude is not None and longitude is not None:
            location = people.location_json(latitude, longitude, horizontal_accuracy)
        return people.press_reply_button(self.world, chat_id, user_id, text, location)
