"""Customer-service messages (客服消息) a service account may send, as data.

The current rule (客服消息介绍 / 发送客服消息, developers.weixin.qq.com/doc/service and
doc/offiaccount/Customer_Service/Customer_Service_Messages.html, checked 2026-12):

    用户发送消息   5 messages  within 48 hours
    点击自定义菜单 3 messages  within 1 minute  (only click / scancode_push / scancode_waitmsg)
    关注服务号     3 messages  within 1 minute
    扫描二维码     3 messages  within 1 minute
    支付成功       no limit    within 48 hours  (the service-account page only)

A menu click does not open the user-message grant. The LOCATION event, VIEW (a link in the
menu) and unsubscribing open nothing.

How grants of different kinds combine is not documented. This model: a new interaction of a
kind *replaces* that kind's grant (a new message restarts the 48 h and its 5 messages, as
WeChat's own partners describe it); grants of different kinds live side by side; a message
uses the grant that runs out soonest, so the long 48 h grant is kept for later.

Everything here is pure: `open_grant`, `can_send` and `charge` take the state and `now`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Literal


class Trigger(StrEnum):
    MESSAGE = "message"
    MENU_CLICK = "menu_click"
    SUBSCRIBE = "subscribe"
    SCAN = "scan"
    PAYMENT = "payment"


@dataclass(frozen=True)
class Grant:
    messages: int | None  # None: no limit on the count within the window
    window: timedelta


GRANTS: Mapping[Trigger, Grant] = {
    Trigger.MESSAGE: Grant(5, timedelta(hours=48)),
    Trigger.MENU_CLICK: Grant(3, timedelta(minutes=1)),
    Trigger.SUBSCRIBE: Grant(3, timedelta(minutes=1)),
    Trigger.SCAN: Grant(3, timedelta(minutes=1)),
    Trigger.PAYMENT: Grant(None, timedelta(hours=48)),
}

# What each push opens: message kinds by MsgType, events by Event. Absent: opens nothing.
MESSAGE_TRIGGERS: Mapping[str, Trigger] = {
    kind: Trigger.MESSAGE
    for kind in ("text", "image", "voice", "video", "shortvideo", "location", "link")
}
EVENT_TRIGGERS: Mapping[str, Trigger] = {
    "CLICK": Trigger.MENU_CLICK,
    "scancode_push": Trigger.MENU_CLICK,
    "scancode_waitmsg": Trigger.MENU_CLICK,
    "subscribe": Trigger.SUBSCRIBE,
    "SCAN": Trigger.SCAN,
}


def trigger_of(msg_type: str, event: str | None = None) -> Trigger | None:
    """The grant a push opens, from its MsgType (and Event for events)."""
    if msg_type == "event":
        return EVENT_TRIGGERS.get(event or "")
    return MESSAGE_TRIGGERS.get(msg_type)


@dataclass(frozen=True)
class OpenGrant:
    trigger: Trigger
    opened_at: datetime
    used: int = 0

    @property
    def rule(self) -> Grant:
        return GRANTS[self.trigger]

    @property
    def ends_at(self) -> datetime:
        return self.opened_at + self.rule.window

    def live(self, now: datetime) -> bool:
        return self.opened_at <= now < self.ends_at

    def left(self, now: datetime) -> int | None:
        """Messages left now (None: unlimited); 0 when the window has passed."""
        if not self.live(now):
            return 0
        if self.rule.messages is None:
            return None
        return max(0, self.rule.messages - self.used)


Refusal = Literal["window_closed", "quota_used"]


@dataclass(frozen=True)
class Budget:
    """One user's open grants."""

    grants: tuple[OpenGrant, ...] = ()

    def to_json(self) -> list[dict[str, Any]]:
        return [{"trigger": g.trigger.value, "opened_at": g.opened_at.isoformat(),
                 "used": g.used} for g in self.grants]

    @classmethod
    def from_json(cls, data: list[dict[str, Any]]) -> Budget:
        return cls(tuple(OpenGrant(Trigger(g["trigger"]), datetime.fromisoformat(g["opened_at"]),
                                   int(g["used"])) for g in data))


def open_grant(budget: Budget, trigger: Trigger, at: datetime) -> Budget:
    """The budget after the user did something that opens `trigger`'s grant."""
    others = tuple(g for g in budget.grants if g.trigger is not trigger)
    return Budget((*others, OpenGrant(trigger, at)))


def _usable(budget: Budget, now: datetime) -> list[OpenGrant]:
    return sorted((g for g in budget.grants if g.left(now) != 0), key=lambda g: g.ends_at)


def refusal(budget: Budget, now: datetime) -> Refusal | None:
    """Why a customer-service message cannot go now (None: it can): no live window at all
    is WeChat's 45015, live windows with nothing left is 45047."""
    if _usable(budget, now):
        return None
    if any(g.live(now) for g in budget.grants):
        return "quota_used"
    return "window_closed"


def can_send(budget: Budget, now: datetime) -> bool:
    return refusal(budget, now) is None


def left(budget: Budget, now: datetime) -> int | None:
    """Customer-service messages that may still go now (None: unlimited)."""
    total = 0
    for grant in budget.grants:
        n = grant.left(now)
        if n is None:
            return None
        total += n
    return total


class NoGrant(Exception):
    def __init__(self, reason: Refusal) -> None:
        self.reason = reason
        super().__init__(reason)


def charge(budget: Budget, now: datetime) -> Budget:
    """The budget after one customer-service message went now; raises NoGrant if none may."""
    usable = _usable(budget, now)
    if not usable:
        reason = refusal(budget, now)
        raise NoGrant(reason or "window_closed")
    chosen = usable[0]
    rest = tuple(g for g in budget.grants if g is not chosen)
    return Budget((*rest, replace(chosen, used=chosen.used + 1)))


def channel(budget: Budget, now: datetime) -> Literal["custom", "template"]:
    """How a message to this user goes now: as a customer-service message, else a template."""
    return "custom" if can_send(budget, now) else "template"


def prune(budget: Budget, now: datetime) -> Budget:
    """Without the grants whose window has passed (keeps the stored state small)."""
    return Budget(tuple(g for g in budget.grants if g.ends_at > now))
