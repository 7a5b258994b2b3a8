"""How to @mention a WeCom member so that they are really notified, per kind of message.

- Group robot text: list the userids in `text.mentioned_list` ("@all" for everyone); the
  content may also carry `<@userid>`.
- Group robot and smart bot markdown: `<@userid>` inside the content.
- Template cards cannot ping anyone: the card names people and a markdown line follows with
  the mentions (see cards.py).
A group message to the smart bot arrives with the bot's own @name at the start of the text.
"""

from __future__ import annotations

import re

_USERID = re.compile(r"^[A-Za-z0-9_.@\-]{1,64}$")
_LEADING_MENTIONS = re.compile(r"^(?:\s*@\S+\s*)+")


def valid_userid(userid: str) -> bool:
    return bool(_USERID.match(userid))


def markdown_mention(userid: str) -> str:
    """`<@userid>`: the mention syntax of markdown content."""
    if not valid_userid(userid):
        raise ValueError(f"not a WeCom userid: {userid!r}")
    return f"<@{userid}>"


def markdown_mentions(userids: list[str] | tuple[str, ...]) -> str:
    return " ".join(markdown_mention(u) for u in userids)


def text_mentioned_list(userids: list[str] | tuple[str, ...], everyone: bool = False) -> list[str]:
    """The `mentioned_list` of a group robot text message."""
    names = [u for u in userids if valid_userid(u)]
    if len(names) != len(userids):
        raise ValueError("not WeCom userids: " + ", ".join(u for u in userids if u not in names))
    return [*names, "@all"] if everyone else names


def strip_bot_mention(text: str, bot_names: tuple[str, ...] = ()) -> str:
    """The command a member typed, without the leading `@联络机器人`.

    With `bot_names`, only those names are removed (a staff member may mention a colleague
    first); without, every leading @word is.
    """
    text = text.strip()
    if not bot_names:
        return _LEADING_MENTIONS.sub("", text).strip()
    changed = True
    while changed:
        changed = False
        for name in bot_names:
            token = f"@{name}"
            if text.startswith(token):
                text = text[len(token):].lstrip()
                changed = True
    return text
