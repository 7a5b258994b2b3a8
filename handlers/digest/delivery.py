"""A digest on its way to a chat: the text as messages of its own, then the chart.

The chart is a photo with a text fallback, so a chat that cannot get the picture still reads
its figures; the digest text never depends on the picture.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from domain.period import Period
from handlers.context import Context
from handlers.digest.chart import ChartLabels, chart_png
from handlers.digest.render import Naming, render_digest, split_message
from handlers.media import media_ref
from handlers.texts import Texts
from handlers.tickets.formatting import duration
from messaging.outbound import SendPhoto, SendText, Target
from storage.queries.figures import Figures
from storage.queries.scope import Scope
from storage.queries.series import ChartData


async def send_figures(ctx: Context, chat_id: str, scope: Scope, period: Period, heading: str,
                       texts: Texts, reply_to: Target | None = None) -> Figures:
    figures = await ctx.uow.queries.figures(scope, period, ctx.now)
    naming = Naming(ctx.directory, texts, ctx.directory.tz, ctx.now)
    for index, piece in enumerate(split_message(render_digest(figures, heading, naming))):
        ctx.send(SendText(chat_id=chat_id, text=piece, reply_to=reply_to if index == 0 else None))
    return figures


async def send_chart(ctx: Context, chat_id: str, scope: Scope, as_of: datetime,
                     texts: Texts) -> None:
    data = await ctx.uow.queries.chart(scope, as_of, ctx.directory.tz)
    naming = Naming(ctx.directory, texts, ctx.directory.tz)
    labels = chart_labels(data, naming, scope)
    media = ctx.services.media
    # Drawing takes a few hundred milliseconds of CPU: keep the bot's loop free meanwhile.
    digest = await asyncio.to_thread(lambda: media.put(chart_png(data, labels)))
    days = len(data.days)
    ctx.send(SendPhoto(
        chat_id=chat_id, photo=media_ref(digest),
        caption=texts("digest.chart.caption", scope=naming.scope(scope), days=days),
        fallback_text=chart_as_text(data, naming),
    ))


def chart_labels(data: ChartData, naming: Naming, scope: Scope) -> ChartLabels:
    t = naming.texts
    days = len(data.days)
    return ChartLabels(
        title=naming.scope(scope),
        daily_title=t("digest.chart.daily_title", days=days),
        reported=t("digest.chart.reported"),
        resolved=t("digest.chart.resolved"),
        category_title=t("digest.chart.category_title"),
        median=t("digest.chart.median"),
        p90=t("digest.chart.p90"),
        no_resolved=t("digest.chart.no_resolved"),
        days=[f"{day.month}/{day.day}" for day in data.days],
        categories=[naming.category(category) for category, _ in data.by_category],
    )


def chart_as_text(data: ChartData, naming: Naming) -> str:
    """What the chart shows, in words: sent instead of the picture if it cannot be."""
    t = naming.texts
    daily = " · ".join(f"{day.month}/{day.day} {reported}/{resolved}" for day, reported, resolved
                       in zip(data.days, data.reported, data.resolved, strict=True))
    lines = [t("digest.chart.fallback_daily", days=len(data.days), series=daily)]
    slow = [f"{naming.category(category)} {duration(_span(spread.median_s), t)}"
            for category, spread in data.by_category if spread.median_s is not None]
    if slow:
        lines.append(t("digest.chart.fallback_category", series=" · ".join(slow)))
    return "\n".join(lines)


def _span(seconds: float | None) -> timedelta:
    return timedelta(seconds=seconds or 0)
