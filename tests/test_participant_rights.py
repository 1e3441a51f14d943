"""Participants' rights on three hand-made participants: subject access, erasure, consent."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Iterator

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, func, select

from community_map import storage, trust
from community_map.errors import NotFoundError, PermissionDeniedError, ValidationError
from community_map.evaluation import record_assessment
from community_map.models import (
    ActionPhase,
    Assessment,
    AssessmentScore,
    Attendance,
    AuditLog,
    Base,
    Collaboration,
    CommunityAction,
    Enrolment,
    Invitation,
    MotorGroupMember,
    Participant,
    ParticipantProfessional,
    Professional,
    Programme,
    ReportedTie,
    Role,
    Service,
    TerritoryUnit,
)
from community_map.models import Session as SessionRow
from community_map.network import record_reported_ties
from community_map.storage import session_scope
from community_map.trust import Actor, Permission

ADMIN = Actor(username="test-admin", role=Role.ADMIN)
COORD = Actor(username="coord", role=Role.COORDINATOR)
EDU = Actor(username="edu", role=Role.EDUCATOR)
EVALUATOR = Actor(username="evaluator", role=Role.EVALUATOR)
NOW = dt.datetime.now().replace(microsecond=0)
PAST1 = dt.datetime(2023, 3, 6, 10, 0)
PAST2 = dt.datetime(2023, 3, 13, 10, 0)
FUTURE = NOW + dt.timedelta(days=30)


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, sqlite_url: str) -> Iterator[Engine]:
    """A migrated, empty database: SQLite, then PostgreSQL (JSON is searched as text)."""
    if request.param == "postgresql":
        yield request.getfixturevalue("pg_engine")
        return
    eng = storage.create_db_engine(sqlite_url)
    storage.migrate(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def world(engine: Engine) -> dict[str, int]:
    """AM-A and AM-B (consent) and AM-C (no consent); two held sessions and a future one.

    AM-A attended both held sessions and is invited to the future one, reported a tie to
    AM-B and was named by AM-B, has one assessment with two scores, sits in the action's
    motor group, and is named in a conflict note and a collaboration note.
    """
    with session_scope(engine) as s:
        hood = TerritoryUnit(kind="neighbourhood", code="N1", name="el Raval")
        sac = Service(code="SAC", name="SAC Raval", field_of_work="community_action")
        s.add_all([hood, sac])
        s.flush()
        pro = Professional(code="P1", role="social worker", service_id=sac.id)
        s.add(pro)
        s.flush()
        a = Participant(
            code="AM-A",
            alias="Anna",
            age_band="35-44",
            gender="woman",
            neighbourhood_id=hood.id,
            consent_processing=True,
            consent_survey=True,
            consent_date=dt.date(2023, 1, 9),
        )
        b = Participant(
            code="AM-B",
            alias="Berta",
            age_band="25-34",
            consent_processing=True,
            consent_survey=True,
        )
        c = Participant(code="AM-C", alias="Carme")
        action = CommunityAction(code="CA1", title="Cuina", typology="amunt_community")
        amunt = Programme(
            code="AMUNT",
            name="Amunt!",
            starts_on=dt.date(2022, 9, 1),
            ends_on=dt.date(2023, 12, 31),
        )
        s.add_all([a, b, c, action, amunt])
        s.flush()
        s.add_all(
            [
                ParticipantProfessional(participant_id=a.id, professional_id=pro.id),
                Enrolment(
                    participant_id=a.id, programme_id=amunt.id, starts_on=dt.date(2023, 1, 9)
                ),
            ]
        )
        sessions = [
            SessionRow(
                action_id=action.id,
                type="workshop",
                title=title,
                starts_at=start,
                ends_at=start + dt.timedelta(hours=2),
                status=status,
                finalised=status == "held",
                conflict_note=note,
            )
            for title, start, status, note in (
                ("Taller 1", PAST1, "held", ""),
                ("Taller 2", PAST2, "held", "Participant AM-A is already invited to X."),
                ("Taller 3", FUTURE, "planned", ""),
            )
        ]
        s.add_all(sessions)
        s.flush()
        s1, s2, s3 = (x.id for x in sessions)
        s.add_all(
            [
                Attendance(session_id=s1, participant_id=a.id, status="attended", walk_in=False),
                Attendance(session_id=s2, participant_id=a.id, status="attended", walk_in=True),
                Attendance(session_id=s1, participant_id=b.id, status="attended", walk_in=False),
                Attendance(session_id=s2, participant_id=b.id, status="absent", walk_in=False),
                Attendance(session_id=s1, participant_id=c.id, status="attended", walk_in=False),
                Invitation(session_id=s1, participant_id=a.id),
                Invitation(session_id=s3, participant_id=a.id),
                Invitation(session_id=s1, participant_id=b.id),
                Invitation(session_id=s3, participant_id=b.id),
                MotorGroupMember(
                    action_id=action.id, member_kind="resident", participant_id=a.id, name="Anna"
                ),
                ActionPhase(
                    action_id=action.id, phase="design", started_on=dt.date(2023, 1, 2), note=""
                ),
                Collaboration(
                    from_service_id=sac.id,
                    to_service_id=sac.id,
                    occurred_on=dt.date(2023, 2, 1),
                    kind="information_exchange",
                    intensity=2,
                    note="Referred AM-A to housing; AM-AB is someone else.",
                ),
            ]
        )
        s.flush()
        record_reported_ties(
            s, actor=ADMIN, respondent_code="AM-A", ties={"AM-B": "support"},
            on=dt.date(2023, 6, 15), wave="T1",
        )  # fmt: skip
        record_reported_ties(
            s, actor=ADMIN, respondent_code="am-b ", ties={"AM-A": "friendship"},
            on=dt.date(2023, 6, 15), wave="T1",
        )  # fmt: skip
        record_assessment(
            s, actor=ADMIN, code="AM-A", on=dt.date(2023, 1, 20), phase="reception",
            scores={"housing": 3, "finances": 2}, assessor_code="P1",
        )  # fmt: skip
        trust.record(s, ADMIN, "update", "attendance", s1, after={str(a.id): "attended"})
        trust.record(s, ADMIN, "update", "attendance", s1, after={str(b.id): "attended"})
        trust.record(s, ADMIN, "update", "participants", a.id, after={"alias": "Anna"})
        return {"A": a.id, "B": b.id, "C": c.id, "s1": s1, "s2": s2, "s3": s3, "hood": hood.id}


def _attended_per_session(engine: Engine) -> dict[int, tuple[int, int]]:
    with session_scope(engine) as s:
        rows = s.execute(
            select(
                Attendance.session_id,
                func.count(),
                func.sum((Attendance.status == "attended").cast(type_=Attendance.id.type)),
            ).group_by(Attendance.session_id)
        ).all()
    return {sid: (int(n), int(att)) for sid, n, att in rows}


def _reached(engine: Engine) -> int:
    with session_scope(engine) as s:
        return int(
            s.scalar(
                select(func.count(func.distinct(Attendance.participant_id))).where(
                    Attendance.status == "attended"
                )
            )
            or 0
        )


# subject access ------------------------------------------------------------------------


def test_record_holds_every_row_about_the_person(engine: Engine, world: dict[str, int]) -> None:
    with session_scope(engine) as s:
        tables = trust.participant_record(s, actor=COORD, code=" am-a ")
    assert list(tables) == list(trust.RECORD_SHEETS)
    person = tables["participant"].iloc[0].to_dict()
    assert person["code"] == "AM-A"
    assert person["alias"] == "Anna"
    assert person["neighbourhood"] == "el Raval"
    assert person["reference_professionals"] == "P1"
    assert person["consent_processing"] is True and person["consent_images"] is False
    assert tables["enrolments"].fillna("").values.tolist() == [
        ["programme", "Amunt!", "", dt.date(2023, 1, 9), "", "", ""],
        ["motor_group", "Cuina (Anna)", "CA1", "", "", "", ""],
    ]
    att = tables["attendance"]
    assert att[["title", "status", "walk_in"]].values.tolist() == [
        ["Taller 1", "attended", False],
        ["Taller 2", "attended", True],
    ]
    assert att.starts_at.tolist() == [PAST1, PAST2]
    assert tables["invitations"][["title", "session_status"]].values.tolist() == [
        ["Taller 1", "held"],
        ["Taller 3", "planned"],
    ]
    assert tables["reported_ties"][["direction", "other_code", "kind", "wave"]].values.tolist() == [
        ["reported", "AM-B", "support", "T1"],
        ["named_by", "AM-B", "friendship", "T1"],
    ]
    assert tables["assessments"][["phase", "assessor"]].values.tolist() == [["reception", "P1"]]
    assert tables["assessment_scores"][["domain", "level"]].values.tolist() == [
        ["finances", 2],
        ["housing", 3],
    ]
    # the conflict note and the collaboration note; "AM-AB" alone would not count
    assert tables["notes"][["table", "field"]].values.tolist() == [
        ["sessions", "conflict_note"],
        ["collaborations", "note"],
    ]
    audit = tables["audit_log"]
    # A's own tie entry, B's entry naming A, A's assessment, A's attendance mark, A's row
    assert audit.entity.tolist() == [
        "reported_ties",
        "reported_ties",
        "assessments",
        "attendance",
        "participants",
    ]
    assert all("AM-C" not in str(v) for t in tables.values() for v in t.to_numpy().ravel())


def test_record_export_is_audited_and_refused_to_educators(
    engine: Engine, world: dict[str, int]
) -> None:
    with session_scope(engine) as s:
        with pytest.raises(PermissionDeniedError):
            trust.participant_record(s, actor=EDU, code="AM-A")
        tables = trust.participant_record(s, actor=COORD, code="AM-A")
        entry = s.scalars(select(AuditLog).order_by(AuditLog.id.desc())).first()
        assert entry is not None
        assert (entry.actor, entry.action) == ("coord", "export")
        assert entry.entity == "participant_record"
        assert entry.after == {
            "rows": sum(len(t) for t in tables.values()),
            "filters": {"code": "AM-A"},
        }
        with pytest.raises(NotFoundError, match="AM-Z"):
            trust.participant_record(s, actor=COORD, code="am-z")


def test_record_workbook_has_one_sheet_per_table(engine: Engine, world: dict[str, int]) -> None:
    with session_scope(engine) as s:
        tables = trust.participant_record(s, actor=ADMIN, code="AM-A")
    book = load_workbook(io.BytesIO(trust.participant_record_to_excel(tables)))
    assert book.sheetnames == list(trust.RECORD_SHEETS.values())
    ties = book["Reported ties"]
    assert [c.value for c in ties[1]] == [
        "Direction",
        "Other participant",
        "Observed on",
        "Kind",
        "Source",
        "Wave",
    ]
    assert ties.max_row == 3
    assert book["Participant"]["B2"].value == "Anna"


def test_coordinators_and_admins_hold_the_new_permission() -> None:
    holders = {r for r in Role if Actor("x", r).can(Permission.MANAGE_PARTICIPANT_RIGHTS)}
    assert holders == {Role.ADMIN, Role.COORDINATOR}


# erasure ---------------------------------------------------------------------------------


def _all_text(engine: Engine) -> str:
    """Every value of every table, as one text (to look for a code or an attribute)."""
    with session_scope(engine) as s:
        chunks = []
        for table in Base.metadata.sorted_tables:
            for row in s.execute(select(table)).all():
                chunks.append(json.dumps([str(v) for v in row]))
    return "\n".join(chunks)


def test_erasure_removes_the_person_and_keeps_the_counts(
    engine: Engine, world: dict[str, int]
) -> None:
    counts_before, reached_before = _attended_per_session(engine), _reached(engine)
    with session_scope(engine) as s:
        report = trust.erase_participant(s, actor=COORD, code="am-a", reason="request 2024/17")
    assert report.code == "AM-A"
    assert report.removed == {
        "future_invitations": 1,
        "reported_ties": 2,
        "survey_responses": 0,
        "assessment_scores": 2,
        "assessments": 1,
        "enrolments": 1,
        "reference_professionals": 1,
        "participants": 1,
    }
    assert report.anonymised == {"attendance": 2, "invitations": 1, "motor_group_members": 1}
    assert report.scrubbed == {"audit_entries": 5, "notes": 2}
    # the counts of every session and the people reached are unchanged
    assert _attended_per_session(engine) == counts_before
    assert _reached(engine) == reached_before == 3
    text = _all_text(engine)
    assert "Anna" not in text
    # the erasure entry keeps the code, the reason and counts; nothing else names AM-A
    assert len(re.findall(r"AM-A(?![\w-])", text)) == 1
    assert "AM-AB" in text  # a different code in the same note is left alone
    with session_scope(engine) as s:
        assert s.scalar(select(Participant).where(Participant.code == "AM-A")) is None
        anonymous = s.scalars(
            select(Participant).where(Participant.code.startswith(trust.ANONYMOUS_PREFIX))
        ).one()
        assert (anonymous.alias, anonymous.age_band, anonymous.gender) == (None, "", "")
        assert anonymous.neighbourhood_id is None and not anonymous.consent_processing
        assert s.scalar(select(func.count()).select_from(Enrolment)) == 0
        assert s.scalar(select(func.count()).select_from(ParticipantProfessional)) == 0
        assert s.scalar(select(func.count()).select_from(ReportedTie)) == 0
        assert s.scalar(select(func.count()).select_from(Assessment)) == 0
        assert s.scalar(select(func.count()).select_from(AssessmentScore)) == 0
        future = s.scalars(
            select(Invitation.participant_id).where(Invitation.session_id == world["s3"])
        ).all()
        assert future == [world["B"]]
        member = s.scalars(select(MotorGroupMember)).one()
        assert (member.participant_id, member.name, member.member_kind) == (None, "", "resident")
        # the anonymous code is recorded nowhere in the audit log
        log = s.scalars(select(AuditLog).order_by(AuditLog.id)).all()
        assert all(anonymous.code not in json.dumps([e.before, e.after, e.entity_id]) for e in log)
        erasure = log[-1]
        assert (erasure.action, erasure.entity, erasure.entity_id) == (
            "erase",
            "participants",
            "AM-A",
        )
        assert erasure.after == {"reason": "request 2024/17", **report.as_audit()}
        # the attendance entry keyed by A's id lost the id; B's is untouched
        marks = [e.after for e in log if e.entity == "attendance"]
        assert marks == [{trust.ERASED_MARK: "attended"}, {str(world["B"]): "attended"}]
        row_entry = next(e for e in log if e.entity == "participants" and e.action == "update")
        assert row_entry.after == {"erased": True}
        note = s.scalars(select(SessionRow.conflict_note).where(SessionRow.id == world["s2"]))
        assert note.one() == "Participant [erased] is already invited to X."


def test_erasure_needs_permission_and_reason(engine: Engine, world: dict[str, int]) -> None:
    with session_scope(engine) as s:
        with pytest.raises(PermissionDeniedError):
            trust.erase_participant(s, actor=EDU, code="AM-A", reason="request")
        with pytest.raises(ValidationError, match="reason"):
            trust.erase_participant(s, actor=COORD, code="AM-A", reason="  ")
        with pytest.raises(NotFoundError):
            trust.erase_participant(s, actor=COORD, code="AM-Z", reason="request")
    with session_scope(engine) as s:
        assert s.scalar(select(Participant.alias).where(Participant.code == "AM-A")) == "Anna"


def test_erasing_someone_without_sessions_leaves_no_anonymous_row(
    engine: Engine, world: dict[str, int]
) -> None:
    with session_scope(engine) as s:
        s.add(Participant(code="AM-N", consent_processing=True, consent_survey=True))
    with session_scope(engine) as s:
        report = trust.erase_participant(s, actor=ADMIN, code="AM-N", reason="request")
        assert report.anonymised == {"attendance": 0, "invitations": 0, "motor_group_members": 0}
        anonymous = select(func.count()).where(Participant.code.startswith(trust.ANONYMOUS_PREFIX))
        assert s.scalar(anonymous) == 0


# consent ---------------------------------------------------------------------------------


def test_ties_and_assessments_need_consent(engine: Engine, world: dict[str, int]) -> None:
    with session_scope(engine) as s:
        ties_before = s.scalar(select(func.count()).select_from(ReportedTie))
        with pytest.raises(ValidationError, match="AM-C has not given consent"):
            record_reported_ties(
                s, actor=ADMIN, respondent_code="AM-C", ties={"AM-A": "support"},
                on=dt.date(2023, 6, 15),
            )  # fmt: skip
        # naming someone without consent is refused too, and nothing of the answer is kept
        with pytest.raises(ValidationError, match="AM-C has not given consent"):
            record_reported_ties(
                s, actor=ADMIN, respondent_code="AM-A",
                ties={"AM-B": "acquaintance", "AM-C": "support"}, on=dt.date(2023, 10, 1),
            )  # fmt: skip
        with pytest.raises(ValidationError, match="AM-C has not given consent for assessments"):
            record_assessment(
                s, actor=ADMIN, code="AM-C", on=dt.date(2023, 1, 1), phase="reception",
                scores={"housing": 3},
            )  # fmt: skip
        assert s.scalar(select(func.count()).select_from(ReportedTie)) == ties_before
        assert s.scalar(select(func.count()).select_from(Assessment)) == 1


def test_consent_message_is_translated(engine: Engine, world: dict[str, int]) -> None:
    from community_map import i18n

    with (
        session_scope(engine) as s,
        i18n.language("ca"),
        pytest.raises(ValidationError) as caught,
    ):
        record_assessment(
            s, actor=ADMIN, code="AM-C", on=dt.date(2023, 1, 1), phase="reception",
            scores={"housing": 3},
        )  # fmt: skip
    assert str(caught.value).startswith(
        "La persona participant AM-C no ha donat el seu consentiment per a les valoracions"
    )


def test_tie_and_assessment_writes_are_checked_and_audited(
    engine: Engine, world: dict[str, int]
) -> None:
    with session_scope(engine) as s:
        with pytest.raises(ValidationError, match="themselves"):
            record_reported_ties(
                s, actor=ADMIN, respondent_code="AM-A", ties={"AM-A": "support"},
                on=dt.date(2023, 6, 15),
            )  # fmt: skip
        with pytest.raises(ValidationError, match="level of housing"):
            record_assessment(
                s, actor=ADMIN, code="AM-A", on=dt.date(2023, 9, 1), phase="closure",
                scores={"housing": 9},
            )  # fmt: skip
        with pytest.raises(PermissionDeniedError):  # evaluators measure, they do not assess
            record_assessment(
                s, actor=EVALUATOR, code="AM-A", on=dt.date(2023, 9, 1), phase="closure",
                scores={"housing": 4},
            )  # fmt: skip
        # the same answer again is not duplicated
        again = record_reported_ties(
            s, actor=ADMIN, respondent_code="AM-A", ties={"AM-B": "support"},
            on=dt.date(2023, 6, 15), wave="T1",
        )  # fmt: skip
        assert again == []
        entries = s.scalars(
            select(AuditLog).where(AuditLog.entity == "reported_ties").order_by(AuditLog.id)
        ).all()
        assert entries[0].after == {
            "respondent": "AM-A",
            "on": "2023-06-15",
            "wave": "T1",
            "ties": {"AM-B": "support"},
        }


def test_demo_builder_applies_the_consent_rule() -> None:
    from community_map.demo._builder import Builder
    from community_map.demo._builder_base import SCALES

    builder = Builder(SCALES["default"], 2022, dt.date(2024, 1, 1))
    builder.territory()
    builder.assets()
    builder.organisations()
    builder.programmes()
    builder.participants()
    builder.actions(lambda _f, _m: None)
    refused = set(builder.participant_ids[::3])
    for row in builder.rows[Participant]:
        if row["id"] in refused:
            row["consent_processing"] = row["consent_survey"] = False
    builder.reported_ties()
    builder.assessments()
    ties = builder.rows[ReportedTie]
    assessed = {row["participant_id"] for row in builder.rows[Assessment]}
    assert ties and assessed
    assert not {t["from_participant_id"] for t in ties} & refused
    assert not {t["to_participant_id"] for t in ties} & refused
    assert not assessed & refused


# audited exports -------------------------------------------------------------------------


def test_record_export_keeps_filters_as_json_and_leaves_the_data_version(engine: Engine) -> None:
    with session_scope(engine) as s:
        trust.record(s, ADMIN, "create", "sessions", 1, after={"title": "x"})
        version = trust.data_version(s)
        entry = trust.record_export(
            s,
            COORD,
            "programme_workbook",
            269,
            start=dt.date(2023, 3, 1),
            services=(3, 4),
            types=["workshop"],
        )
        assert entry.after == {
            "rows": 269,
            "filters": {"start": "2023-03-01", "services": [3, 4], "types": ["workshop"]},
        }
        # an export is not a write: cached pages are not recomputed because of it
        assert trust.data_version(s) == version
