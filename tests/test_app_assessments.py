"""AppTests of the Assessments page: a coordinator records and edits an SSM-Cat assessment."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from community_map import storage
from community_map.evaluation import assessments_frame
from community_map.models import Participant, Role
from tests.test_app import _as, app_env

__all__ = ["app_env"]  # the fixture, imported for these tests


def _copy(app_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    copy = tmp_path / "copy.db"
    shutil.copy(app_env.removeprefix("sqlite:///"), copy)
    url = f"sqlite:///{copy}"
    monkeypatch.setenv("COMMUNITY_MAP_DATABASE_URL", url)
    return url


def test_coordinator_records_then_edits_an_assessment(
    app_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.demo_actors import demo_actor

    url = _copy(app_env, tmp_path, monkeypatch)
    engine = storage.create_db_engine(url)
    with storage.session_scope(engine) as s:
        code = s.scalar(
            select(Participant.code)
            .where(Participant.consent_processing.is_(True))
            .order_by(Participant.code)
        )
        before = len(assessments_frame(s, actor=demo_actor(Role.COORDINATOR), participant=code))
    at = _as(Role.COORDINATOR).run()
    at.switch_page("pages/assessments.py").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Assessments"
    at.selectbox(key="assessment_participant").select(code).run()
    assert not at.exception, at.exception
    suffix = f"{code}_None_0_ssm-cat"
    # every domain starts as "Not assessed"
    assert at.selectbox(key=f"assessment_level_housing_{suffix}").value is None
    at.date_input(key=f"assessment_on_{suffix}").set_value(dt.date(2023, 3, 10))
    at.selectbox(key=f"assessment_phase_{suffix}").set_value("follow_up")
    at.date_input(key=f"assessment_info_{suffix}").set_value(dt.date(2023, 1, 2))
    at.selectbox(key=f"assessment_level_housing_{suffix}").set_value(4)
    at.selectbox(key=f"assessment_level_finances_{suffix}").set_value(2)
    submit = f"FormSubmitter:assessment_{suffix}-Save the assessment"
    at.button(key=submit).click().run()
    assert not at.exception, at.exception
    assert "older than 30 days" in at.error[0].value  # the information-age rule
    at.date_input(key=f"assessment_info_{suffix}").set_value(dt.date(2023, 3, 1))
    at.button(key=submit).click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any(f"Assessment of {code} saved" in s.value for s in at.success)
    with storage.session_scope(engine) as s:
        frame = assessments_frame(s, actor=demo_actor(Role.COORDINATOR), participant=code)
    assert len(frame) == before + 1
    row = frame[frame.assessed_on == dt.date(2023, 3, 10)].iloc[0]
    assert (row["phase"], row["housing"], row["finances"], row["justice"]) == (
        "follow_up",
        4,
        2,
        None,
    )
    assert row["assessed"] == 2 and row["information_on"] == dt.date(2023, 3, 1)
    # the saved assessment is chosen for editing, with its levels
    chosen = at.selectbox(key="assessment_chosen").value
    assert chosen == int(row["id"])
    edit = f"{code}_{chosen}_1_ssm-cat"
    assert at.selectbox(key=f"assessment_level_housing_{edit}").value == 4
    at.selectbox(key=f"assessment_level_housing_{edit}").set_value(5)
    at.button(key=f"FormSubmitter:assessment_{edit}-Save the assessment").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with storage.session_scope(engine) as s:
        frame = assessments_frame(s, actor=demo_actor(Role.COORDINATOR), participant=code)
    assert frame[frame.id == chosen].iloc[0]["housing"] == 5
    engine.dispose()


@pytest.mark.parametrize("language", ["ca", "es"])
def test_assessments_page_renders_in_each_language(app_env: str, language: str) -> None:
    at = _as(Role.EDUCATOR, language).run()
    at.switch_page("pages/assessments.py").run()
    assert not at.exception, at.exception
    at.selectbox(key="assessment_participant").select_index(0).run()
    assert not at.exception, at.exception
    assert at.title[0].value == {"ca": "Valoracions", "es": "Valoraciones"}[language]


@pytest.mark.parametrize("role", [Role.EVALUATOR, Role.DISTRICT_VIEWER])
def test_roles_that_may_not_record_assessments_do_not_get_the_page(
    app_env: str, role: Role
) -> None:
    at = _as(role).run()
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/assessments.py")
