"""How many new tickets one reporter may open: a token bucket.

The bucket holds up to `burst` tokens and gains `per_hour` tokens an hour; each new ticket
takes one. A report that finds the bucket empty is held for the admins instead of filed. The
bucket is not stored anywhere: it is replayed from the reporter's recent tickets, so every
worker reaches the same answer. A ticket the admins released from hold takes a token when
there is one and otherwise leaves the bucket empty (it does not push the reporter into debt).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

# History older than this is not replayed: the bucket is taken as full then.
MIN_LOOKBACK = timedelta(hours=24)


@dataclass(frozen=True)
class ReporterLimit:
    per_hour: float
    burst: int

    @property
    def enabled(self) -> bool:
        return self.per_hour > 0

    @property
    def lookback(self) -> timedelta:
        """How far back the reporter's tickets are replayed: a day, or twice the time an
        empty bucket takes to fill, whichever is longer."""
        if not self.enabled:
            return timedelta(0)
        return max(MIN_LOOKBACK, timedelta(hours=2 * self.burst / self.per_hour))

    def tokens(self, filed: Iterable[datetime], now: datetime) -> float:
        """Tokens left at `now`, after the tickets filed at the given moments."""
        rate = self.per_hour / 3600.0
        tokens = float(self.burst)
        last = now - self.lookback
        for moment in sorted(t for t in filed if now - self.lookback <= t <= now):
            tokens = min(float(self.burst), tokens + (moment - last).total_seconds() * rate)
            tokens = max(0.0, tokens - 1.0)
            last = moment
        return min(float(self.burst), tokens + (now - last).total_seconds() * rate)

    def allows(self, filed: Iterable[datetime], now: datetime) -> bool:
        """True when one more ticket may be opened now."""
        return not self.enabled or self.tokens(filed, now) >= 1.0 - 1e-9
