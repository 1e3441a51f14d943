"""AppTest smoke tests: every page renders for the roles that can open it, in each language."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from community_map.demo import DEMO_ACCOUNTS
from community_map.models import Role
from tests.demo_actors import account_actor, demo_actor

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "community_map" / "ui" / "streamlit_app.py")


@pytest.fixture
def app_env(monkeypatch: pytest.MonkeyPatch, demo_db: str) -> str:
    monkeypatch.setenv("COMMUNITY_MAP_DATABASE_URL", demo_db)
    monkeypatch.setenv("COMMUNITY_MAP_DEMO", "true")
    monkeypatch.chdir(ROOT)
    return demo_db


def _app(language: str = "en") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["language"] = language
    return at


def _login(at: AppTest, username: str, password: str) -> None:
    at.text_input(key="login_username").input(username)
    at.text_input(key="login_password").input(password)
    at.button[0].click().run()


def test_login_page_lists_demo_accounts(app_env: str) -> None:
    at = _app().run()
    assert not at.exception
    assert at.title[0].value == "community_map"
    demo_table = at.dataframe[0].value
    assert list(demo_table.iloc[:, 0]) == [name for name, _p, _r in DEMO_ACCOUNTS]


def test_wrong_password_shows_a_message(app_env: str) -> None:
    at = _app().run()
    _login(at, "admin", "not-the-password")
    assert not at.exception
    assert [e.value for e in at.error] == ["Wrong user name or password."]
    assert "actor" not in at.session_state


@pytest.mark.parametrize(("language", "title"), [("en", "Home"), ("ca", "Inici"), ("es", "Inicio")])
def test_login_then_home_in_each_language(app_env: str, language: str, title: str) -> None:
    at = _app(language).run()
    _login(at, "admin", "demo-admin")
    assert not at.exception
    assert not at.error
    assert at.title[0].value == title
    metrics = {m.label: m.value for m in at.metric}
    assert len(metrics) == 5
    assert all(v.replace("\u202f", "").isdigit() for v in metrics.values())


def test_district_viewer_sees_suppressed_counts_note(app_env: str) -> None:
    at = _app()
    at.session_state["actor"] = demo_actor(Role.DISTRICT_VIEWER)
    at.run()
    assert not at.exception
    assert any("< 5" in c.value for c in at.caption)
    # aggregate-only roles do not get the admin pages
    assert "Users" not in [m.value for m in at.markdown if m.value.startswith("**Users")]


def test_users_page_creates_an_account(
    app_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    copy = tmp_path / "copy.db"
    shutil.copy(app_env.removeprefix("sqlite:///"), copy)
    monkeypatch.setenv("COMMUNITY_MAP_DATABASE_URL", f"sqlite:///{copy}")
    at = _app()
    at.session_state["actor"] = demo_actor(Role.ADMIN)
    at.run()
    at.switch_page("pages/users.py").run()
    assert not at.exception
    at.text_input(key="new_username").input("new.educator")
    at.text_input(key="new_password").input("a-long-secret")
    at.text_input(key="new_password2").input("a-long-secret")
    at.button(key="FormSubmitter:new_user-Create account").click().run()
    assert not at.exception
    assert not at.error
    assert "new.educator" in at.dataframe[0].value["User name"].tolist()


def test_audit_page_shows_entries(app_env: str) -> None:
    at = _app()
    at.session_state["actor"] = demo_actor(Role.ADMIN)
    at.run()
    at.switch_page("pages/audit.py").run()
    assert not at.exception
    log = at.dataframe[0].value
    assert len(log) > 0
    assert "demo_data" in set(log["Table"])


def test_educator_cannot_open_admin_pages(app_env: str) -> None:
    at = _app()
    at.session_state["actor"] = demo_actor(Role.EDUCATOR)
    at.run()
    # admin pages are not in an educator's navigation at all
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/users.py")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/audit.py")


def test_unreachable_database_is_a_message_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COMMUNITY_MAP_DATABASE_URL", "postgresql+psycopg://u@127.0.0.1:1/x")
    monkeypatch.chdir(ROOT)
    at = _app().run()
    assert not at.exception
    assert "Cannot connect to the database" in at.error[0].value


def _as(role: Role, language: str = "en") -> AppTest:
    at = _app(language)
    at.session_state["actor"] = demo_actor(role)
    return at


def test_map_page_renders_and_filters(app_env: str) -> None:
    at = _as(Role.MOTOR_GROUP).run()
    at.switch_page("pages/map.py").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Territory map"
    total = int(at.caption[0].value.split(" of ")[1].split()[0])
    at.multiselect(key="map_categories").select("library").run()
    assert not at.exception
    shown = int(at.caption[0].value.split()[0])
    assert 0 < shown < total
    assert set(at.dataframe[0].value["Category"]) == {"Library"}


def test_map_page_adds_an_asset_at_the_clicked_point(
    app_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    copy = tmp_path / "copy.db"
    shutil.copy(app_env.removeprefix("sqlite:///"), copy)
    monkeypatch.setenv("COMMUNITY_MAP_DATABASE_URL", f"sqlite:///{copy}")
    at = _as(Role.COORDINATOR).run()
    at.switch_page("pages/map.py").run()
    at.session_state["new_asset_point"] = (41.3809, 2.1700)  # st_folium click, injected
    at.run()
    at.text_input(key="new_asset_name").input("Casal <script>alert(1)</script>")
    at.button(key="FormSubmitter:new_asset-Save").click().run()
    assert not at.exception and not at.error
    at.text_input(key="map_search").input("Casal <script>").run()
    table = at.dataframe[0].value
    assert table["Name"].tolist() == ["Casal <script>alert(1)</script>"]
    assert table["Neighbourhood"].iloc[0]  # placed in a neighbourhood


def test_district_viewer_sees_the_map_without_edit_forms(app_env: str) -> None:
    at = _as(Role.DISTRICT_VIEWER).run()
    at.switch_page("pages/map.py").run()
    assert not at.exception
    assert "Add an asset" not in [s.value for s in at.subheader]


def test_coverage_page_lists_gaps(app_env: str) -> None:
    at = _as(Role.DISTRICT_VIEWER).run()
    at.switch_page("pages/coverage.py").run()
    assert not at.exception, at.exception
    at.selectbox(key="coverage_category").select("civic_centre").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert len(table) == 73
    gaps = int(at.metric[0].value.split(" / ")[0])
    assert gaps == int((table["Distance from the edge (m)"] > 500).sum())


def test_data_page_is_for_importers_only(app_env: str) -> None:
    at = _as(Role.COORDINATOR).run()
    at.switch_page("pages/data.py").run()
    assert not at.exception
    assert at.title[0].value == "Import data"
    viewer = _as(Role.EVALUATOR).run()
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        viewer.switch_page("pages/data.py")


def test_planner_page_plans_a_session_and_reports_a_conflict(
    app_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    copy = tmp_path / "copy.db"
    shutil.copy(app_env.removeprefix("sqlite:///"), copy)
    monkeypatch.setenv("COMMUNITY_MAP_DATABASE_URL", f"sqlite:///{copy}")
    at = _as(Role.EDUCATOR).run()
    at.switch_page("pages/planner.py").run()
    assert not at.exception, at.exception
    venue = at.selectbox(key="new_session_venue")
    venue.select_index(0)
    at.text_input(key="new_session_title").input("Taller de prova")
    at.button(key="FormSubmitter:new_session-Check and save").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("1 sessions saved" in s.value for s in at.success)
    # the same room at the same time again: a conflict, nothing saved until a note is given
    at.selectbox(key="new_session_venue").select_index(0)
    at.text_input(key="new_session_title").input("Taller repetit")
    at.button(key="FormSubmitter:new_session-Check and save").click().run()
    assert any("Conflicts found" in w.value for w in at.warning)
    at.text_input(key="conflict_note").input("Sala compartida").run()
    at.button(key="save_anyway").click().run()
    assert not at.exception and not at.error
    assert any("1 sessions saved" in s.value for s in at.success)


def test_attendance_and_itinerary_pages_render(app_env: str) -> None:
    at = _as(Role.EDUCATOR).run()
    at.switch_page("pages/attendance.py").run()
    assert not at.exception, at.exception
    at.date_input(key="register_week").set_value(dt.date(2023, 3, 6)).run()
    assert not at.exception
    assert at.radio, "the register lists the invited participants"
    assert all(r.disabled for r in at.radio)  # demo sessions are finalised
    it = _as(Role.EVALUATOR).run()
    it.switch_page("pages/itinerary.py").run()
    assert not it.exception


def test_planner_shows_why_a_plan_is_refused(app_env: str) -> None:
    at = _as(Role.EDUCATOR).run()
    at.switch_page("pages/planner.py").run()
    at.time_input(key="new_session_end").set_value(dt.time(9, 0))
    at.button(key="FormSubmitter:new_session-Check and save").click().run()
    assert [e.value for e in at.error] == ["The session must end after it starts."]


def test_actions_page_creates_an_action_and_records_a_phase(
    app_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    copy = tmp_path / "copy.db"
    shutil.copy(app_env.removeprefix("sqlite:///"), copy)
    monkeypatch.setenv("COMMUNITY_MAP_DATABASE_URL", f"sqlite:///{copy}")
    at = _as(Role.COORDINATOR).run()
    at.switch_page("pages/actions.py").run()
    assert not at.exception, at.exception
    before = len(at.dataframe[0].value)
    at.text_input(key="action_title").input("Espai de conversa del Raval")
    at.button(key="FormSubmitter:new_action-Create the community action").click().run()
    assert not at.exception and not at.error
    assert len(at.dataframe[0].value) == before + 1
    assert any("created" in s.value for s in at.success)


def test_one_tap_marks_are_saved_at_once(
    app_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from sqlalchemy import select

    from community_map import activities as svc
    from community_map import storage
    from community_map.models import Asset, Attendance, Participant

    copy = tmp_path / "copy.db"
    shutil.copy(app_env.removeprefix("sqlite:///"), copy)
    url = f"sqlite:///{copy}"
    monkeypatch.setenv("COMMUNITY_MAP_DATABASE_URL", url)
    educator = account_actor(url, "educator")
    start = dt.datetime(2027, 3, 1, 18, 0)
    with storage.session_scope(storage.create_db_engine(url)) as s:
        people = list(s.scalars(select(Participant.id).order_by(Participant.code).limit(3)))
        venue = s.scalar(select(Asset.id).where(Asset.category_code == "library").limit(1))
        svc.plan_sessions(
            s,
            actor=educator,
            plan=svc.SessionPlan(
                action_id=None,
                type="workshop",
                title="Club de lectura",
                starts_at=start,
                ends_at=start + dt.timedelta(hours=1),
                venue_asset_id=venue,
                facilitator_ids=[educator.professional_id],
                participant_ids=people,
            ),
        )
    at = _as(Role.EDUCATOR).run()
    at.switch_page("pages/attendance.py").run()
    at.date_input(key="register_week").set_value(dt.date(2027, 3, 1)).run()
    at.radio[1].set_value("absent").run()
    assert not at.exception and not at.error
    with storage.session_scope(storage.create_db_engine(url)) as s:
        marks = {
            (a.participant_id, a.status)
            for a in s.scalars(select(Attendance).where(Attendance.participant_id.in_(people)))
        }
    assert (people[1], "absent") in marks


def test_networks_page_moves_through_windows(app_env: str) -> None:
    at = _as(Role.EVALUATOR).run()
    at.switch_page("pages/networks.py").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Networks over time"
    slider = at.select_slider(key="net_window")
    # demo mode offers the Amunt! waves; T2 (July-September) has no community sessions, so
    # the page opens on the last window with people in it
    assert at.selectbox(key="net_windows").value == "waves"
    # the waves are the stored measurement points of the demo programme, not hard-coded
    assert at.selectbox(key="net_programme").value == "AMUNT-2022: Amunt! 2022-23"
    assert at.text_area(key="net_waves_AMUNT-2022: Amunt! 2022-23").value == (
        "T0=2022-09-01..2022-12-31\nT1=2023-01-01..2023-06-30\nT2=2023-07-01..2023-09-30"
    )
    assert slider.value == "T1"
    assert any("Since T0:" in c.value for c in at.caption)
    slider.set_value("T2").run()
    assert not at.exception
    assert any("Since T1:" in c.value and "ties gained" in c.value for c in at.caption)
    at.selectbox(key="net_windows").select("quarter").run()
    assert not at.exception
    assert at.select_slider(key="net_window").value == "2023-Q2"
    at.selectbox(key="net_layer").select("services").run()
    assert not at.exception
    at.selectbox(key="net_layer").select("referrals").run()
    assert not at.exception
    assert "reciprocity" in at.dataframe[0].value.columns


def test_service_networks_compare_by_field_of_work(app_env: str) -> None:
    at = _as(Role.EVALUATOR).run()
    at.switch_page("pages/networks.py").run()
    at.selectbox(key="net_layer").select("services").run()
    table = at.dataframe[0].value
    # the E-I index is computed by field of work: services mostly tie across fields (tandem)
    assert table["ei_index"].notna().any()


def test_rights_page_shows_a_record_and_erases_it(
    app_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from sqlalchemy import func, select

    from community_map import storage
    from community_map.models import Attendance, AuditLog, Participant

    copy = tmp_path / "copy.db"
    shutil.copy(app_env.removeprefix("sqlite:///"), copy)
    url = f"sqlite:///{copy}"
    monkeypatch.setenv("COMMUNITY_MAP_DATABASE_URL", url)
    engine = storage.create_db_engine(url)
    with storage.session_scope(engine) as s:
        person = s.scalars(select(Participant).order_by(Participant.id)).first()
        assert person is not None
        code, pid = person.code, person.id
        attended = s.scalar(
            select(func.count()).select_from(Attendance).where(Attendance.participant_id == pid)
        )
    at = _as(Role.COORDINATOR).run()
    at.switch_page("pages/rights.py").run()
    assert not at.exception
    at.text_input(key="rights_code").input(code.lower()).run()
    assert not at.exception
    summary = at.dataframe[0].value
    rows = dict(zip(summary["Table"], summary["Rows"], strict=True))
    assert rows["Participant"] == 1
    assert rows["Attendance"] == attended
    # no erasure without the confirmation
    at.text_input(key="rights_reason").input("request 2024/17")
    at.button(key="FormSubmitter:rights_erase-Erase").click().run()
    assert [e.value for e in at.error] == ["Tick the confirmation first; nothing was erased."]
    at.checkbox(key="rights_confirm").check()
    at.button(key="FormSubmitter:rights_erase-Erase").click().run()
    assert not at.exception
    assert any(f"Participant {code} erased" in s.value for s in at.success)
    with storage.session_scope(engine) as s:
        assert s.scalar(select(Participant).where(Participant.code == code)) is None
        last = s.scalars(select(AuditLog).order_by(AuditLog.id.desc())).first()
        assert last is not None and (last.action, last.entity_id) == ("erase", code)
    engine.dispose()
    # educators do not get the page
    edu = _as(Role.EDUCATOR).run()
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        edu.switch_page("pages/rights.py")


def _exports(url: str) -> list[tuple[str, str, dict[str, object]]]:
    from sqlalchemy import select

    from community_map import storage
    from community_map.models import AuditLog

    engine = storage.create_db_engine(url)
    with storage.session_scope(engine) as s:
        rows = s.execute(
            select(AuditLog.actor, AuditLog.entity, AuditLog.after)
            .where(AuditLog.action == "export")
            .order_by(AuditLog.id)
        ).all()
    engine.dispose()
    return [(a, e, dict(after or {})) for a, e, after in rows]


def test_downloads_of_participant_codes_are_audited_on_click(
    app_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    copy = tmp_path / "copy.db"
    shutil.copy(app_env.removeprefix("sqlite:///"), copy)
    url = f"sqlite:///{copy}"
    monkeypatch.setenv("COMMUNITY_MAP_DATABASE_URL", url)
    earlier = len(_exports(url))
    at = _as(Role.COORDINATOR).run()
    at.switch_page("pages/calendar.py").run()
    at.date_input(key="calendar_day").set_value(dt.date(2023, 3, 8)).run()
    assert not at.exception
    assert len(_exports(url)) == earlier  # preparing the buttons records nothing
    at.download_button(key="export_programme_xlsx").click().run()
    assert not at.exception
    [(who, kind, after)] = _exports(url)[earlier:]
    assert (who, kind) == ("coordinator", "programme_workbook")
    filters = after["filters"]
    assert isinstance(filters, dict)
    assert (filters["from"], filters["to"]) == ("2023-03-06", "2023-03-13")
    assert isinstance(after["rows"], int) and after["rows"] > 0
    # the iCalendar file holds no participant code: not an export of personal data
    at.download_button(key="export_programme_ics").click().run()
    assert len(_exports(url)) == earlier + 1
    # a role without participants gets the workbook without attendance: nothing to audit
    viewer = _as(Role.DISTRICT_VIEWER).run()
    viewer.switch_page("pages/calendar.py").run()
    viewer.download_button(key="export_programme_xlsx").click().run()
    assert len(_exports(url)) == earlier + 1
    register = _as(Role.EDUCATOR).run()
    register.switch_page("pages/attendance.py").run()
    register.date_input(key="register_week").set_value(dt.date(2023, 3, 6)).run()
    register.download_button(key="sign_in_sheet").click().run()
    assert not register.exception
    who, kind, after = _exports(url)[-1]
    assert (who, kind) == ("educator", "sign_in_sheet")
    assert after["rows"] == len(register.radio) > 0  # one row per person on the register
    net = _as(Role.EVALUATOR).run()
    net.switch_page("pages/networks.py").run()
    net.download_button(key="net_gexf").click().run()
    assert not net.exception
    who, kind, after = _exports(url)[-1]
    assert (who, kind) == ("evaluator", "network")
    assert after["filters"] == {"layer": "coattendance", "format": "gexf", "window": "T1"}
    assert isinstance(after["rows"], int) and after["rows"] > 0


def test_calendar_and_register_open_on_a_week_with_sessions(app_env: str) -> None:
    import re

    at = _as(Role.ADMIN).run()
    at.switch_page("pages/calendar.py").run()
    assert not at.exception
    counts = [re.match(r"(\d+) sessions from", c.value) for c in at.caption]
    assert any(m and int(m.group(1)) > 0 for m in counts), [c.value for c in at.caption]
    at.switch_page("pages/attendance.py").run()
    assert not at.exception
    assert at.session_state["register_week"].weekday() == 0
    assert not any("no session" in i.value.lower() for i in at.info), [i.value for i in at.info]


def test_programmes_page_creates_and_edits_a_programme(
    app_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    import pandas as pd

    copy = tmp_path / "copy.db"
    shutil.copy(app_env.removeprefix("sqlite:///"), copy)
    monkeypatch.setenv("COMMUNITY_MAP_DATABASE_URL", f"sqlite:///{copy}")
    at = _as(Role.COORDINATOR).run()
    at.switch_page("pages/programmes.py").run()
    assert not at.exception, at.exception
    assert list(at.dataframe[0].value["Code"]) == ["AMUNT-2022"]
    # a new programme without points; then its dates reversed are refused with a message
    at.text_input(key="programme_code_None_0").input("PLA-RAVAL")
    at.text_input(key="programme_name_None_0").input("Pla de barri del Raval")
    at.date_input(key="prog_from_None_0").set_value(dt.date(2024, 1, 1))
    at.date_input(key="prog_to_None_0").set_value(dt.date(2023, 1, 1))
    at.button(key="FormSubmitter:programme_None_0-Save the programme").click().run()
    assert not at.exception, at.exception
    assert "swap the dates" in at.error[0].value
    at.date_input(key="prog_to_None_0").set_value(dt.date(2024, 12, 31))
    at.button(key="FormSubmitter:programme_None_0-Save the programme").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("PLA-RAVAL saved" in s.value for s in at.success)
    table = at.dataframe[0].value
    assert list(table["Code"]) == ["AMUNT-2022", "PLA-RAVAL"]
    # the saved programme is selected for editing; its measurement points are empty
    chosen = at.selectbox(key="programme_chosen").value
    assert chosen is not None
    assert len(at.dataframe) == 1  # the table; the points are inputs: two empty rows
    assert [t.value for t in at.text_input if t.key.startswith("point_name_")] == ["", ""]
    from community_map import activities
    from community_map.storage import create_db_engine, session_scope

    engine = create_db_engine(f"sqlite:///{copy}")
    with session_scope(engine) as session:
        frame = activities.programmes_frame(session)
        row = frame[frame.code == "PLA-RAVAL"].iloc[0]
        assert (row["name"], row["starts_on"], row["ends_on"], row["points"]) == (
            "Pla de barri del Raval",
            dt.date(2024, 1, 1),
            dt.date(2024, 12, 31),
            0,
        )
        assert isinstance(activities.measurement_points(session, int(row["id"])), pd.DataFrame)
    engine.dispose()
    # editing: the name changes, the code cannot
    suffix = f"{chosen}_1"
    assert at.text_input(key=f"programme_code_{suffix}").disabled
    at.text_input(key=f"programme_name_{suffix}").input("Pla de barri Raval 2024")
    at.button(key=f"FormSubmitter:programme_{suffix}-Save the programme").click().run()
    assert not at.exception and not at.error
    assert "Pla de barri Raval 2024" in list(at.dataframe[0].value["Name"])
    # the demo programme's measurement points are shown in the editor
    at.selectbox(key="programme_chosen").select(1).run()
    assert not at.exception, at.exception
    names = [t.value for t in at.text_input if t.key.startswith("point_name_")]
    assert names == ["T0", "T1", "T2", "", ""]
