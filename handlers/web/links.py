"""Addresses of the web console's pages, for messages in chats."""

from __future__ import annotations

from handlers.context import Context

SIGN_IN_PATH = "/web/signin/"


def ticket_path(number: int) -> str:
    return f"/web/tickets/{number}"


def ticket_url(ctx: Context, number: int) -> str | None:
    """The ticket's page, or None when the web console is off."""
    web = ctx.services.rules.web
    return f"{web.link_base}{ticket_path(number)}" if web.enabled else None


def sign_in_url(ctx: Context, token: str) -> str:
    return f"{ctx.services.rules.web.link_base}{SIGN_IN_PATH}{token}"


def public_url(ctx: Context) -> str | None:
    web = ctx.services.rules.web
    return f"{web.link_base}/public/" if web.enabled and web.public else None
