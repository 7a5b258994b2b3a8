"""Pieces several console pages share."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from bot.web.deps import WebDeps
from bot.web.numbers import as_number
from domain.status import Status
from handlers.texts import Texts


@dataclass(frozen=True)
class Option:
    value: str
    text: str


@dataclass(frozen=True)
class FilterOptions:
    statuses: list[Option]
    departments: list[Option]
    categories: list[Option]


def filter_options(deps: WebDeps, texts: Texts) -> FilterOptions:
    directory = deps.directory
    groups = [Option(name, texts(f"console.status_{name}")) for name in ("open", "settled",
                                                                          "all")]
    return FilterOptions(
        statuses=groups + [Option(s.value, texts(f"status.{s.value}")) for s in Status],
        departments=[Option(d, directory.department_name(d, texts.lang))
                     for d in directory.departments],
        categories=[Option(c, directory.category_name(c, texts.lang))
                    for c in directory.categories],
    )


def ticket_number(request: web.Request) -> int:
    """The ticket number in the address; anything else is a page that does not exist."""
    number = as_number(request.match_info["number"])
    if number is None:
        raise web.HTTPNotFound()
    return number
