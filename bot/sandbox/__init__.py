"""The sandbox: the whole bot working on this machine, with no Telegram token and no group.

`Sandbox` starts the local Bot API server, fills it with the configured people and chats, runs
the production `App` against it and serves a web page that acts as the group chat. The demo
(`story.py`) replays the road-bulge story on the same machinery with a fake clock.
"""

from bot.sandbox.session import Sandbox

__all__ = ["Sandbox"]
