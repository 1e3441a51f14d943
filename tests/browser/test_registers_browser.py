"""From an empty database, a centre records its registers through the pages.

Issue 10's acceptance test: starting from `community-map init` and one administrator, the
pages create a programme with two measurement points, two services and three
professionals (and, further on, participants, a community action with sessions and
attendance, collaborations, referrals, tie surveys and assessments), and the networks
and exports then hold exactly that data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.harness import EMPTY_ADMIN

pytestmark = pytest.mark.browser

QUIET = (
    "() => !document.querySelector('[data-stale=\"true\"]')"
    " && !document.querySelector('[data-testid=\"stStatusWidget\"]')"
)


@pytest.fixture(scope="module")
def empty_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The app on an empty database (init + one administrator); its URL and database file."""
    from tests.browser.harness import empty_app

    folder = tmp_path_factory.mktemp("empty-app")
    try:
        with empty_app(folder) as base:
            yield base, folder / "empty.db"
    except RuntimeError as exc:
        pytest.fail(str(exc))


def _quiet(page) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_timeout(300)
    page.wait_for_function(QUIET, timeout=30_000)


def _panel(page):  # type: ignore[no-untyped-def]
    """The visible tab panel, or the main area when the page has no tabs."""
    panels = page.locator("[role='tabpanel']:visible")
    return panels.first if panels.count() else page.locator("[data-testid='stMain']")


def _choose(scope, page, label: str, option: str) -> None:  # type: ignore[no-untyped-def]
    """Pick ``option`` (its visible text) in the selectbox labelled ``label``."""
    scope.get_by_label(label, exact=True).first.click()
    page.keyboard.type(option)
    page.get_by_role("option", name=option, exact=True).first.click()


def _date(scope, page, label: str, day: dt.date, nth: int = 0) -> None:  # type: ignore[no-untyped-def]
    scope.get_by_role("spinbutton", name=f"day, {label}").nth(nth).click()
    page.keyboard.type(day.strftime("%d%m%Y"))
    page.keyboard.press("Escape")


def _open(page, link: str, heading: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("link", name=link, exact=True).click()
    page.get_by_role("heading", name=heading).first.wait_for(timeout=30_000)
    _quiet(page)


def _saved(page, text: str) -> None:  # type: ignore[no-untyped-def]
    expect(
        page.locator("[data-testid='stAlertContentSuccess']").filter(has_text=text)
    ).to_be_visible(timeout=30_000)
    _quiet(page)


SERVICES = (
    ("CSS-RAVAL", "CSS Raval", "Social care", "Public"),
    ("ECAS", "Làbora – ECAS", "Employment", "Third sector"),
)
PROFESSIONALS = (
    ("TS-1", "Social worker", "CSS-RAVAL · CSS Raval"),
    ("ED-1", "Social educator", "CSS-RAVAL · CSS Raval"),
    ("OL-1", "Job counsellor", "ECAS · Làbora – ECAS"),
)
POINTS = (
    ("T0 baseline survey", dt.date(2022, 9, 1), dt.date(2022, 10, 31)),
    ("T1 post survey", dt.date(2023, 10, 1), dt.date(2023, 12, 31)),
)


def test_a_centre_records_its_registers_from_an_empty_database(  # type: ignore[no-untyped-def]
    empty_url: tuple[str, Path], page
) -> None:
    base, database = empty_url
    page.goto(base)
    page.get_by_label("User name").fill(EMPTY_ADMIN[0])
    page.get_by_label("Password", exact=True).fill(EMPTY_ADMIN[1])
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Home").wait_for(timeout=30_000)

    # two services, with field of work and legal nature apart
    _open(page, "Services and professionals", "Services and professionals")
    for code, name, field, nature in SERVICES:
        form = page.locator("[data-testid='stForm']").first
        form.get_by_label("Code", exact=True).fill(code)
        form.get_by_label("Name", exact=True).fill(name)
        _choose(form, page, "Field of work", field)
        _choose(form, page, "Legal nature", nature)
        form.get_by_role("button", name="Save the service").click()
        _saved(page, f"Service {code} saved.")
        _choose(page.locator("[data-testid='stMain']"), page, "Service to edit", "New service")
        _quiet(page)

    # three professionals
    page.get_by_role("tab", name="Professionals").click()
    for code, role, service in PROFESSIONALS:
        panel = _panel(page)
        form = panel.locator("[data-testid='stForm']").first
        form.get_by_label("Code", exact=True).fill(code)
        form.get_by_label("Profession", exact=True).fill(role)
        _choose(form, page, "Service", service)
        form.get_by_role("button", name="Save the professional").click()
        _saved(page, f"Professional {code} saved.")
        page.get_by_role("tab", name="Professionals").click()
        _choose(_panel(page), page, "Professional to edit", "New professional")
        _quiet(page)

    # a programme with two measurement points
    _open(page, "Programmes", "Programmes")
    form = page.locator("[data-testid='stForm']").first
    form.get_by_label("Code", exact=True).fill("AMUNT-E2E")
    form.get_by_label("Name", exact=True).fill("Amunt! 2022-23")
    _date(form, page, "From", dt.date(2022, 9, 1))
    _date(form, page, "To", dt.date(2023, 12, 31))
    _choose(form, page, "Lead centre or service", "CSS Raval")
    for n, (name, first, last) in enumerate(POINTS):
        form.get_by_label(f"Name of point {n + 1}", exact=True).fill(name)
        _date(form, page, "From", first, nth=n + 1)
        _date(form, page, "To", last, nth=n + 1)
    form.get_by_role("button", name="Save the programme").click()
    _saved(page, "Programme AMUNT-E2E saved.")

    from sqlalchemy import select

    from community_map import activities, territory
    from community_map.models import Professional, Service
    from community_map.storage import create_db_engine, session_scope

    engine = create_db_engine(f"sqlite:///{database}")
    with session_scope(engine) as s:
        services = {
            code: (field, nature)
            for code, field, nature in s.execute(
                select(Service.code, Service.field_of_work, Service.legal_nature)
            )
        }
        staff = {
            code: (role, service)
            for code, role, service in s.execute(
                select(Professional.code, Professional.role, Service.code).join(Service)
            )
        }
        waves = activities.programme_waves(s, "AMUNT-E2E")
        frame = territory.services_frame(s)
    engine.dispose()
    assert services == {
        "CSS-RAVAL": ("social_care", "public"),
        "ECAS": ("employment", "third_sector"),
    }
    assert staff == {
        "TS-1": ("Social worker", "CSS-RAVAL"),
        "ED-1": ("Social educator", "CSS-RAVAL"),
        "OL-1": ("Job counsellor", "ECAS"),
    }
    assert waves == {name: (first, last) for name, first, last in POINTS}
    assert len(frame) == 2
    assert page.errors == []
    assert page.locator("[data-testid='stException']").count() == 0
