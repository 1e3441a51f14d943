"""The tie survey register: answers per measurement point, the Excel round trip, the CLI.

The world, worked out by hand: programme SURV with points T0 (Sept-Oct 2022) and T1
(Jan-Mar 2023); participants P1..P5 attended a session of the programme's period, so the
programme has 5 participants. At T0, P1 names P2 and P3, P2 names P1, P3 names nobody and
P4 names nobody; P5 does not answer. Respondents 4 of 5 (rate 0.8); ties P1-P2 (both ways)
and P1-P3; P4 is the only isolated respondent; P5 is "no answer", not isolated.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from community_map import activities as act
from community_map import cli
from community_map import network as net
from community_map.errors import (
    ConcurrentEditError,
    ImportFileError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from community_map.models import (
    Attendance,
    AuditLog,
    MeasurementPoint,
    Participant,
    ReportedTie,
    Role,
    SessionType,
    SurveyResponse,
)
from community_map.models import Session as SessionRow
from community_map.networks import (
    import_surveys,
    record_survey_response,
    response_rate,
    responses_frame,
    survey_ties,
    surveys_template,
    surveys_to_excel,
)
from community_map.registry import REGISTERS
from community_map.storage import session_scope
from community_map.trust.permissions import Actor

COORD = Actor(username="coord", role=Role.COORDINATOR)
VIEWER = Actor(username="viewer", role=Role.DISTRICT_VIEWER)
d = dt.date
T0_ANSWERS = {"P1": ["P2", "P3"], "P2": ["P1"], "P3": [], "P4": []}


def _world(engine: Engine) -> dict[str, int]:
    with session_scope(engine) as s:
        act.create_programme(
            s,
            actor=COORD,
            code="SURV",
            name="Survey programme",
            starts_on=d(2022, 9, 1),
            ends_on=d(2023, 6, 30),
            points=[("T0", d(2022, 9, 1), d(2022, 10, 31)), ("T1", d(2023, 1, 1), d(2023, 3, 31))],
        )
        people = [
            Participant(code=f"P{i}", consent_processing=True, consent_survey=True)
            for i in range(1, 6)
        ]
        s.add_all(people)
        meeting = SessionRow(
            type=SessionType.WORKSHOP.value,
            starts_at=dt.datetime(2022, 9, 20, 10),
            ends_at=dt.datetime(2022, 9, 20, 12),
        )
        s.add(meeting)
        s.flush()
        s.add_all(
            Attendance(session_id=meeting.id, participant_id=p.id, status="attended")
            for p in people
        )
        points = dict(s.execute(select(MeasurementPoint.name, MeasurementPoint.id)).all())
    return {str(k): int(v) for k, v in points.items()}


def _answer_t0(engine: Engine, points: dict[str, int]) -> None:
    with session_scope(engine) as s:
        for who, named in T0_ANSWERS.items():
            record_survey_response(
                s,
                actor=COORD,
                point_id=points["T0"],
                respondent_code=who,
                named_codes=named,
                answered_on=d(2022, 10, 3),
            )


@pytest.fixture
def points(engine: Engine) -> dict[str, int]:
    found = _world(engine)
    _answer_t0(engine, found)
    return found


def test_responses_rate_and_ties_by_hand(engine: Engine, points: dict[str, int]) -> None:
    with session_scope(engine) as s:
        frame = responses_frame(s, actor=COORD, point_id=points["T0"])
        rate = response_rate(s, actor=COORD, point_id=points["T0"])
        ties = survey_ties(s, actor=COORD, point_id=points["T0"])
        empty = response_rate(s, actor=COORD, point_id=points["T1"])
    assert frame[["respondent", "named"]].values.tolist() == [
        ["P1", ["P2", "P3"]],
        ["P2", ["P1"]],
        ["P3", []],
        ["P4", []],
    ]
    assert set(frame["question"]) == {"help"}
    assert (rate.respondents, rate.participants, rate.no_answer, rate.isolated) == (4, 5, 1, 1)
    assert rate.rate == pytest.approx(0.8)
    assert ties.values.tolist() == [
        ["P1", "P2", "help"],
        ["P1", "P3", "help"],
        ["P2", "P1", "help"],
    ]
    assert (empty.respondents, empty.participants, empty.isolated) == (0, 5, 0)


def test_reported_network_counts_isolates_among_respondents_only(
    engine: Engine, points: dict[str, int]
) -> None:
    with session_scope(engine) as s:
        tables = net.series_tables(s, actor=COORD)
        waves = act.programme_waves(s, "SURV")
    windows = net.series_windows(tables, kind="waves", waves=waves)
    series = net.network_series(tables, windows=windows, layer="reported")
    t0, t1 = series.per_window.loc["T0"], series.per_window.loc["T1"]
    G = series.graphs["T0"]
    codes = {series.labels[n] for n in G.nodes}
    # nodes: the four respondents (P4 with no tie at all); P5 did not answer
    assert codes == {"P1", "P2", "P3", "P4"}
    assert (t0["nodes"], t0["edges"]) == (4, 2)  # P1-P2 (named both ways), P1-P3
    assert (t0["respondents"], t0["isolates"], t0["no_answer"]) == (4, 1, 1)
    assert t0["isolates_share"] == pytest.approx(0.25)
    assert (t1["respondents"], t1["nodes"], t1["no_answer"]) == (0, 0, 5)


def test_replace_answer_checks_version_and_audits(engine: Engine, points: dict[str, int]) -> None:
    with session_scope(engine) as s:
        response = s.scalars(select(SurveyResponse).order_by(SurveyResponse.id)).first()
        assert response is not None
        rid, version = response.id, response.version
    with session_scope(engine) as s:
        _row, outcome = record_survey_response(
            s,
            actor=COORD,
            point_id=points["T0"],
            respondent_code="p1",
            named_codes=["P4", "P2", "P4", " "],
            answered_on=d(2022, 10, 5),
            version=version,
        )
    assert outcome == "updated"
    with session_scope(engine) as s:
        entry = s.scalars(
            select(AuditLog)
            .where(AuditLog.entity == "survey_responses", AuditLog.action == "update")
            .order_by(AuditLog.id)
        ).one()
        named = responses_frame(s, actor=COORD, point_id=points["T0"]).loc[0, "named"]
        new_version = s.get(SurveyResponse, rid).version  # type: ignore[union-attr]
    assert named == ["P2", "P4"]  # duplicates and blanks removed
    assert (entry.entity_id, entry.before, entry.after) == (
        str(rid),
        {"answered_on": "2022-10-03", "named": ["P2", "P3"]},
        {"answered_on": "2022-10-05", "named": ["P2", "P4"]},
    )
    assert new_version == version + 1
    with pytest.raises(ConcurrentEditError), session_scope(engine) as s:
        record_survey_response(
            s,
            actor=COORD,
            point_id=points["T0"],
            respondent_code="P1",
            named_codes=[],
            answered_on=d(2022, 10, 5),
            version=version,
        )
    # a new answer expected (version 0) but someone recorded one meanwhile
    with pytest.raises(ConcurrentEditError), session_scope(engine) as s:
        record_survey_response(
            s,
            actor=COORD,
            point_id=points["T0"],
            respondent_code="P2",
            named_codes=[],
            answered_on=d(2022, 10, 5),
            version=0,
        )
    with session_scope(engine) as s:
        net.delete_survey_response(s, actor=COORD, response_id=rid, version=new_version)
    with session_scope(engine) as s:
        assert s.get(SurveyResponse, rid) is None
        left = s.scalar(select(func.count()).where(ReportedTie.response_id == rid))
        gone = s.scalars(select(AuditLog).where(AuditLog.action == "delete")).one()
    assert left == 0
    assert gone.before["named"] == ["P2", "P4"]  # type: ignore[index]


def test_refusals_write_nothing(engine: Engine, points: dict[str, int]) -> None:
    with session_scope(engine) as s:
        s.add(Participant(code="P6"))
    cases: list[tuple[type[Exception], dict[str, object]]] = [
        (ValidationError, {"respondent_code": "P6"}),  # no consent
        (ValidationError, {"named_codes": ["P6"]}),  # named person without consent
        (ValidationError, {"named_codes": ["P5"]}),  # names themselves
        (NotFoundError, {"named_codes": ["NOBODY"]}),
        (ValidationError, {"answered_on": d(2022, 12, 1)}),  # outside T0
        (ValidationError, {"question": "gossip"}),
    ]
    for error, change in cases:
        fields: dict[str, object] = {
            "point_id": points["T0"],
            "respondent_code": "P5",
            "named_codes": ["P1"],
            "answered_on": d(2022, 10, 3),
            **change,
        }
        with pytest.raises(error), session_scope(engine) as s:
            record_survey_response(s, actor=COORD, **fields)  # type: ignore[arg-type]
    with pytest.raises(PermissionDeniedError), session_scope(engine) as s:
        record_survey_response(
            s,
            actor=VIEWER,
            point_id=points["T0"],
            respondent_code="P5",
            named_codes=[],
            answered_on=d(2022, 10, 3),
        )
    with pytest.raises(PermissionDeniedError), session_scope(engine) as s:
        responses_frame(s, actor=VIEWER)
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(SurveyResponse)) == 4


def test_consent_refusal_names_the_respondent(engine: Engine, points: dict[str, int]) -> None:
    with session_scope(engine) as s:
        s.add(Participant(code="P6"))
    with pytest.raises(ValidationError, match="P6"), session_scope(engine) as s:
        record_survey_response(
            s,
            actor=COORD,
            point_id=points["T0"],
            respondent_code="P6",
            named_codes=[],
            answered_on=d(2022, 10, 3),
        )


def _tables(engine: Engine) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    with session_scope(engine) as s:
        responses = [
            tuple(r)
            for r in s.execute(
                select(
                    SurveyResponse.id,
                    SurveyResponse.measurement_point_id,
                    SurveyResponse.respondent_id,
                    SurveyResponse.question,
                    SurveyResponse.answered_on,
                    SurveyResponse.version,
                ).order_by(SurveyResponse.id)
            ).all()
        ]
        ties = [
            tuple(r)
            for r in s.execute(
                select(
                    ReportedTie.id,
                    ReportedTie.from_participant_id,
                    ReportedTie.to_participant_id,
                    ReportedTie.response_id,
                ).order_by(ReportedTie.id)
            ).all()
        ]
    return responses, ties


def _audit_count(engine: Engine) -> int:
    with session_scope(engine) as s:
        return int(s.scalar(select(func.count()).select_from(AuditLog)) or 0)


def test_round_trip_changes_nothing(engine: Engine, points: dict[str, int]) -> None:
    with session_scope(engine) as s:
        data = surveys_to_excel(s, actor=COORD)
    before, audits = _tables(engine), _audit_count(engine)
    with session_scope(engine) as s:
        report = import_surveys(s, data, actor=COORD, path="surveys.xlsx")
    assert (report.created, report.updated, report.unchanged) == (0, 0, 4)
    assert _tables(engine) == before
    assert _audit_count(engine) == audits
    # into an empty database with the same programme and people: identical answers
    assert surveys_template()[:2] == b"PK"


def test_import_into_a_fresh_world_gives_the_same_answers(tmp_path: Path) -> None:
    from community_map import storage

    first = storage.create_db_engine(f"sqlite:///{tmp_path}/a.db")
    second = storage.create_db_engine(f"sqlite:///{tmp_path}/b.db")
    for eng in (first, second):
        storage.migrate(eng)
    _answer_t0(first, _world(first))
    _world(second)
    with session_scope(first) as s:
        data = surveys_to_excel(s, actor=COORD)
    with session_scope(second) as s:
        report = import_surveys(s, data, actor=COORD, path="surveys.xlsx")
    assert report.created == 4
    with session_scope(first) as s:
        one = responses_frame(s, actor=COORD).drop(columns=["id"])
    with session_scope(second) as s:
        two = responses_frame(s, actor=COORD).drop(columns=["id"])
    assert one.values.tolist() == two.values.tolist()


def _sheet(rows: list[list[object]]) -> bytes:
    import pandas as pd

    from community_map._registers import Sheet, sheets_to_excel
    from community_map.networks.survey_register_excel import SURVEY_COLUMNS

    frame = pd.DataFrame(rows, columns=[c.field for c in SURVEY_COLUMNS])
    return sheets_to_excel([Sheet("Responses", SURVEY_COLUMNS, frame)])


def test_all_or_nothing_and_skip_bad_rows(engine: Engine) -> None:
    _world(engine)
    data = _sheet(
        [
            ["SURV", "T0", "P1", "help", d(2022, 10, 3), ["P2"]],
            ["SURV", "T9", "P2", "help", d(2022, 10, 3), []],
            ["SURV", "T0", "P3", "trust", d(2022, 10, 3), ["NOBODY"]],
            ["SURV", "T0", "P4", None, d(2022, 10, 3), []],
        ]
    )
    with pytest.raises(ImportFileError) as caught, session_scope(engine) as s:
        import_surveys(s, data, actor=COORD, path="s.xlsx")
    assert (caught.value.row, caught.value.column) == (3, "Measurement point")
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(SurveyResponse)) == 0
        report = import_surveys(s, data, actor=COORD, path="s.xlsx", skip_bad_rows=True)
    assert report.created == 2
    assert [(p.row, p.column) for p in report.skipped] == [
        (3, "Measurement point"),
        (4, "Named codes"),
    ]
    with session_scope(engine) as s:
        frame = responses_frame(s, actor=COORD)
    # an empty question is the first one; an empty list of codes named nobody
    assert frame[["respondent", "question", "named"]].values.tolist() == [
        ["P1", "help", ["P2"]],
        ["P4", "help", []],
    ]
    with pytest.raises(PermissionDeniedError), session_scope(engine) as s:
        import_surveys(s, data, actor=VIEWER, path="s.xlsx")


def test_command_line_round_trip(engine: Engine, points: dict[str, int], tmp_path: Path) -> None:
    assert "surveys" in REGISTERS
    url = str(engine.url)
    target = tmp_path / "surveys.xlsx"
    out = io.StringIO()
    assert cli.main(["--database-url", url, "export", "surveys", str(target)], out=out) == 0
    out = io.StringIO()
    assert cli.main(["--database-url", url, "import", "surveys", str(target)], out=out) == 0
    assert "0 created, 0 updated, 4 unchanged." in out.getvalue()
    out = io.StringIO()
    assert (
        cli.main(
            [
                "--database-url",
                url,
                "network",
                "export",
                "--layer",
                "reported",
                "--programme",
                "SURV",
                "--windows",
                "waves",
                str(tmp_path / "net.xlsx"),
            ],
            out=out,
        )
        == 0
    )
    assert (tmp_path / "net.xlsx").stat().st_size > 0


def test_migration_turns_existing_ties_into_responses(tmp_path: Path) -> None:
    """Ties recorded before 0010: those of a day inside a measurement point become one
    response per respondent and point; a tie of a day no point covers keeps no response."""
    from alembic import command
    from sqlalchemy import text

    from community_map import storage
    from community_map.storage import _alembic_config

    old = storage.create_db_engine(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        command.upgrade(_alembic_config(old), "0006")
        with old.begin() as conn:
            for code in ("A", "B", "C"):
                conn.execute(
                    text(
                        "INSERT INTO participants (code, age_band, gender, programme, consent) "
                        "VALUES (:code, '', '', '', 1)"
                    ),
                    {"code": code},
                )
            conn.execute(
                text(
                    "INSERT INTO programmes (id, code, name, starts_on, ends_on, notes, version) "
                    "VALUES (1, 'P', 'P', '2022-09-01', '2023-06-30', '', 1)"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO measurement_points (id, programme_id, name, starts_on, ends_on) "
                    "VALUES (1, 1, 'T0', '2022-09-01', '2022-12-31'), "
                    "(2, 1, 'T1', '2023-01-01', '2023-06-30')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO reported_ties "
                    "(from_participant_id, to_participant_id, observed_on, kind, source, wave) "
                    "VALUES (1, 2, '2022-10-20', 'support', 'survey', 'T0'), "
                    "(1, 3, '2022-10-20', 'support', 'survey', 'T0'), "
                    "(2, 1, '2023-03-02', 'support', 'survey', ''), "
                    "(3, 1, '2024-01-10', 'support', 'survey', 'T9')"
                )
            )
        storage.migrate(old)
        with old.connect() as conn:
            responses = conn.execute(
                text(
                    "SELECT measurement_point_id, respondent_id, question, answered_on "
                    "FROM survey_responses ORDER BY id"
                )
            ).all()
            ties = conn.execute(
                text("SELECT from_participant_id, response_id FROM reported_ties ORDER BY id")
            ).all()
        assert [tuple(r) for r in responses] == [
            (1, 1, "help", "2022-10-20"),
            (2, 2, "help", "2023-03-02"),
        ]
        assert [tuple(t) for t in ties] == [(1, 1), (1, 1), (2, 2), (3, None)]
    finally:
        old.dispose()
