"""What a messaging platform can do, as its adapter declares it.

The core asks these questions instead of asking which platform a chat is on: a chat whose
platform cannot edit a sent message gets a new status line, one without buttons gets the
commands in the text, and so on.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Capabilities:
    """Each flag says the platform can do it; a platform declares only what it can."""

    edit_messages: bool = False
    buttons: bool = False
    reply_threads: bool = False
    send_photos: bool = False
    receive_locations: bool = False
    mentions: bool = False
    private_messages: bool = False
    # Message ids in a chat are consecutive integers, so a message whose send went unanswered
    # can be looked for among the ids above the chat's highest known one.
    sequential_message_ids: bool = False
