"""The digest as text, in the catalog's language."""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo

from domain.period import Period
from domain.ticket import label
from handlers.directory import Directory
from handlers.texts import Texts
from handlers.tickets.formatting import duration
from storage.queries.figures import Figures, Ratio
from storage.queries.percentiles import Spread
from storage.queries.scope import Scope
from storage.queries.tallies import Tally

TELEGRAM_LIMIT = 4096


class Naming:
    """Names of scopes, departments, categories and periods as people read them."""

    def __init__(self, directory: Directory, texts: Texts, tz: tzinfo,
                 now: datetime | None = None) -> None:
        self.directory = directory
        self.texts = texts
        self.tz = tz
        # When given, a period that was yesterday says so: a digest read at noon is easily
        # taken for today's.
        self.now = now

    def scope(self, scope: Scope) -> str:
        if scope.chat_id is not None:
            group = self.directory.groups.get(scope.chat_id)
            return group.name if group else str(scope.chat_id)
        if scope.departments is None:
            return self.texts("digest.everyone")
        names = [self.department(d) for d in scope.departments]
        return self.texts("digest.separator").join(names) or self.texts("digest.none")

    def department(self, department_id: str | None) -> str:
        name = self.directory.department_name(department_id, self.texts.lang)
        return name or department_id or self.texts("digest.unassigned")

    def category(self, category_id: str) -> str:
        return self.directory.category_name(category_id, self.texts.lang)

    def day(self, day: date) -> str:
        return self.texts("digest.day", month=day.month, day=day.day)

    def period(self, period: Period, as_of: datetime) -> str:
        text = self.day(period.first_day)
        if period.last_day != period.first_day:
            text = self.texts("digest.days", first=text, last=self.day(period.last_day))
        elif self.now is not None and is_yesterday(period.first_day, self.now, self.tz):
            text = self.texts("digest.yesterday", day=text)
        if as_of < period.end:
            text = self.texts("digest.until", period=text,
                              time=f"{as_of.astimezone(self.tz):%H:%M}")
        return text


def render_digest(figures: Figures, heading: str, naming: Naming) -> str:
    """`heading` names the kind: day, week, month, range or stats."""
    t = naming.texts
    scope = naming.scope(figures.scope)
    period = naming.period(figures.period, figures.as_of)
    if figures.is_empty:
        # Of a period that has ended, only its end is known to have had nothing waiting.
        key = "digest.empty" if figures.as_of < figures.period.end else (
            "digest.empty_past_day" if figures.period.days == 1 else "digest.empty_past")
        return t(key, scope=scope, period=period)
    total = figures.total
    lines = [
        t(f"digest.heading_{heading}", scope=scope, period=period),
        t("digest.counts", new=total.new, acknowledged=total.acknowledged,
          resolved=total.resolved, open=total.open, overdue=total.overdue),
        _rate_line(t, "digest.response_rate", figures.response_rate),
        _rate_line(t, "digest.resolution_rate", figures.resolution_rate,
                   rolling_rate=percent(figures.rolling, t), rolling_part=figures.rolling.part,
                   rolling_whole=figures.rolling.whole),
        _rate_line(t, "digest.satisfaction_rate", figures.satisfaction_rate),
        _spread_line(t, "digest.ack_time", figures.to_acknowledge),
        _spread_line(t, "digest.resolve_time", figures.to_resolve),
    ]
    lines += _department_table(figures, naming)
    lines += _overdue_list(figures, naming)
    if figures.top_reporters:
        names = t("digest.separator").join(
            t("digest.thanks_name", name=r.first_name or t("digest.someone"), count=r.reports)
            for r in figures.top_reporters)
        lines += ["", t("digest.thanks", names=names)]
    return "\n".join(lines)


def is_yesterday(day: date, now: datetime, tz: tzinfo) -> bool:
    return day == now.astimezone(tz).date() - timedelta(days=1)


def percent(ratio: Ratio, t: Texts) -> str:
    value = ratio.percent
    return t("digest.none") if value is None else t("digest.percent", value=value)


def _rate_line(t: Texts, key: str, ratio: Ratio, **more: object) -> str:
    return t(key, rate=percent(ratio, t), part=ratio.part, whole=ratio.whole, **more)


def _spread_line(t: Texts, key: str, spread: Spread) -> str:
    return t(key, median=_seconds(spread.median_s, t), p90=_seconds(spread.p90_s, t))


def _seconds(value: float | None, t: Texts) -> str:
    return t("digest.none") if value is None else duration(timedelta(seconds=value), t)


def _department_table(figures: Figures, naming: Naming) -> list[str]:
    if figures.scope.is_one_department:
        return []
    t = naming.texts
    order = list(naming.directory.departments)
    rows: list[tuple[int, str | None, Tally]] = sorted(
        ((order.index(d) if d in order else len(order), d, tally)
         for d, tally in figures.departments.items() if not tally.is_quiet),
        key=lambda row: (row[0], row[1] or ""))
    if not rows:
        return []
    lines = ["", t("digest.departments")]
    for _, department, tally in rows:
        response = percent(Ratio(tally.acked_on_time, tally.due_for_ack), t)
        lines.append(t("digest.department_line", name=naming.department(department),
                       new=tally.new, resolved=tally.resolved, open=tally.open,
                       overdue=tally.overdue, response=response))
    return lines


def _overdue_list(figures: Figures, naming: Naming) -> list[str]:
    if not figures.oldest_overdue:
        return []
    t = naming.texts
    lines = ["", t("digest.overdue_title")]
    for ticket in figures.oldest_overdue:
        lines.append(t("digest.overdue_line", ticket=label(ticket.number),
                       category=naming.category(ticket.category_id),
                       department=naming.department(ticket.department_id),
                       late=duration(figures.as_of - ticket.due_at, t)))
    return lines


def telegram_length(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an emoji is two)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def split_message(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Pieces within `limit`, cut at line ends (only a line longer than that is cut inside)."""
    pieces: list[str] = []
    lines: list[str] = []
    size = 0
    for line in text.split("\n"):
        for part in _cut(line, limit):
            length = telegram_length(part)
            if lines and size + 1 + length > limit:
                pieces.append("\n".join(lines))
                lines, size = [], 0
            size += length + (1 if lines else 0)
            lines.append(part)
    pieces.append("\n".join(lines))
    # A piece of blank lines only would be refused as an empty message.
    return [piece for piece in pieces if piece.strip()]


def _cut(line: str, limit: int) -> list[str]:
    if telegram_length(line) <= limit:
        return [line]
    parts, current, size = [], "", 0
    for ch in line:
        width = telegram_length(ch)
        if size + width > limit:
            parts.append(current)
            current, size = "", 0
        current += ch
        size += width
    return [*parts, current]
