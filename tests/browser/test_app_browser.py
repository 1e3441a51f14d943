"""The app in a real browser: log in and read the Home page in each language."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

HOME_TITLES = {"en": "Home", "ca": "Inici", "es": "Inicio"}
LANGUAGE_NAMES = {"en": "English", "ca": "Català", "es": "Castellano"}


def _wait_idle(page) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_selector("[data-testid='stApp']")
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000
    )


def _login(page, base: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base)
    page.get_by_label("User name").fill("admin")
    page.get_by_label("Password", exact=True).fill("demo-admin")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Home").wait_for(timeout=30_000)


def _choose_language(page, code: str) -> None:  # type: ignore[no-untyped-def]
    page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first.click()
    page.get_by_role("option", name=LANGUAGE_NAMES[code]).click()
    page.get_by_role("heading", name=HOME_TITLES[code]).wait_for(timeout=30_000)


def test_login_and_home_in_each_language(app_url: str, page) -> None:  # type: ignore[no-untyped-def]
    _login(page, app_url)
    for code in ("en", "ca", "es"):
        if code != "en":
            _choose_language(page, code)
        _wait_idle(page)
        metrics = page.locator("[data-testid='stMetricValue']")
        expect(metrics).to_have_count(5, timeout=30_000)
        expect(page.get_by_role("heading", name=HOME_TITLES[code])).to_be_visible()
        for value in metrics.all_inner_texts():
            assert re.fullmatch(r"[\d\u202f]+", value.strip()), value
        assert page.locator("[data-testid='stException']").count() == 0
        assert page.locator("[data-testid='stAlertContentError']").count() == 0
    assert page.errors == []


def test_wrong_password_is_refused(app_url: str, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(app_url)
    page.get_by_label("User name").fill("admin")
    page.get_by_label("Password", exact=True).fill("wrong-password")
    page.get_by_role("button", name="Log in").click()
    page.get_by_text("Wrong user name or password.").wait_for(timeout=30_000)
    assert page.get_by_role("heading", name="Home").count() == 0


def _coordinator_login(page) -> None:  # type: ignore[no-untyped-def]
    page.get_by_label("User name").fill("coordinator")
    page.get_by_label("Password", exact=True).fill("demo-coordinator")
    page.get_by_role("button", name="Log in").click()


def _login_cookie(page) -> str | None:  # type: ignore[no-untyped-def]
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    return cookies.get("community_map_login")


def test_login_survives_a_reload_until_log_out(app_url: str, page) -> None:  # type: ignore[no-untyped-def]
    # A deep link asked for before logging in opens once logged in.
    page.goto(f"{app_url}/programme")
    _coordinator_login(page)
    page.get_by_role("heading", name="Calendar").wait_for(timeout=30_000)
    assert page.url.rstrip("/").endswith("/programme")
    _wait_idle(page)
    page.wait_for_function("() => document.cookie.includes('community_map_login=')", timeout=30_000)
    token = _login_cookie(page)
    assert token and token.count(".") == 2
    # A reload is a new Streamlit session: the signed cookie logs back in, same page.
    page.reload()
    page.get_by_role("heading", name="Calendar").wait_for(timeout=30_000)
    _wait_idle(page)
    assert page.get_by_label("User name").count() == 0
    # Log out: the login page, and a reload does not log back in.
    page.get_by_role("button", name="Log out").click()
    page.get_by_role("button", name="Log in").wait_for(timeout=30_000)
    page.reload()
    page.get_by_role("button", name="Log in").wait_for(timeout=30_000)
    _wait_idle(page)
    assert page.get_by_role("heading", name="Calendar").count() == 0
    assert page.errors == []
