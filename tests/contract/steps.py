"""Steps the scenarios share, on any platform: reporting, acting as staff, reading what was said.

Where platforms differ in how a thing is done, the step asks the driver's capabilities.
"""

from __future__ import annotations

import re
import string
from zoneinfo import ZoneInfo

from domain.status import Action
from handlers.texts import Texts, catalog

from .drivers.base import Answer, Place, PlatformDriver, Posted, Role, Seen

ZH = Texts("zh")
BEIJING = ZoneInfo("Asia/Shanghai")
# Inside Donghu, where the road-bulge story happened; about 22 m north; about 111 m north
# (the duplicate radius is 50 m).
DONGHU = (39.9215, 116.4712)
NEAR = (DONGHU[0] + 0.0002, DONGHU[1])
FAR = (DONGHU[0] + 0.001, DONGHU[1])
_NUMBER = re.compile(r"#(\d{4,})")


def spot(index: int) -> tuple[float, float]:
    """Distinct places in Donghu, about 111 m apart: no report there duplicates another."""
    return 39.9150 + 0.001 * (index % 12), 116.4650 + 0.0015 * (index // 12)


def opening(key: str) -> str:
    """A catalog text up to its first placeholder: enough to recognise it."""
    literal = next(iter(string.Formatter().parse(catalog("zh")[key])))[0]
    return literal.strip()


def label(number: int) -> str:
    return f"#{number:04d}"


def numbers_in(text: str) -> list[int]:
    return [int(found) for found in _NUMBER.findall(text)]


def about(seen: list[Seen], number: int) -> list[Seen]:
    """The messages that name the ticket."""
    return [s for s in seen if number in numbers_in(s.text)]


def saying(seen: list[Seen], key: str) -> list[Seen]:
    """The messages that are the given catalog text."""
    start = opening(key)
    return [s for s in seen if s.text.startswith(start)]


def ticket_named(seen: list[Seen]) -> int:
    """The one ticket the bot's answers name."""
    numbers = {n for s in seen for n in numbers_in(s.text)}
    assert len(numbers) == 1, f"expected one ticket named in {[s.text for s in seen]}"
    return numbers.pop()


async def report(driver: PlatformDriver, role: Role, caption: str,
                 where: tuple[float, float], *, settle: bool = True) -> Posted:
    """The usual report: a photo with a caption, then where it is. Returns the photo."""
    photo = await driver.post_photo(role, caption, settle=False)
    await driver.post_location(role, where, settle=settle)
    return photo


async def filed(driver: PlatformDriver, role: Role, caption: str,
                where: tuple[float, float]) -> int:
    """Report, and return the number of the ticket the reporter is told of."""
    posted = await report(driver, role, caption, where)
    return ticket_named(driver.answers(posted))


async def act(driver: PlatformDriver, role: Role, number: int, action: Action,
              verb: str) -> Answer | None:
    """Staff do something to a ticket: press it on the announcement where there are buttons,
    else type its verb."""
    if driver.capabilities.buttons:
        return await driver.press(role, number, action)
    await driver.command(role, verb, number)
    return None


def told(driver: PlatformDriver, place: Place, role: Role | None, number: int,
         *needles: str) -> list[Seen]:
    """The messages about the ticket in that place that say all of `needles`."""
    return [s for s in about(driver.seen(place, role), number)
            if all(needle in s.text for needle in needles)]
