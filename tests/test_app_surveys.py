"""AppTest of the Tie surveys page: record an answer through the phone form as the demo educator."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from community_map.models import Participant, Role
from community_map.networks import responses_frame, survey_point_options
from community_map.storage import create_db_engine, session_scope
from tests.demo_actors import demo_actor

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "community_map" / "ui" / "streamlit_app.py")
EDUCATOR = demo_actor(Role.EDUCATOR)


@pytest.fixture
def copy_db(monkeypatch: pytest.MonkeyPatch, demo_db: str, tmp_path: Path) -> str:
    copy = tmp_path / "copy.db"
    shutil.copy(demo_db.removeprefix("sqlite:///"), copy)
    url = f"sqlite:///{copy}"
    monkeypatch.setenv("COMMUNITY_MAP_DATABASE_URL", url)
    monkeypatch.setenv("COMMUNITY_MAP_DEMO", "true")
    monkeypatch.chdir(ROOT)
    return url


def _page(role: Role, language: str = "en") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["language"] = language
    at.session_state["actor"] = demo_actor(role)
    at.run()
    at.switch_page("pages/surveys.py").run()
    return at


@pytest.mark.parametrize("language", ["ca", "es", "en"])
def test_page_renders_for_every_role_that_records_surveys(copy_db: str, language: str) -> None:
    for role in (Role.EDUCATOR, Role.COORDINATOR, Role.ADMIN):
        at = _page(role, language)
        assert not at.exception, at.exception
        assert at.metric[0].value.endswith("%")  # the response rate of the last point


def test_educator_records_an_answer_on_the_form(copy_db: str) -> None:
    engine = create_db_engine(copy_db)
    with session_scope(engine) as s:
        codes = [p.code for p in s.scalars(select(Participant).order_by(Participant.code))]
        consenting = [
            p.code for p in s.scalars(select(Participant).where(Participant.consent_survey))
        ]
        points = survey_point_options(s)
    t2 = int(points[points["point"] == "T2"]["id"].iloc[0])
    respondent, *named = sorted(consenting)[:3]
    assert respondent in codes
    at = _page(Role.EDUCATOR)
    assert not at.exception, at.exception
    assert at.title[0].value == "Tie surveys"
    # the last measurement point (T2) opens; nobody answered there yet in the demo
    assert at.selectbox(key="survey_point_AMUNT-2022").value == t2
    at.selectbox(key="survey_respondent").select(respondent).run()
    assert not at.exception, at.exception
    # phone-friendly: one column; the only side-by-side columns are the Excel panel's two
    # download buttons, inside its expander below the entry form
    assert len(at.columns) == 2
    assert [b.label for c in at.columns for b in c.get("download_button")] == [
        "Download the empty template",
        "Download the register (Excel)",
    ]
    suffix = f"{t2}_{respondent}_help_0"
    at.multiselect(key=f"survey_named_{suffix}").select(named[0]).select(named[1])
    at.date_input(key=f"survey_day_{suffix}").set_value(dt.date(2023, 9, 12))
    at.button(key=f"FormSubmitter:survey_form_{suffix}-Save the answer").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("2 people named" in s.value for s in at.success)
    table = at.dataframe[0].value
    assert table[["Respondent code", "Named codes"]].values.tolist() == [
        [respondent, ", ".join(sorted(named))]
    ]
    with session_scope(engine) as s:
        stored = responses_frame(s, actor=EDUCATOR, point_id=t2)
    assert stored[["respondent", "named", "answered_on"]].values.tolist() == [
        [respondent, sorted(named), dt.date(2023, 9, 12)]
    ]
    # the same respondent again: the form now edits that answer (version 1); naming nobody
    suffix = f"{t2}_{respondent}_help_1"
    assert at.multiselect(key=f"survey_named_{suffix}").value == sorted(named)
    at.multiselect(key=f"survey_named_{suffix}").unselect(named[0]).unselect(named[1])
    at.button(key=f"FormSubmitter:survey_form_{suffix}-Save the answer").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("named nobody" in s.value for s in at.success)
    with session_scope(engine) as s:
        stored = responses_frame(s, actor=EDUCATOR, point_id=t2)
    assert stored["named"].tolist() == [[]]
    engine.dispose()


def test_networks_page_reported_layer_counts_respondents(copy_db: str) -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["language"] = "en"
    at.session_state["actor"] = demo_actor(Role.COORDINATOR)
    at.run()
    at.switch_page("pages/networks.py").run()
    assert not at.exception, at.exception
    at.selectbox(key="net_layer").select("reported").run()
    assert not at.exception, at.exception
    # windows are the demo programme's measurement points; T1 has the most answers
    at.select_slider(key="net_window").set_value("T1").run()
    assert not at.exception, at.exception
    captions = [c.value for c in at.caption if "answered the tie survey" in c.value]
    assert len(captions) == 1
    table = at.dataframe[0].value
    assert {"respondents", "no_answer"} <= set(table.columns)
    t1 = table.loc["T1"]
    assert 0 < t1["respondents"] <= t1["nodes"]
    assert t1["isolates"] <= t1["respondents"]
