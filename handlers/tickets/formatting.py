"""Times and durations as people read them, in the bot's timezone and language."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

from handlers.texts import Texts


def local_time(moment: datetime, tz: tzinfo, now: datetime | None = None) -> str:
    """"12:07" today, "6月2日 12:07" / "Jun 2 12:07" on another day."""
    local = moment.astimezone(tz)
    if now is not None and now.astimezone(tz).date() == local.date():
        return local.strftime("%H:%M")
    return f"{local.month}/{local.day} {local:%H:%M}"


def duration(span: timedelta, texts: Texts) -> str:
    """"5 小时 0 分" / "5 h 0 min"; minutes only below an hour, days above two days."""
    minutes = max(0, int(span.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days >= 2:
        return texts("time.days_hours", days=days, hours=hours)
    hours += days * 24
    if hours:
        return texts("time.hours_minutes", hours=hours, minutes=mins)
    return texts("time.minutes", minutes=mins)
