"""The web console in headless Chromium, against the whole bot on each database: sign in with
a link from the chat, see the ticket on the map, resolve it with an uploaded photo (the group
hears "已解决 … 用时"), and be refused with a rider's session or none.

One browser serves the module; the screenshots for the README are taken on SQLite (into
docs/images/ when LIAISON_UPDATE_SCREENSHOTS=1, else into test-artifacts/).
"""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from domain.identity import account
from handlers.web.tokens import digest, new_token
from tests.e2e.harness import GROUP, RIDER, ROADS_STAFF, Harness, jpeg
from tests.e2e.sandbox.conftest import CHROMIUM, CHROMIUM_ARGS, _no_browser
from tests.e2e.web.conftest import link_in, web_section
from tests.e2e.workflow.helpers import say, start_privately

try:
    from playwright.async_api import Page, async_playwright, expect
except ImportError:  # the browser fixture skips, or fails when a browser is required
    Page = expect = async_playwright = None  # type: ignore[assignment,misc]

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="module")]
WAIT_MS = 15_000
OUTSIDE = re.compile(r"^https?://(?!127\.0\.0\.1[:/])")
DOCS_IMAGES = Path(__file__).resolve().parents[3] / "docs" / "images"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def browser() -> AsyncIterator[Any]:
    if not CHROMIUM.exists():
        _no_browser(f"no Chromium at {CHROMIUM}: apt-get install -y chromium")
    if async_playwright is None:
        _no_browser("Playwright for Python is not installed: pip install -e '.[test]'")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                    args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            await launched.close()


@pytest_asyncio.fixture(loop_scope="module")
async def liaison(database_url, tmp_path, clock, backend) -> AsyncIterator[Harness]:
    # On PostgreSQL the map is given a tile server it cannot reach (every request leaving the
    # machine is refused below); on SQLite none at all. Both must show areas and markers.
    tiles = {"tiles_url": "https://{s}.tiles.example.invalid/{z}/{x}/{y}.png",
             "tiles_attribution": "© example"} if backend == "postgresql" else {}
    async with Harness(database_url, tmp_path, clock, web=web_section(**tiles)) as harness:
        yield harness


async def new_page(browser: Any, *, fonts: bool = False) -> Page:
    context = await browser.new_context(viewport={"width": 1280, "height": 860},
                                        locale="zh-CN")
    # Offline on purpose: no map tiles, no fonts or scripts from anywhere else.
    await context.route(OUTSIDE, lambda route: route.abort())
    if not fonts:
        # The CJK font (16 MB) is for the pictures; a test that takes none goes without.
        await context.route("**/fonts/cjk.otf", lambda route: route.abort())
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # A script, style or font the page's own policy blocks would be a broken page too.
    page.on("console", lambda message: errors.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.errors = errors  # type: ignore[attr-defined]
    return page


async def sign_in(page: Page, link: str) -> None:
    await page.goto(link)
    await page.click("#signin-button")
    await page.wait_for_load_state("domcontentloaded")


async def shot(page: Page, name: str, artifacts: Path, backend: str) -> None:
    if backend != "sqlite":
        return
    target = DOCS_IMAGES if os.environ.get("LIAISON_UPDATE_SCREENSHOTS") == "1" else artifacts
    target.mkdir(parents=True, exist_ok=True)
    # The CJK font is fetched when first needed; the picture waits for it.
    await page.evaluate("document.fonts.load('16px \"Liaison CJK\"', '联络群工单')")
    await page.evaluate("document.fonts.ready")
    await page.wait_for_timeout(800)  # text already laid out is redrawn in the font
    await page.screenshot(path=target / f"{name}.png", full_page=name.startswith("ticket"))


async def link_for(liaison: Harness, person: int) -> str:
    """A link as /web makes it, for someone the chat would not give one (a rider)."""
    token = new_token()
    assert liaison.app is not None
    now = liaison.clock.now()
    async with liaison.app.uows() as uow:
        await uow.web.add_link(digest(token), account(person), name="小李", language="zh",
                               next_path="", now=now, expires_at=now + timedelta(minutes=10))
        await uow.commit()
    return f"{liaison.settings.web.link_base}/web/signin/{token}"


async def test_staff_sign_in_see_the_map_and_resolve_with_a_photo(browser, liaison, backend,
                                                                   artifacts):
    report = await liaison.report(caption="路面鼓包，电动车骑过去容易摔")
    await liaison.report(caption="垃圾桶满了", where=(39.9168, 116.4436))
    await start_privately(liaison, ROADS_STAFF)
    await say(liaison, ROADS_STAFF, ROADS_STAFF, "/web")
    link = link_in(liaison.bot_texts(ROADS_STAFF)[-1])
    assert link is not None
    base = liaison.settings.web.link_base

    page = await new_page(browser, fonts=backend == "sqlite")
    await sign_in(page, link)
    assert page.url == f"{base}/web/"
    await page.wait_for_selector("#map[data-ready=true]", timeout=WAIT_MS)
    marker = page.locator('.ticket-marker[data-number="1"]')
    await expect(marker).to_be_visible(timeout=WAIT_MS)
    await expect(page.locator(".ticket-marker")).to_have_count(2)
    assert "status-assigned" in (await marker.get_attribute("class") or "")
    await expect(page.locator("path.leaflet-interactive, svg path").first).to_be_attached()
    await shot(page, "console-map-zh", artifacts, backend)

    await marker.click()
    await page.locator(".leaflet-popup-content a").click()
    await expect(page.locator("article.ticket")).to_have_attribute("data-number", "1")
    liaison.clock.advance(timedelta(hours=5))
    resolve = page.locator("form.action-resolve")
    await resolve.locator("input[name=text]").fill("已铣刨重铺，路面平整")
    await resolve.locator("input[name=photo]").set_input_files(
        files=[{"name": "after.jpg", "mimeType": "image/jpeg", "buffer": jpeg((70, 150, 90))}])
    await resolve.locator("button[type=submit]").click()
    await expect(page.locator(".flash.ok")).to_contain_text("已解决", timeout=WAIT_MS)
    await expect(page.locator("img.photo-after")).to_be_visible(timeout=WAIT_MS)
    await liaison.settle()
    thread = liaison.replies_to(GROUP, report.message_id)
    assert [line for line in thread if re.search(r"已解决.*用时 5 小时 0 分", line)], thread
    await shot(page, "ticket-zh", artifacts, backend)
    liaison.clock.advance(timedelta(minutes=30))  # the figures count what happened before now

    await page.goto(f"{base}/web/tickets/1?lang=en")
    await expect(page.locator("h2").first).to_contain_text("Card")
    await shot(page, "ticket-en", artifacts, backend)
    await page.goto(f"{base}/web/?status=all")
    await page.wait_for_selector("#map[data-ready=true]", timeout=WAIT_MS)
    await shot(page, "console-map-en", artifacts, backend)
    await page.goto(f"{base}/web/dashboard?lang=zh")
    await expect(page.locator(".figure").first).to_be_visible()
    await shot(page, "dashboard-zh", artifacts, backend)

    await page.set_viewport_size({"width": 390, "height": 844})  # a phone
    await page.goto(f"{base}/public/")
    await page.wait_for_selector("#map[data-ready=true]", timeout=WAIT_MS)
    await expect(page.locator(".ticket-marker")).to_have_count(2)
    await shot(page, "public-map-phone-zh", artifacts, backend)
    assert page.errors == []  # type: ignore[attr-defined]
    await page.context.close()


async def test_a_riders_session_and_no_session_are_refused(browser, liaison):
    base = liaison.settings.web.link_base
    rider = await new_page(browser)
    await sign_in(rider, await link_for(liaison, RIDER))
    await expect(rider.locator("[data-problem=not_staff]")).to_be_visible()
    response = await rider.goto(f"{base}/web/tickets/1")
    assert response is not None and response.status == 403
    assert await rider.locator("form.action").count() == 0

    await rider.context.close()
    anonymous = await new_page(browser)
    await anonymous.goto(f"{base}/web/tickets/1")
    assert anonymous.url == f"{base}/web/signin"
    await expect(anonymous.locator("section.signin")).to_contain_text("/web")
    used = await anonymous.goto(await link_for(liaison, ROADS_STAFF))
    assert used is not None and used.status == 200
    await anonymous.context.close()
