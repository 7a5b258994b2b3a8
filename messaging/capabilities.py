"""What a messaging platform can do, declared by its adapter and asked by the core.

The core never asks which platform a chat is on; it asks what the chat's platform can do and
adapts what it sends (`handlers.fitting`): a chat whose platform cannot edit a sent message gets
a new status line, one without buttons gets the words to reply in the text, one without location
messages names the place in words. Telegram can do everything listed here; a WeChat service
account and WeCom robots lack some of it.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Capabilities:
    """Each flag says the platform can do it; a platform declares only what it can."""

    # Change a message after sending it (the ticket card shows the current status).
    edit_messages: bool = False
    # Buttons under a message whose press comes back as an event.
    buttons: bool = False
    # Send a message as a reply to a given earlier one.
    reply_threads: bool = False
    # Send a picture (else its caption, or its fallback text, is sent as text).
    send_photos: bool = False
    # People can send a location message (else they name the place in words).
    receive_locations: bool = False
    # Mention a person so that they are notified.
    mentions: bool = False
    # Write to a person privately, outside the group.
    private_messages: bool = False
    # The bot sits in group chats where people report (else only one to one with it, as a
    # WeChat service account: riders are told to report right there).
    group_chats: bool = False
    # Message ids in a chat are consecutive integers, so a message whose send went unanswered
    # can be looked for among the ids above the chat's highest known one.
    sequential_message_ids: bool = False

    def lacking(self) -> tuple[str, ...]:
        """The names of what this platform cannot do, for logs and `config check`."""
        return tuple(f.name for f in fields(self) if not getattr(self, f.name))


# Telegram: every capability.
FULL = Capabilities(**{f.name: True for f in fields(Capabilities)})
# The least a platform may offer: plain text out, plain text in.
PLAIN_TEXT = Capabilities()
