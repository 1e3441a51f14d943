"""Every page in a real browser, in Catalan, Spanish and English, and on a phone-sized screen.

Set ``CM_TEST_SCREENSHOTS`` to a folder to keep a screenshot of each page.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from community_map import i18n
from community_map.models import Role
from community_map.trust import Actor
from community_map.ui.page_table import PAGES, pages_for

pytestmark = pytest.mark.browser

LANGUAGE_NAMES = {"en": "English", "ca": "Català", "es": "Castellano"}
ACCOUNTS = {
    Role.ADMIN: ("admin", "demo-admin"),
    Role.DISTRICT_VIEWER: ("district", "demo-district"),
    Role.MOTOR_GROUP: ("motorgroup", "demo-motorgroup"),
}


QUIET_FOR_A_SECOND = """() => {
    const busy = document.querySelector('[data-testid="stStatusWidget"]')
        || document.querySelector('[data-stale="true"]');
    if (busy) { window.cmQuietSince = null; return false; }
    window.cmQuietSince = window.cmQuietSince || Date.now();
    return Date.now() - window.cmQuietSince > 1000;
}"""


def _wait_idle(page) -> None:  # type: ignore[no-untyped-def]
    """Wait until the page has a title and the app has been quiet for a second."""
    page.wait_for_selector("[data-testid='stApp']")
    page.locator("[data-testid='stMain'] h1").first.wait_for(timeout=60_000)
    page.evaluate("() => { window.cmQuietSince = null; }")
    page.wait_for_function(QUIET_FOR_A_SECOND, polling=100, timeout=90_000)


def _login(page, base: str, role: Role) -> None:  # type: ignore[no-untyped-def]
    username, password = ACCOUNTS[role]
    page.goto(base)
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Home").wait_for(timeout=30_000)


def _choose_language(page, code: str) -> None:  # type: ignore[no-untyped-def]
    page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first.click()
    page.get_by_role("option", name=LANGUAGE_NAMES[code]).click()
    with i18n.language(code):
        home = i18n.gettext("Home")
    page.get_by_role("heading", name=home).wait_for(timeout=30_000)


def _visit_every_page(  # type: ignore[no-untyped-def]
    page, role: Role, code: str, shots: str | None, on_page=None
) -> list[str]:
    visited = []
    for spec in pages_for(Actor(username="x", role=role)):
        with i18n.language(code):
            title = i18n.gettext(spec.title)
        link = page.locator("[data-testid='stSidebarNav'] a", has_text=title).first
        sidebar = page.locator("[data-testid='stSidebar']")
        if sidebar.get_attribute("data-collapsed") == "true":  # a phone: the sidebar is closed
            page.locator("[data-testid='stExpandSidebarButton']").click()
            page.wait_for_function(
                "() => document.querySelector('[data-testid=stSidebar]')"
                ".getAttribute('data-collapsed') === 'false'",
                timeout=10_000,
            )
        link.click()
        if visited:  # the first page is the default one, served at the root path too
            page.wait_for_function(
                f"() => location.pathname.endsWith('/{spec.url_path}')", timeout=30_000
            )
        _wait_idle(page)
        assert page.locator("[data-testid='stException']").count() == 0, (code, spec.script)
        errors = page.locator("[data-testid='stAlertContentError']").all_inner_texts()
        assert errors == [], (code, spec.script, errors)
        if shots:
            Path(shots).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{shots}/{role.value}-{code}-{spec.url_path}.png", full_page=True)
        if on_page is not None:
            on_page(spec)
        visited.append(spec.script)
    return visited


@pytest.mark.parametrize("code", ["ca", "es", "en"])
def test_every_page_as_administrator(app_url: str, page, code: str) -> None:  # type: ignore[no-untyped-def]
    _login(page, app_url, Role.ADMIN)
    if code != "en":
        _choose_language(page, code)
    shots = os.environ.get("CM_TEST_SCREENSHOTS")
    visited = _visit_every_page(page, Role.ADMIN, code, shots)
    assert visited == [spec.script for spec in PAGES]  # an administrator opens every page
    assert page.errors == []


def test_every_page_on_a_phone_as_district_viewer(app_url: str, browser) -> None:  # type: ignore[no-untyped-def]
    from tests.browser.cdn import install_cdn_routes

    context = browser.new_context(
        locale="ca-ES", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    install_cdn_routes(context)
    phone = context.new_page()
    errors: list[str] = []
    phone.on(
        "pageerror", lambda exc: errors.append(f"{phone.url}: {exc} {getattr(exc, 'stack', '')}")
    )
    username, password = ACCOUNTS[Role.DISTRICT_VIEWER]
    phone.goto(app_url)
    phone.get_by_label("Nom d'usuari").fill(username)
    phone.get_by_label("Contrasenya", exact=True).fill(password)
    phone.get_by_role("button", name="Inicia la sessió").click()
    phone.get_by_role("heading", name="Inici").wait_for(timeout=30_000)
    shots = os.environ.get("CM_TEST_SCREENSHOTS")
    visited = _visit_every_page(phone, Role.DISTRICT_VIEWER, "ca", shots)
    assert visited == ["home.py", "map.py", "coverage.py", "calendar.py"]
    assert errors == []
    context.close()


PARTICIPANT_CODE = r"\bAM-[A-Z0-9]{5}\b"


def _download_texts(page) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """Click every download button of the page; return (file name, text) of each file."""
    import io
    import zipfile

    found = []
    buttons = page.locator("[data-testid='stMain'] [data-testid='stDownloadButton'] button")
    for index in range(buttons.count()):
        for attempt in range(3):
            # a click reruns the page (downloads are audited on the click): wait until the
            # buttons again carry the data of a finished run, then download
            page.evaluate("() => { window.cmQuietSince = null; }")
            page.wait_for_function(QUIET_FOR_A_SECOND, polling=100, timeout=90_000)
            try:
                with page.expect_download(timeout=60_000) as info:
                    buttons.nth(index).click()
                data = Path(info.value.path()).read_bytes()
                break
            except Exception:  # a rerun replaced the file under the click: try again
                if attempt == 2:
                    raise
        if data[:2] == b"PK":  # a workbook: the text of every part
            with zipfile.ZipFile(io.BytesIO(data)) as book:
                text = " ".join(book.read(n).decode("utf-8", "replace") for n in book.namelist())
        else:
            text = data.decode("utf-8", "replace")
        found.append((info.value.suggested_filename, text))
    return found


@pytest.mark.parametrize("role", [Role.DISTRICT_VIEWER, Role.MOTOR_GROUP], ids=lambda r: r.value)
def test_aggregate_only_pages_and_downloads_hold_no_participant_code(
    app_url: str, page, role: Role
) -> None:  # type: ignore[no-untyped-def]
    import re

    _login(page, app_url, role)
    seen_files = []

    def check(spec) -> None:  # type: ignore[no-untyped-def]
        body = page.inner_text("body")
        assert not re.findall(PARTICIPANT_CODE, body), spec.script
        for name, text in _download_texts(page):
            seen_files.append(name)
            assert not re.findall(PARTICIPANT_CODE, text), (spec.script, name)

    _visit_every_page(page, role, "en", None, on_page=check)
    # the check read real downloads: the Calendar's programme workbook and calendar at least
    assert any(n.endswith(".xlsx") for n in seen_files) and any(
        n.endswith(".ics") for n in seen_files
    ), seen_files
