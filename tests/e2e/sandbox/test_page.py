"""The sandbox page in headless Chromium: a rider reports, staff work the card, it changes."""

from __future__ import annotations

import re

import pytest

try:
    from playwright.async_api import Page, expect
except ImportError:  # the `browser` fixture skips, or fails when a browser is required
    Page = expect = None  # type: ignore[assignment,misc]

from bot.sandbox.pictures import road_bulge
from handlers import registry
from handlers.texts import Texts
from tests.e2e.harness import GROUP, ROADS_CHAT, ROADS_STAFF
from tests.e2e.sandbox.glyphs import boxes

pytestmark = pytest.mark.browser

TEXTS = Texts("zh")
WAIT_MS = 15_000
OUTSIDE = re.compile(r"^https?://(?!127\.0\.0\.1[:/])")
BULGE = (39.912, 116.482)  # a street in Donghu, away from the place markers


def card(page: Page):
    """The ticket's card: the bot's message about #0001 that carries buttons."""
    return page.locator("li.message.bot", has_text="#0001").filter(
        has=page.locator(".keyboard")).first


def status_is(word: str) -> re.Pattern[str]:
    """The card's first line names the status (its buttons may carry the same words)."""
    return re.compile(rf"#0001 [^\n]* · {re.escape(word)}")


async def open_page(browser, url: str) -> Page:
    context = await browser.new_context(viewport={"width": 1400, "height": 900})
    # Offline on purpose: map tiles must be optional.
    await context.route(OUTSIDE, lambda route: route.abort())
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors  # type: ignore[attr-defined]
    await page.goto(url, wait_until="domcontentloaded")
    await page.wait_for_selector("body[data-ready=true]", timeout=WAIT_MS)
    return page


async def no_boxes(page: Page) -> None:
    """No character on the page is drawn as a box (a font without it): every element's own
    text, the header, the chat list, the help, the messages and the buttons."""
    await page.evaluate("document.fonts.ready")
    found = await boxes(page, "body *:not(script):not(style):not(option)")
    assert found == [], "\n".join(found)


def overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])


async def toasts_leave_the_composer_free(page: Page) -> None:
    """The bot's answer to a press shows as a toast: never over the message box or Send, and
    gone after a few seconds."""
    toast = page.locator(".toast").first
    await expect(toast).to_be_visible(timeout=WAIT_MS)
    composer = await page.locator("#composer").bounding_box()
    for box in [await t.bounding_box() for t in await page.locator(".toast").all()]:
        assert box is not None and composer is not None
        assert not overlap(box, composer), f"a toast {box} covers the composer {composer}"
    await expect(page.locator(".toast")).to_have_count(0, timeout=WAIT_MS)


async def report_as_rider(page: Page) -> None:
    await page.set_input_files("#photo-input", files=[
        {"name": "bulge.jpg", "mimeType": "image/jpeg", "buffer": road_bulge()}])
    await page.fill("#caption", "路面鼓包，电动车骑过去容易摔")
    await page.click("#photo-send")
    await expect(page.locator("li.message.mine img.photo")).to_be_visible(timeout=WAIT_MS)

    await page.click("#location-open")
    point = await page.evaluate("([lat, lon]) => window.sandboxMap.pixelFor(lat, lon)",
                                list(BULGE))
    await page.mouse.click(point["x"], point["y"])
    assert abs(float(await page.input_value("#lat")) - BULGE[0]) < 0.001
    assert abs(float(await page.input_value("#lon")) - BULGE[1]) < 0.001
    assert await page.input_value("#place") == "", "a free click is not a known place"
    await page.click("#location-send")
    await expect(page.locator("li.message.mine .location")).to_be_visible(timeout=WAIT_MS)


async def resolve_as_staff(page: Page) -> None:
    """Whatever the card offers: its resolve button, a choice after it, or the command."""
    await card(page).get_by_role("button", name=TEXTS("button.resolve")).click()
    resolved = TEXTS("status.resolved")
    try:
        await expect(card(page).locator(".text")).to_contain_text(status_is(resolved),
                                                                  timeout=3000)
        return
    except AssertionError:
        pass
    await page.fill("#text", "/resolve 1 已铣刨重铺，路面平整")
    await page.click("#composer button[type=submit]")
    await expect(card(page).locator(".text")).to_contain_text(status_is(resolved),
                                                              timeout=WAIT_MS)


async def confirm_and_rate_as_rider(page: Page) -> None:
    """The reporter is asked privately; the bell on their name says so."""
    rider = page.locator("#persona option", has_text="🔔").first
    await expect(rider).to_have_count(1, timeout=WAIT_MS)
    await page.select_option("#persona", await rider.get_attribute("value"))
    await page.click(".chat-entry >> nth=-1")  # their private chat with the bot
    for label in (TEXTS("verify.fixed"), TEXTS("rating.satisfied")):
        await page.locator("li.message.bot").get_by_role("button", name=label).last.click()
    await expect(page.locator("li.message.bot").last).to_contain_text(
        TEXTS("rating.satisfied"), timeout=WAIT_MS)
    await page.click(f"[data-chat-id='{GROUP}']")
    await expect(card(page).locator(".text")).to_contain_text(
        status_is(TEXTS("status.closed")), timeout=WAIT_MS)
    # Answered: the group's copy of the question keeps no buttons.
    asked = page.locator("li.message.bot", has_text=re.compile(r"#0001 \S+ · [^\n]* · 用时"))
    await expect(asked).to_have_count(1, timeout=WAIT_MS)
    await expect(asked).to_contain_text(TEXTS("rating.satisfied"), timeout=WAIT_MS)
    await expect(asked.locator(".keyboard")).to_have_count(0, timeout=WAIT_MS)


async def test_report_acknowledge_and_resolve_on_the_page(browser, sandbox, artifacts):
    page = await open_page(browser, sandbox.page_url)
    await no_boxes(page)
    await report_as_rider(page)
    await expect(card(page).locator(".text")).to_contain_text(
        status_is(TEXTS("status.assigned")), timeout=WAIT_MS)
    await expect(card(page)).to_contain_text("道路养护所")

    await page.select_option("#persona", str(ROADS_STAFF))
    await card(page).get_by_role("button", name=TEXTS("button.acknowledge")).click()
    await expect(card(page).locator(".text")).to_contain_text(
        status_is(TEXTS("status.acknowledged")), timeout=WAIT_MS)
    await toasts_leave_the_composer_free(page)

    if "resolve" in registry.COMMANDS:  # the staff workflow is installed
        await resolve_as_staff(page)
        if TEXTS.has("verify.fixed"):
            await confirm_and_rate_as_rider(page)
    await page.evaluate("document.fonts.ready")  # the picture shows the page as it settles
    await no_boxes(page)
    await page.screenshot(path=artifacts / "sandbox-group.png")

    await page.click(f"[data-chat-id='{ROADS_CHAT}']")
    await expect(page.locator("li.message.bot", has_text="#0001").first).to_be_visible(
        timeout=WAIT_MS)
    await page.evaluate("document.fonts.ready")
    await page.screenshot(path=artifacts / "sandbox-department.png")
    assert page.errors == []  # type: ignore[attr-defined]
