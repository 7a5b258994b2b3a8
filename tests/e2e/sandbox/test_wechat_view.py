"""The sandbox's WeChat view in headless Chromium: a rider follows the service account, sends
the sample photo and the preset place, reads the ticket's number in the chat, and reads its
progress there once the department's staff acknowledge it in their Telegram group."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

try:
    from playwright.async_api import Page, expect
except ImportError:  # the `browser` fixture skips, or fails when a browser is required
    Page = expect = None  # type: ignore[assignment,misc]

from bot.sandbox import Sandbox
from bot.sandbox.wechat_view import RIDER
from bot.settings import SAMPLE_CONFIG, load_settings
from domain.clock import FakeClock
from domain.status import Status
from handlers.texts import Texts
from tests.e2e.sandbox.glyphs import boxes
from tests.e2e.sandbox.test_page import open_page

pytestmark = pytest.mark.browser

TEXTS = Texts("zh")
WAIT_MS = 15_000
NUMBER = re.compile(r"#(\d{4,})")


async def running(clock: FakeClock | None = None,
                  **switches: bool) -> AsyncIterator[Sandbox]:
    settings = load_settings(SAMPLE_CONFIG)
    settings = settings.model_copy(update={
        "sandbox": settings.sandbox.model_copy(update=switches)})
    async with Sandbox(settings, listen="127.0.0.1:0", fast=True,
                       clock=clock) as started:
        yield started


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    # Business time is the test's: two days pass before the ticket is resolved.
    async for started in running(FakeClock(), wechat=True):
        yield started


@pytest.fixture
async def both() -> AsyncIterator[Sandbox]:
    """WeChat and WeCom at once (the first department then works in WeCom)."""
    async for started in running(wechat=True, wecom=True):
        yield started


def account(page: Page):
    return page.locator("[data-testid=wechat-messages] li.account")


async def as_staff_in_telegram(sandbox: Sandbox, number: int, command: str,
                               then: Status) -> None:
    """The staff of the ticket's department type a command in their Telegram group."""
    assert sandbox.app is not None and sandbox.server is not None
    async with sandbox.app.uows(read_only=True) as uow:
        ticket = await uow.tickets.get(number)
    assert ticket is not None
    chat = next(c for c in sandbox.cast.chats if c.department_id == ticket.department_id)
    staff = next(p for p in sandbox.cast.personas
                 if (ticket.department_id, "staff") in p.posts)
    await sandbox.server.post_command(chat.id, staff.id, command)
    await sandbox.settle()
    async with sandbox.app.uows(read_only=True) as uow:
        ticket = await uow.tickets.get(number)
    assert ticket is not None and ticket.status is then


async def until_status(sandbox: Sandbox, number: int, status: Status) -> None:
    """Wait for what happens on the far side of sockets (no event to wait on here)."""
    assert sandbox.app is not None
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT_MS / 1000
    while True:
        async with sandbox.app.uows(read_only=True) as uow:
            ticket = await uow.tickets.get(number)
        assert ticket is not None
        if ticket.status is status:
            return
        assert loop.time() < deadline, f"#{number} is {ticket.status}, not {status}"
        await asyncio.sleep(0.05)


async def test_a_rider_reports_and_follows_progress_in_the_wechat_view(browser, sandbox,
                                                                      artifacts):
    page = await open_page(browser, f"{sandbox.page_url}/sandbox/wechat")
    await expect(page.locator("#composer")).to_be_hidden()
    await page.get_by_role("button", name="关注公众号").click()
    await expect(page.locator("li.system")).to_contain_text("你已关注该公众号",
                                                            timeout=WAIT_MS)
    # The account's menu, as configured, and the preset place with its name.
    menu = page.locator("[data-testid=wechat-menu] button")
    await expect(menu).to_have_text(["报告问题", "我的工单", "附近驿站"])
    await expect(page.locator("#send-location")).to_contain_text("东湖路与西坝街路口")

    await page.click("#send-photo")
    await expect(page.locator("li.rider img")).to_be_visible(timeout=WAIT_MS)
    await page.fill("[data-testid=wechat-text]", "路面鼓包，电动车容易摔")
    await page.click("#composer button[type=submit]")
    await page.click("#send-location")
    await expect(page.locator("li.rider .place-name")).to_have_text("东湖路与西坝街路口")
    await expect(account(page).filter(has_text="#0001").first).to_be_visible(timeout=WAIT_MS)
    assert sandbox.app is not None
    async with sandbox.app.uows(read_only=True) as uow:
        ticket = await uow.tickets.get(1)
    assert ticket is not None and ticket.reporter.user_id == f"wechat:{RIDER}"
    assert "东湖路与西坝街路口" in (ticket.address or "")

    before = await account(page).count()
    await as_staff_in_telegram(sandbox, 1, "/ack 1", Status.ACKNOWLEDGED)
    progress = account(page).nth(before)
    await expect(progress).to_contain_text("#0001", timeout=WAIT_MS)
    await expect(progress).to_contain_text("已受理", timeout=WAIT_MS)

    # Resolved while the rider's window is open: the question comes as a click menu, its
    # lines tapped on the page as on the phone.
    await as_staff_in_telegram(sandbox, 1, "/resolve 1 已铣刨重铺，路面平整", Status.RESOLVED)
    question = account(page).filter(has=page.locator(".menu-line")).last
    await expect(question).to_contain_text("已铣刨重铺", timeout=WAIT_MS)
    for line in ("满意 #0001", "1 已解决 #0001"):
        await question.get_by_role("button", name=line, exact=True).click()
        await expect(page.locator("li.rider").last).to_have_text(line, timeout=WAIT_MS)
    await until_status(sandbox, 1, Status.CLOSED)

    # A second report, acknowledged two days on: customer-service messages may no longer
    # reach the rider (48 h after their last message), so the progress comes as a template
    # message, drawn as its card.
    await page.click("#send-photo")
    await page.click("#send-location")
    await expect(account(page).filter(has_text="#0002").first).to_be_visible(timeout=WAIT_MS)
    await sandbox.later(timedelta(hours=49))
    await as_staff_in_telegram(sandbox, 2, "/ack 2", Status.ACKNOWLEDGED)
    card = page.locator("[data-testid=wechat-template]").last
    await expect(card).to_contain_text("工单进度通知", timeout=WAIT_MS)
    await expect(card.locator("dt").first).to_have_text("工单编号")
    await expect(card.locator("dd").first).to_contain_text("0002")

    # A menu button runs its command: 我的工单 lists the rider's tickets.
    shown = await account(page).count()
    await menu.filter(has_text="我的工单").click()
    await expect(page.locator("li.rider").last).to_contain_text("我的工单")
    await expect(account(page).nth(shown)).to_contain_text("#0002", timeout=WAIT_MS)

    await page.evaluate("document.fonts.ready")
    await page.screenshot(path=str(artifacts / "sandbox-wechat.png"))
    found = await boxes(page, "body *:not(script):not(style)")
    assert found == [], "\n".join(found)
    await page.click("[data-lang=en]")
    await expect(page.locator("#send-location")).to_contain_text("Donghu Rd / Xiba St crossing")
    await expect(card.locator(".title")).to_have_text("Ticket progress")
    await expect(card.locator("dt").first).to_have_text("Ticket")
    assert page.errors == []  # type: ignore[attr-defined]


async def test_the_wecom_view_draws_beside_it(browser, both):
    """Both views share their page code (view.js): with both on, each starts."""
    page = await open_page(browser, f"{both.page_url}/sandbox/wechat")
    await expect(page.locator("#follow")).to_have_text("关注公众号")
    page = await open_page(browser, f"{both.page_url}/sandbox/wecom")
    await expect(page.locator("[data-testid=wecom-member] option").first).to_contain_text(
        "张师傅", timeout=WAIT_MS)
    await expect(page.locator("[data-testid=wecom-posts]")).to_be_attached()
    assert page.errors == []  # type: ignore[attr-defined]
