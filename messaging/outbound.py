"""Platform-neutral outgoing messages.

Handlers never send anything directly: they add these to the outbox inside their unit of work,
and the outbox sender delivers them through a platform's `MessengerPort` (`messaging.port`).
Storage keeps them as payloads; both storage and handlers import this module, it imports neither.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, ClassVar


@dataclass(frozen=True)
class Button:
    text: str
    data: str | None = None
    url: str | None = None


Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True)
class Target:
    """A message the bot sent or received: by id, or by the name it was sent under."""

    chat_id: str
    message_id: str | None = None
    ref: str | None = None


@dataclass(frozen=True)
class SendText:
    kind: ClassVar[str] = "send_text"
    chat_id: str
    text: str
    buttons: Keyboard = ()
    reply_to: Target | None = None
    ref: str | None = None
    # The one-line form of this message, when it may be merged with others in a busy group.
    merge_line: str | None = None
    # Private chats only: a keyboard button that shares the user's location.
    request_location: str | None = None
    # The ticket this message is about: a reply to it can then leave the number out.
    ticket: int | None = None


@dataclass(frozen=True)
class SendPhoto:
    kind: ClassVar[str] = "send_photo"
    chat_id: str
    # A platform file id, or a path under the media directory ("media:<sha256>").
    photo: str
    caption: str = ""
    buttons: Keyboard = ()
    reply_to: Target | None = None
    ref: str | None = None
    # Sent instead when the photo cannot be (the text must still reach the chat).
    fallback_text: str | None = None
    ticket: int | None = None
    merge_line: str | None = None


@dataclass(frozen=True)
class SendDocument:
    kind: ClassVar[str] = "send_document"
    chat_id: str
    path: str
    filename: str
    caption: str = ""
    reply_to: Target | None = None


@dataclass(frozen=True)
class EditText:
    kind: ClassVar[str] = "edit_text"
    target: Target
    text: str
    buttons: Keyboard = ()

    @property
    def chat_id(self) -> str:
        return self.target.chat_id


@dataclass(frozen=True)
class EditCaption:
    kind: ClassVar[str] = "edit_caption"
    target: Target
    caption: str
    buttons: Keyboard = ()

    @property
    def chat_id(self) -> str:
        return self.target.chat_id


@dataclass(frozen=True)
class DeleteMessage:
    """Remove a message the bot sent that no longer applies (a request already answered).
    Where the platform cannot delete, or the message is gone, nothing happens."""

    kind: ClassVar[str] = "delete_message"
    target: Target

    @property
    def chat_id(self) -> str:
        return self.target.chat_id


@dataclass(frozen=True)
class AnswerButton:
    kind: ClassVar[str] = "answer_button"
    callback_id: str
    text: str = ""
    alert: bool = False
    # The chat the press came from: its platform's adapter answers it. Answers are not chat
    # messages and no chat's pace holds them.
    chat_id: str = field(default="")


Outgoing = (SendText | SendPhoto | SendDocument | EditText | EditCaption | DeleteMessage
            | AnswerButton)
KINDS: dict[str, type[Any]] = {
    cls.kind: cls for cls in (SendText, SendPhoto, SendDocument, EditText, EditCaption,
                              DeleteMessage, AnswerButton)
}


def to_payload(message: Outgoing) -> dict[str, Any]:
    return asdict(message)


def from_payload(kind: str, payload: dict[str, Any]) -> Outgoing:
    cls = KINDS[kind]
    values: dict[str, Any] = {}
    for f in fields(cls):
        if f.name not in payload:
            continue
        value = payload[f.name]
        if f.name in ("reply_to", "target") and value is not None:
            value = Target(**value)
        elif f.name == "buttons":
            value = tuple(tuple(Button(**b) for b in row) for row in value)
        values[f.name] = value
    return cls(**values)
