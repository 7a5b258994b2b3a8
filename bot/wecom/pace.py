"""How fast the bot may write to WeCom, as data, like Telegram's limits in bot.pipeline.pacing.

Smart bot (long connection), per conversation (a group chatid or a user): write-ups of the
long-connection page (developer.work.weixin.qq.com/document/path/101463) quote 30 messages a
minute and 1000 an hour. The page itself could not be read in full when this was written, so
the defaults keep under both with the same slack as Telegram's pacing; see
docs/platforms/wecom.md. Card updates answer a button press and must go out within 5 s of it.

Group robot webhook (群机器人, document/path/91770): 20 messages a minute per robot; over it
the answer is errcode 45009.
"""

from __future__ import annotations

from dataclasses import dataclass

# Send a little under the limit: our clock and WeCom's disagree at a window's edge.
_SLACK = 1.03

RATE_LIMITED_ERRCODES = frozenset({45009, 45033})
BUSY_ERRCODES = frozenset({-1})


@dataclass(frozen=True)
class Pace:
    """One lane's budget: at most `per_minute` in any minute and `per_hour` in any hour."""

    per_minute: int
    per_hour: int | None = None

    @property
    def interval_s(self) -> float:
        """Evenly spaced sends that keep every sliding minute and hour within budget."""
        spacing = 60.0 / self.per_minute
        if self.per_hour:
            spacing = max(spacing, 3600.0 / self.per_hour)
        return spacing * _SLACK


@dataclass(frozen=True)
class PaceTable:
    smart_bot_chat: Pace = Pace(per_minute=30, per_hour=1000)
    robot_webhook: Pace = Pace(per_minute=20)
    # Seconds after a template_card_event in which the card may still be replaced.
    card_update_window_s: float = 5.0
    # After a 45009 the window is a minute; waiting it out is always enough.
    rate_limited_retry_s: float = 60.0

    def interval(self, *, webhook: bool) -> float:
        return (self.robot_webhook if webhook else self.smart_bot_chat).interval_s


WECOM_PACE = PaceTable()
