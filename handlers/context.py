"""What a handler gets for one inbound event or scheduled job."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from domain.clock import Clock
from handlers.consequences.bus import Consequences
from handlers.directory import Directory
from handlers.fitting import fitted
from handlers.texts import Texts, pick_language
from messaging.capabilities import Capabilities
from messaging.outbound import AnswerButton, Keyboard, Outgoing, SendText, Target

if TYPE_CHECKING:
    from handlers.services import Services
    from messaging.inbound import Message, Person
    from storage.uow import UnitOfWork


@dataclass
class Context:
    uow: UnitOfWork
    clock: Clock
    directory: Directory
    services: Services
    now: datetime
    # Moments at which scheduled work should look again (a ticket's deadline…); the scheduler
    # is told after the unit of work commits.
    wakeups: list[datetime] = field(default_factory=list)
    # What follows from the tickets' changes; settled before the unit of work commits.
    consequences: Consequences = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.consequences = Consequences(self)
        self.uow.before_commit(self.consequences.settle)

    @property
    def texts(self) -> Texts:
        """Texts in the bot's language (group chats are read by everyone)."""
        return Texts(self.directory.language)

    def texts_for(self, person: Person | None) -> Texts:
        """Texts in a person's own language, for private messages and alerts."""
        return Texts(pick_language(person.language if person else None,
                                   self.directory.language))

    def capabilities_of(self, chat_id: int) -> Capabilities:
        """What the platform of a chat can do; handlers adapt to it, never to its name."""
        return self.services.capabilities_of(chat_id)

    def send(self, message: Outgoing) -> None:
        """Write a message to the outbox, fitted to what its chat's platform can do."""
        if isinstance(message, AnswerButton):
            # Only a platform with buttons has presses to answer.
            self.uow.outbox.add(message, self.now)
            return
        for fit in fitted(message, self.capabilities_of(message.chat_id), self.texts):
            self.uow.outbox.add(fit, self.now)

    def reply(self, to: Message, text: str, *, buttons: Keyboard = (),
              ticket: int | None = None, merge_line: str | None = None) -> None:
        """A short answer in the thread of the message that caused it."""
        self.send(SendText(chat_id=to.chat.id, text=text, buttons=buttons,
                           reply_to=Target(to.chat.id, to.message_id), ticket=ticket,
                           merge_line=merge_line))

    def wake_at(self, when: datetime) -> None:
        self.wakeups.append(when)
