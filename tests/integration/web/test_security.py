"""Who gets in: sign-in links, sessions, roles and CSRF, on each database."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import timedelta

from bot import wiring
from handlers.web.tokens import digest
from tests.integration.web.console import ADMIN, RIDER, ROADS_STAFF, SANITATION_STAFF, Console

STAFF_PAGES = ["/web/", "/web/tickets", "/web/tickets/1", "/web/dashboard"]
STAFF_API = ["/web/api/map?bbox=116.4,39.89,116.5,39.95&zoom=14", "/web/api/areas"]


def nonce_of(html: str) -> str:
    found = re.search(r'name="nonce" value="([^"]+)"', html)
    assert found is not None, html
    return found.group(1)


async def test_without_a_session_pages_lead_to_sign_in_and_the_api_says_401(
        console: Console):
    await console.file()
    for path in STAFF_PAGES:
        response = await console.client.get(path, allow_redirects=False)
        assert response.status == 303, path
        assert response.headers["Location"] == "/web/signin"
    followed = await console.client.get("/web/tickets/1")
    assert followed.url.path == "/web/signin"
    assert "/web" in await followed.text()
    for path in STAFF_API:
        assert (await console.client.get(path)).status == 401, path
    # Nor can anyone act without a session.
    acted = await console.client.post("/web/tickets/1/act", data={"op": "acknowledge"},
                                      allow_redirects=False)
    assert acted.status == 403


async def test_a_link_signs_in_once_and_leads_to_the_page_it_was_made_for(console: Console):
    number = await console.file()
    path = await console.link(ROADS_STAFF, next_path=f"/web/tickets/{number}")
    page = await console.client.get(path)
    assert page.status == 200
    # Opening the link does not use it (link previews open links too).
    again = await console.client.get(path)
    assert again.status == 200
    nonce = nonce_of(await again.text())
    done = await console.client.post(path, data={"nonce": nonce}, allow_redirects=False)
    assert done.status == 303 and done.headers["Location"] == f"/web/tickets/{number}"
    cookie = done.headers.getall("Set-Cookie")
    session = next(c for c in cookie if c.startswith("liaison_session="))
    assert "HttpOnly" in session and "SameSite=Lax" in session and "Secure" not in session
    assert (await console.client.get(f"/web/tickets/{number}")).status == 200

    other = await console.browser()
    reused = await other.get(path)
    assert reused.status == 403
    assert "signin_failed" in await reused.text()
    posted = await other.post(path, data={"nonce": nonce}, allow_redirects=False)
    assert posted.status == 403
    assert (await other.get("/web/tickets", allow_redirects=False)).status == 303


async def test_an_expired_link_is_refused(console: Console):
    path = await console.link(ROADS_STAFF)
    page = await console.client.get(path)
    nonce = nonce_of(await page.text())
    console.clock.advance(timedelta(minutes=10, seconds=1))
    assert (await console.client.post(path, data={"nonce": nonce},
                                      allow_redirects=False)).status == 403
    assert (await console.client.get(path)).status == 403
    assert (await console.client.get("/web/", allow_redirects=False)).status == 303


async def test_a_link_is_used_only_by_the_browser_that_opened_it(console: Console):
    path = await console.link(ROADS_STAFF)
    nonce = nonce_of(await (await console.client.get(path)).text())
    # Another site posting the form (without the cookie the link page set) gets nowhere.
    stranger = await console.browser()
    assert (await stranger.post(path, data={"nonce": nonce},
                                allow_redirects=False)).status == 403
    assert (await stranger.post(path, data={}, allow_redirects=False)).status == 403
    # …and the link is still good for its owner.
    done = await console.client.post(path, data={"nonce": nonce}, allow_redirects=False)
    assert done.status == 303


async def test_malformed_links_are_refused(console: Console):
    for token in ("short", "x" * 43 + "!", "../../etc/passwd", "%00" * 20):
        assert (await console.client.get(f"/web/signin/{token}")).status in (403, 404), token


async def test_a_riders_session_is_refused_on_every_staff_page(console: Console):
    await console.file()
    path = await console.link(RIDER)
    nonce = nonce_of(await (await console.client.get(path)).text())
    await console.client.post(path, data={"nonce": nonce}, allow_redirects=False)
    for page in [*STAFF_PAGES, "/web/tickets/export.xlsx"]:
        response = await console.client.get(page, allow_redirects=False)
        assert response.status == 403, page
        assert 'data-problem="not_staff"' in await response.text()
    for api in STAFF_API:
        assert (await console.client.get(api)).status == 403, api


async def test_a_post_without_the_sessions_csrf_token_is_refused(console: Console):
    number = await console.file()
    csrf = await console.sign_in(ROADS_STAFF)
    for data in ({"op": "acknowledge"}, {"op": "acknowledge", "csrf": "x" * 43},
                 {"op": "acknowledge", "csrf": ""}):
        response = await console.client.post(f"/web/tickets/{number}/act", data=data,
                                             allow_redirects=False)
        assert response.status == 403
        assert 'data-problem="csrf"' in await response.text()
    # Another person's token does not do either.
    other = await console.browser()
    other_csrf = await console.sign_in(SANITATION_STAFF, other)
    response = await console.client.post(f"/web/tickets/{number}/act",
                                         data={"op": "acknowledge", "csrf": other_csrf},
                                         allow_redirects=False)
    assert response.status == 403
    async with console.uows(read_only=True) as uow:
        assert (await uow.tickets.get(number)).status.value == "assigned"
    ok = await console.client.post(f"/web/tickets/{number}/act",
                                   data={"op": "acknowledge", "csrf": csrf},
                                   allow_redirects=False)
    assert ok.status == 303
    assert (await console.client.post("/web/signout", data={},
                                      allow_redirects=False)).status == 403


async def test_signing_out_ends_the_session_everywhere(console: Console):
    csrf = await console.sign_in(ROADS_STAFF)
    cookie = console.client.session.cookie_jar.filter_cookies(
        console.client.make_url("/"))["liaison_session"].value
    out = await console.client.post("/web/signout", data={"csrf": csrf}, allow_redirects=False)
    assert out.status == 303
    async with console.uows(read_only=True) as uow:
        assert await uow.web.session_of(digest(cookie), console.clock.now()) is None
    replayed = await console.browser()
    replayed.session.cookie_jar.update_cookies({"liaison_session": cookie})
    assert (await replayed.get("/web/", allow_redirects=False)).status == 303


async def test_a_session_ends_after_its_lifetime(console: Console):
    await console.sign_in(ROADS_STAFF)
    assert (await console.client.get("/web/", allow_redirects=False)).status == 200
    console.clock.advance(timedelta(hours=console.settings.web.session_hours, seconds=1))
    assert (await console.client.get("/web/", allow_redirects=False)).status == 303


async def test_roles_are_read_at_every_request(console: Console):
    """Someone removed from the staff list loses the console at once."""
    await console.sign_in(ROADS_STAFF)
    assert (await console.client.get("/web/tickets")).status == 200
    for department in console.settings.departments:
        department.staff = [p for p in department.staff if p != ROADS_STAFF]
    console.deps.directory.__init__(wiring.roster(console.settings))  # type: ignore[misc]
    assert (await console.client.get("/web/tickets")).status == 403


async def test_where_a_sign_in_leads_is_only_ever_this_console(console: Console):
    for target in ("https://evil.example/", "//evil.example/x", "/web/signin/abc",
                   "/public/"):
        path = await console.link(ROADS_STAFF, next_path=target)
        browser = await console.browser()
        nonce = nonce_of(await (await browser.get(path)).text())
        done = await browser.post(path, data={"nonce": nonce}, allow_redirects=False)
        assert done.headers["Location"] == "/web/", target
    # A page asked for before signing in is where the sign-in then leads.
    browser = await console.browser()
    await browser.get("/web/tickets?status=all", allow_redirects=False)
    path = await console.link(ROADS_STAFF)
    nonce = nonce_of(await (await browser.get(path)).text())
    done = await browser.post(path, data={"nonce": nonce}, allow_redirects=False)
    assert done.headers["Location"] == "/web/tickets?status=all"


async def test_pages_forbid_framing_and_never_send_a_referrer(console: Console):
    path = await console.link(ROADS_STAFF)
    page = await console.client.get(path)
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["Cache-Control"] == "no-store"


async def test_only_admins_export(console: Console):
    await console.file()
    await console.sign_in(ROADS_STAFF)
    assert (await console.client.get("/web/tickets/export.xlsx")).status == 403
    admin = await console.browser()
    await console.sign_in(ADMIN, admin)
    xlsx = await admin.get("/web/tickets/export.xlsx?from=2026-06-01&to=2026-06-01")
    assert xlsx.status == 200 and (await xlsx.read())[:2] == b"PK"
    csv = await admin.get("/web/tickets/export.csv")
    assert csv.status == 200
    names = zipfile.ZipFile(io.BytesIO(await csv.read())).namelist()
    assert names == ["events.csv", "tickets.csv"]
