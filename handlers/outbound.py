"""Platform-neutral outgoing messages and the port a transport implements to deliver them.

Handlers never send anything directly: they add these to the outbox inside their unit of work,
and the outbox sender delivers them through a `MessengerPort`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, ClassVar, Protocol


@dataclass(frozen=True)
class Button:
    text: str
    data: str | None = None
    url: str | None = None


Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True)
class Target:
    """A message the bot sent or received: by id, or by the name it was sent under."""

    chat_id: int
    message_id: int | None = None
    ref: str | None = None


@dataclass(frozen=True)
class SendText:
    kind: ClassVar[str] = "send_text"
    chat_id: int
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
    chat_id: int
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
    chat_id: int
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
    def chat_id(self) -> int:
        return self.target.chat_id


@dataclass(frozen=True)
class EditCaption:
    kind: ClassVar[str] = "edit_caption"
    target: Target
    caption: str
    buttons: Keyboard = ()

    @property
    def chat_id(self) -> int:
        return self.target.chat_id


@dataclass(frozen=True)
class DeleteMessage:
    """Remove a message the bot sent that no longer applies (a request already answered).
    Where the platform cannot delete, or the message is gone, nothing happens."""

    kind: ClassVar[str] = "delete_message"
    target: Target

    @property
    def chat_id(self) -> int:
        return self.target.chat_id


@dataclass(frozen=True)
class AnswerButton:
    kind: ClassVar[str] = "answer_button"
    callback_id: str
    text: str = ""
    alert: bool = False
    # Answers are not chat messages and are not paced; this only groups them in the outbox.
    chat_id: int = field(default=0)


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


# -- the port ------------------------------------------------------------------------------


class DeliveryError(Exception):
    """Base of what a transport reports when a message could not be delivered."""


class RetryLater(DeliveryError):
    """The platform asked us to slow down; try again after `seconds`."""

    def __init__(self, seconds: float, description: str = "") -> None:
        self.seconds = seconds
        super().__init__(description or f"retry after {seconds}s")


class TransientFailure(DeliveryError):
    """A server error, a timeout or a dropped connection: worth retrying with backoff."""


class PermanentFailure(DeliveryError):
    """The platform refused the message for good (bad request, bot blocked, chat gone)."""


class TargetGone(PermanentFailure):
    """The message to reply to or to edit no longer exists."""


class NotModified(DeliveryError):
    """An edit that changes nothing: the message already shows what we wanted."""


class MessengerPort(Protocol):
    async def send_text(self, message: SendText, reply_to_id: int | None) -> int: ...

    async def send_photo(self, message: SendPhoto, reply_to_id: int | None,
                         data: bytes | None) -> int: ...

    async def send_document(self, message: SendDocument, reply_to_id: int | None,
                            data: bytes) -> int: ...

    async def edit_text(self, message: EditText, message_id: int) -> None: ...

    async def edit_caption(self, message: EditCaption, message_id: int) -> None: ...

    async def delete_message(self, message: DeleteMessage, message_id: int) -> None: ...

    async def answer_button(self, message: AnswerButton) -> None: ...

    async def download(self, file_id: str) -> bytes: ...
