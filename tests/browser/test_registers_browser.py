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
    box = scope.locator("[data-testid='stSelectbox']").filter(
        has=page.get_by_text(label, exact=True)
    )
    if box.count() and option in box.first.inner_text():
        return
    scope.get_by_label(label, exact=True).first.click()
    page.keyboard.type(option)
    page.get_by_role("option", name=option, exact=True).first.click()


def _pick(scope, page, label: str, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type ``text`` into the selectbox or multiselect labelled ``label``; take the first match."""
    multi = scope.locator("[data-testid='stMultiSelect']").filter(
        has=page.get_by_text(label, exact=True)
    )
    for attempt in range(3):  # the list may open late (an expander or a rerun under way)
        scope.get_by_label(label, exact=True).first.click()
        page.wait_for_timeout(300)
        page.keyboard.type(text)
        try:
            page.get_by_role("option").filter(has_text=text).first.click(timeout=10_000)
            break
        except Exception:
            page.keyboard.press("Escape")
            if attempt == 2:
                raise
    if multi.count():  # a multiselect's list stays open after a choice
        page.keyboard.press("Escape")


def _date(scope, page, label: str, day: dt.date, nth: int = 0) -> None:  # type: ignore[no-untyped-def]
    scope.get_by_role("spinbutton", name=f"day, {label}").nth(nth).click()
    page.keyboard.type(day.strftime("%d%m%Y"))
    page.keyboard.press("Escape")


def _no_error(page) -> None:  # type: ignore[no-untyped-def]
    errors = page.locator("[data-testid='stAlertContentError']").all_inner_texts()
    if errors:
        page.screenshot(path="/tmp/e2e_error.png", full_page=True)
    assert errors == []


def _open(page, link: str, heading: str) -> None:  # type: ignore[no-untyped-def]
    _quiet(page)
    for attempt in range(3):  # a click during a rerun of the previous page can be lost
        page.get_by_role("link", name=link, exact=True).click()
        try:
            page.get_by_role("heading", name=heading).first.wait_for(timeout=15_000)
            break
        except Exception:
            if attempt == 2:
                raise
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

    _participants_action_sessions_and_attendance(page)
    _collaborations_and_referrals(page)
    _tie_surveys(page)
    _assessments(page)
    _open(page, "Networks", "Networks")
    expect(page.locator("[data-testid='stException']")).to_have_count(0)

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
    _networks_are_the_hand_worked_ones(database)
    _registers_round_trip_through_excel(database, database.parent)
    assert page.errors == []
    assert page.locator("[data-testid='stException']").count() == 0


PEOPLE = [f"P{n:02d}" for n in range(1, 13)]
GROUP_A, GROUP_B = PEOPLE[:6], PEOPLE[6:]
SESSIONS = [dt.date(2022, 10, 3) + dt.timedelta(weeks=w) for w in range(4)]


def _participants_action_sessions_and_attendance(page) -> None:  # type: ignore[no-untyped-def]
    """Twelve participants; a community action with four weekly sessions in October 2022:
    group A (P01-P06) attends the first two, group B (P07-P12) the last two."""
    _open(page, "Participants", "Participants")
    for n, code in enumerate(PEOPLE):
        form = page.locator("[data-testid='stForm']").first
        form.get_by_label("Code", exact=True).fill(code)
        _choose(form, page, "Gender", "Woman" if n % 2 == 0 else "Man")
        form.get_by_text("Data processing", exact=True).click()
        form.get_by_text("Network survey", exact=True).click()
        form.get_by_role("button", name="Save the participant").click()
        _saved(page, f"Participant {code} saved.")
        _choose(
            page.locator("[data-testid='stMain']"), page, "Participant to edit", "New participant"
        )
        _quiet(page)

    _open(page, "Community actions", "Community actions")
    page.get_by_text("New community action").click()
    form = page.locator("[data-testid='stForm']").first
    form.get_by_label("Title", exact=True).fill("Grup de dones del Raval")
    _pick(form, page, "Lead centre or service", "CSS Raval")
    form.get_by_role("button", name="Create the community action").click()
    _saved(page, "created.")

    _open(page, "Planner", "Plan sessions")
    _pick(page.locator("[data-testid='stMain']"), page, "Community action", "Grup de dones")
    _quiet(page)
    form = page.locator("[data-testid='stForm']").first
    form.get_by_label("Title", exact=True).fill("Tertúlia")
    _date(form, page, "Date", SESSIONS[0])
    for code in PEOPLE:
        _pick(form, page, "Invited participants", code)
    _pick(form, page, "Facilitators", "ED-1")
    form.get_by_label("Repeat every N weeks (0: no)").fill("1")
    _date(form, page, "Repeat until", SESSIONS[-1])
    form.get_by_role("button", name="Check and save").click()
    _saved(page, "4 sessions saved.")

    _open(page, "Attendance", "Attendance register")
    for day in SESSIONS:
        _date(page.locator("[data-testid='stMain']"), page, "Sessions of the week starting", day)
        _quiet(page)
        absent = GROUP_B if day < SESSIONS[2] else GROUP_A
        for code in absent:
            page.get_by_role("radiogroup", name=code).get_by_text("Absent").click()
            _quiet(page)
        try:
            page.get_by_role("button", name="Mark 6 people without a mark as present").click()
        except Exception:
            page.screenshot(path="/tmp/e2e_att.png", full_page=True)
            raise
        _quiet(page)


COLLABORATIONS = (
    (dt.date(2022, 10, 5), "Case coordination", "3 Cooperating"),
    (dt.date(2022, 10, 20), "Joint project", "2 Coordinating"),
    (dt.date(2023, 11, 15), "Information exchange", "1 Networking"),
)


def _collaborations_and_referrals(page) -> None:  # type: ignore[no-untyped-def]
    """Three collaborations between the two services (two at T0, one at T1) and two
    referrals, one each way."""
    _open(page, "Collaborations", "Collaborations")
    for day, kind, intensity in COLLABORATIONS:
        form = _panel(page).locator("[data-testid='stForm']").first
        _pick(form, page, "Service", "CSS Raval")
        _pick(form, page, "Other service", "ECAS")
        _date(form, page, "Date", day)
        _pick(form, page, "Kind", kind)
        form.get_by_text(intensity, exact=True).click()
        form.get_by_role("button", name="Save the collaboration").click()
        _quiet(page)
        _no_error(page)
        _choose(_panel(page), page, "Collaboration to edit", "New collaboration")
        _quiet(page)
    page.get_by_role("tab", name="Referrals").click()
    for source, target, day, person, outcome, outcome_on in (
        ("CSS Raval", "ECAS", dt.date(2022, 10, 10), "P01", "Accepted", dt.date(2022, 10, 20)),
        ("ECAS", "CSS Raval", dt.date(2023, 11, 10), "P07", "Declined", dt.date(2023, 11, 20)),
    ):
        form = _panel(page).locator("[data-testid='stForm']").first
        _pick(form, page, "From service", source)
        _pick(form, page, "To service", target)
        _date(form, page, "Referred on", day)
        _pick(form, page, "Participant code", person)
        _pick(form, page, "Outcome", outcome)
        if outcome_on is not None:
            _date(form, page, "Outcome on", outcome_on)
        form.get_by_role("button", name="Save the referral").click()
        _quiet(page)
        _no_error(page)
        page.get_by_role("tab", name="Referrals").click()
        _choose(_panel(page), page, "Referral to edit", "New referral")
        _quiet(page)


ANSWERS = {
    "T0 baseline survey": {"P01": ["P02", "P03"], "P02": ["P01"], "P07": []},
    "T1 post survey": {"P01": ["P07"], "P07": ["P01", "P02"]},
}


def _tie_surveys(page) -> None:  # type: ignore[no-untyped-def]
    """At T0 three people answer (P07 names nobody), at T1 two; the others: no answer."""
    _open(page, "Tie surveys", "Tie surveys")
    main = page.locator("[data-testid='stMain']")
    for point, answers in ANSWERS.items():
        _pick(main, page, "Measurement point", point)
        _quiet(page)
        for respondent, named in answers.items():
            _pick(main, page, "Respondent code", respondent)
            _quiet(page)
            form = page.locator("[data-testid='stForm']").first
            for code in named:
                _pick(form, page, "People named", code)
            form.get_by_role("button", name="Save the answer").click()
            _saved(page, f"Answer of {respondent} saved")


def _assessments(page) -> None:  # type: ignore[no-untyped-def]
    """P01's SSM-Cat at reception (October 2022) and at closure (November 2023)."""
    _open(page, "Assessments", "Assessments")
    main = page.locator("[data-testid='stMain']")
    _pick(main, page, "Participant", "P01")
    _quiet(page)
    for day, phase, finances, housing in (
        (dt.date(2022, 10, 3), "Reception", "2", "3"),
        (dt.date(2023, 11, 30), "Closure", "3", "4"),
    ):
        form = page.locator("[data-testid='stForm']").first
        _date(form, page, "Assessment date", day)
        _pick(form, page, "Phase", phase)
        for domain, level in (("Finances", finances), ("Housing", housing)):
            _pick(form, page, domain, f"{level} ·")
        form.get_by_role("button", name="Save the assessment").click()
        _quiet(page)
        _no_error(page)
        _choose(main, page, "Assessment to edit", "New assessment")
        _quiet(page)


def _networks_are_the_hand_worked_ones(database: Path) -> None:
    """The networks of each measurement point, worked out by hand from the data entered.

    T0 (Sep-Oct 2022): all four sessions. Group A (6 people) met twice, group B (6) met
    twice, never together: 15 + 15 = 30 ties of weight 2 among 12 people. Survey: P01
    named P02 and P03, P02 named P01, P07 named nobody (3 respondents, P07 isolated; the
    9 others: no answer). Services: two collaborations CSS-RAVAL-ECAS; one referral
    CSS-RAVAL -> ECAS. T1 (Oct-Dec 2023): no session; P01 named P07, P07 named P01 and
    P02; one collaboration; one referral ECAS -> CSS-RAVAL.
    """
    from community_map import network
    from community_map.models import Role
    from community_map.networks import Window
    from community_map.storage import create_db_engine, session_scope
    from community_map.trust import Actor

    admin = Actor(username="hand-check", role=Role.ADMIN)
    engine = create_db_engine(f"sqlite:///{database}")
    windows = [Window(name, first, last + dt.timedelta(days=1)) for name, first, last in POINTS]
    t0, t1 = (w.name for w in windows)
    with session_scope(engine) as s:
        people = network.participant_tables(s, actor=admin)
        services = network.service_network_tables(s)
    engine.dispose()
    codes = dict(zip(people["people"].index, people["people"]["code"], strict=False))

    def edges(graph) -> set[frozenset[str]]:  # type: ignore[no-untyped-def]
        return {frozenset(str(codes.get(n, n)) for n in e) for e in graph.edges()}

    met = network.networks_by_window(people, windows, layer="coattendance")
    assert met[t0].number_of_nodes() == 12 and met[t0].number_of_edges() == 30
    assert {w for _a, _b, w in met[t0].edges(data="weight")} == {2}
    group_a = {frozenset((a, b)) for a in GROUP_A for b in GROUP_A if a < b}
    group_b = {frozenset((a, b)) for a in GROUP_B for b in GROUP_B if a < b}
    assert edges(met[t0]) == group_a | group_b
    assert met[t1].number_of_edges() == 0
    said = network.networks_by_window(people, windows, layer="reported")
    assert edges(said[t0]) == {frozenset(("P01", "P02")), frozenset(("P01", "P03"))}
    assert edges(said[t1]) == {frozenset(("P01", "P07")), frozenset(("P02", "P07"))}
    isolated = [codes.get(n, n) for n in said[t0].nodes if said[t0].degree(n) == 0]
    assert isolated == ["P07"]  # answered and named nobody; non-respondents are no nodes
    between = network.networks_by_window(services, windows, layer="services")
    assert edges(between[t0]) == edges(between[t1]) == {frozenset(("CSS-RAVAL", "ECAS"))}
    sent = network.networks_by_window(services, windows, layer="referrals")
    assert list(sent[t0].edges(data="weight")) == [("CSS-RAVAL", "ECAS", 1.0)]
    assert list(sent[t1].edges(data="weight")) == [("ECAS", "CSS-RAVAL", 1.0)]

    # the exports a Gephi or spreadsheet user gets hold the same figures
    import io

    from openpyxl import load_workbook

    from community_map.cli import main

    def windows_sheet(layer: str) -> dict[str, dict[str, object]]:
        target = database.parent / f"network_{layer}.xlsx"
        args = ["--database-url", f"sqlite:///{database}", "network", "export", str(target)]
        args += ["--programme", "AMUNT-E2E", "--layer", layer]
        assert main(args, out=io.StringIO()) == 0
        header, *rows = load_workbook(target)["Windows"].iter_rows(values_only=True)
        return {str(row[0]): dict(zip(header, row, strict=True)) for row in rows}

    met_sheet = windows_sheet("coattendance")[t0]
    assert (met_sheet["nodes"], met_sheet["edges"], met_sheet["components"]) == (12, 30, 2)
    assert met_sheet["density"] == pytest.approx(30 / 66)
    said_sheet = windows_sheet("reported")
    assert [
        (said_sheet[w]["nodes"], said_sheet[w]["edges"], said_sheet[w]["isolates"])
        for w in (t0, t1)
    ] == [(4, 2, 1), (3, 2, 0)]
    # respondents and "no answer" (never isolated) out of the 12 participants
    assert [(said_sheet[w]["respondents"], said_sheet[w]["no_answer"]) for w in (t0, t1)] == [
        (3, 9),
        (2, 10),
    ]


REGISTERS = (
    "services",
    "professionals",
    "programmes",
    "participants",
    "collaborations",
    "referrals",
    "surveys",
    "assessments",
)


def _registers_round_trip_through_excel(database: Path, folder: Path) -> None:
    """Each register exported to its Excel workbook and imported into a new empty database
    gives the same tables (the files a centre would fill from the templates)."""
    import io

    from openpyxl import load_workbook

    from community_map.cli import main

    fresh = folder / "from_excel.db"
    assert main(["--database-url", f"sqlite:///{fresh}", "init"], out=io.StringIO()) == 0
    for name in REGISTERS:
        book = folder / f"{name}.xlsx"
        out = io.StringIO()
        assert (
            main(["--database-url", f"sqlite:///{database}", "export", name, str(book)], out=out)
            == 0
        )
        assert load_workbook(book).sheetnames
        out = io.StringIO()
        code = main(["--database-url", f"sqlite:///{fresh}", "import", name, str(book)], out=out)
        assert code == 0, (name, out.getvalue())

    def rows(path: Path) -> list[list[object]]:
        book = load_workbook(path)  # the data sheets; the hidden lists hold other registers
        return [
            list(r) for ws in book if ws.title != "_lists" for r in ws.iter_rows(values_only=True)
        ]

    for name in REGISTERS:
        again = folder / f"{name}_again.xlsx"
        args = ["--database-url", f"sqlite:///{fresh}", "export", name, str(again)]
        assert main(args, out=io.StringIO()) == 0
        assert rows(folder / f"{name}.xlsx") == rows(again), name
