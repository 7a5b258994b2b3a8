"""A local, Telegram-compatible Bot API server with a client side that acts as people.

The bot under test talks to it exactly as to api.telegram.org; tests, benchmarks, the sandbox
page and the demo drive the people in the chats and watch what the bot does.
"""

from .client import ClientApi
from .errors import ApiError
from .faults import FaultPlan
from .feed import ChangeEvent
from .limits import FloodLimits
from .models import BotAction, ChatRecord, Person, StoredMessage
from .server import LocalBotApi

__all__ = [
    "ApiError",
    "BotAction",
    "ChangeEvent",
    "ChatRecord",
    "ClientApi",
    "FaultPlan",
    "FloodLimits",
    "LocalBotApi",
    "Person",
    "StoredMessage",
]
