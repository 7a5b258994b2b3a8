"""What a messaging platform can do, declared by its adapter and asked by the core.

The core never asks which platform a chat is on; it asks what the chat's platform can do and
adapts what it sends (`handlers.fitting`): no edits, no buttons, no location messages…
Telegram can do everything listed here; the next platforms (a WeChat service account, WeCom
robots) lack some of it.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Capabilities:
    # Change a message after sending it (the ticket card shows the current status).
    edit_messages: bool = True
    # Buttons under a message whose press comes back as an event.
    buttons: bool = True
    # Send a message as a reply to a given earlier one.
    reply_threads: bool = True
    # Send a picture (else its caption, or its fallback text, is sent as text).
    send_photos: bool = True
    # People can send a location message (else they name the place in words).
    receive_locations: bool = True
    # Mention a person so that they are notified.
    mentions: bool = True
    # Write to a person privately, outside the group.
    private_messages: bool = True
    # Message ids grow with time in a chat (an id can say which message came first).
    sequential_message_ids: bool = True

    def lacking(self) -> tuple[str, ...]:
        """The names of what this platform cannot do, for logs and `config check`."""
        return tuple(f.name for f in fields(self) if not getattr(self, f.name))


# Telegram: every capability.
FULL = Capabilities()
# The least a platform may offer: plain text out, plain text in.
PLAIN_TEXT = Capabilities(
    edit_messages=False, buttons=False, reply_threads=False, send_photos=False,
    receive_locations=False, mentions=False, private_messages=False,
    sequential_message_ids=False,
)
