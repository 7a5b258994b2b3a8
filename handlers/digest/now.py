"""What a digest of a past day leaves out: today so far, and the tickets open now.

Asked for during the day, /digest covers yesterday; a ticket reported this morning is in none
of its figures. This block follows it, so nobody reads "nothing waiting" while something is.
The figures come from `uow.queries.today(...)` (storage/queries/today.py).
"""

from __future__ import annotations

from domain.ticket import label
from handlers.digest.render import Naming
from storage.queries.today import Today


def render_today(today: Today, naming: Naming) -> str:
    t = naming.texts
    tally = today.so_far
    lines = [t("digest.now.today", time=f"{today.now.astimezone(naming.tz):%H:%M}",
               new=tally.new, acknowledged=tally.acknowledged, resolved=tally.resolved)]
    if today.open_count == 0:
        lines.append(t("digest.now.none_open"))
        return "\n".join(lines)
    lines.append(t("digest.now.open_title", open=today.open_count,
                   overdue=today.overdue_count))
    for ticket in today.oldest_open:
        reported = ticket.reported_at.astimezone(naming.tz)
        lines.append(t("digest.now.open_line", ticket=label(ticket.number),
                       category=naming.category(ticket.category_id),
                       department=naming.department(ticket.department_id),
                       at=f"{reported.month}/{reported.day} {reported:%H:%M}")
                     + (t("digest.now.overdue_mark") if ticket.overdue else ""))
    if today.open_count > len(today.oldest_open):
        lines.append(t("digest.now.more", count=today.open_count - len(today.oldest_open)))
    return "\n".join(lines)
