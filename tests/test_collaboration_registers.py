"""Collaboration, referral and coordination registers: writes, reads, Excel, network, pages."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from community_map import networks, storage
from community_map.cli import main
from community_map.errors import (
    ConcurrentEditError,
    ImportFileError,
    PermissionDeniedError,
    ValidationError,
)
from community_map.models import (
    AuditLog,
    Collaboration,
    CoordinationMeeting,
    Participant,
    Professional,
    Referral,
    Role,
    Service,
)
from community_map.networks import Window
from community_map.storage import session_scope
from community_map.trust import Actor
from tests.demo_actors import demo_actor

ADMIN = Actor(username="admin", role=Role.ADMIN)
EDU = Actor(username="edu", role=Role.EDUCATOR)
EVAL = Actor(username="eval", role=Role.EVALUATOR)
VIEWER = Actor(username="viewer", role=Role.DISTRICT_VIEWER)
D = dt.date
ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "community_map" / "ui" / "streamlit_app.py")


@pytest.fixture
def world(engine: Engine) -> dict[str, int]:
    """Three services A, B, C; professionals PA (A), PB1 and PB2 (B), PC (C); one participant."""
    with session_scope(engine) as s:
        ids: dict[str, int] = {}
        for code in "ABC":
            service = Service(code=code, name=f"Servei {code}", field_of_work="social_care")
            s.add(service)
            s.flush()
            ids[code] = service.id
        for code, svc in (("PA", "A"), ("PB1", "B"), ("PB2", "B"), ("PC", "C")):
            pro = Professional(code=code, role="social worker", service_id=ids[svc])
            s.add(pro)
            s.flush()
            ids[code] = pro.id
        person = Participant(code="AM-1", consent_processing=True, consent_survey=True)
        s.add(person)
        s.flush()
        ids["AM-1"] = person.id
    return ids


def _audit(engine: Engine, entity: str) -> list[AuditLog]:
    with session_scope(engine) as s:
        rows = list(
            s.scalars(select(AuditLog).where(AuditLog.entity == entity).order_by(AuditLog.id))
        )
        s.expunge_all()
        return rows


# collaborations ----------------------------------------------------------------------------


def test_collaboration_create_update_delete_audited(engine: Engine, world: dict[str, int]) -> None:
    with session_scope(engine) as s:
        row = networks.create_collaboration(
            s,
            actor=EDU,
            from_service_id=world["A"],
            to_service_id=world["B"],
            occurred_on=D(2023, 3, 1),
            kind="joint_project",
            intensity=3,
            from_professional_id=world["PA"],
            to_professional_id=world["PB1"],
        )
        cid, version = row.id, row.version
        assert row.scale == "himmelman-4"
    with session_scope(engine) as s:
        networks.update_collaboration(
            s,
            actor=EDU,
            collaboration_id=cid,
            version=version,
            from_service_id=world["A"],
            to_service_id=world["B"],
            occurred_on=D(2023, 3, 1),
            kind="joint_project",
            intensity=4,
            from_professional_id=world["PA"],
            to_professional_id=world["PB1"],
        )
    entries = _audit(engine, "collaborations")
    assert [e.action for e in entries] == ["create", "update"]
    assert (entries[1].before, entries[1].after) == ({"intensity": 3}, {"intensity": 4})
    with session_scope(engine) as s, pytest.raises(ConcurrentEditError):
        networks.delete_collaboration(s, actor=EDU, collaboration_id=cid, version=version)
    with session_scope(engine) as s:
        networks.delete_collaboration(s, actor=EDU, collaboration_id=cid, version=version + 1)
        assert s.scalar(select(func.count()).select_from(Collaboration)) == 0
    assert _audit(engine, "collaborations")[-1].before["intensity"] == 4  # type: ignore[index]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"to_service_id": "A"}, "two different services"),
        ({"intensity": 5}, "from 1"),
        ({"kind": "referral"}, "kinds of collaboration"),
        ({"from_professional_id": "PB1"}, "another service"),
    ],
)
def test_collaboration_validation(
    engine: Engine, world: dict[str, int], change: dict[str, Any], message: str
) -> None:
    fields: dict[str, Any] = dict(
        from_service_id=world["A"],
        to_service_id=world["B"],
        occurred_on=D(2023, 3, 1),
        kind="joint_case",
        intensity=2,
    )
    for key, value in change.items():
        fields[key] = world[value] if isinstance(value, str) and value in world else value
    with session_scope(engine) as s, pytest.raises(ValidationError, match=message):
        networks.create_collaboration(s, actor=EDU, **fields)


def test_permissions_to_record_and_read(engine: Engine, world: dict[str, int]) -> None:
    with session_scope(engine) as s:
        with pytest.raises(PermissionDeniedError):
            networks.create_space(s, actor=EVAL, code="X", name="X", kind="other")
        with pytest.raises(PermissionDeniedError):
            networks.referrals_frame(s, actor=VIEWER)
        networks.create_referral(
            s,
            actor=EDU,
            from_service_id=world["A"],
            to_service_id=world["B"],
            referred_on=D(2023, 1, 5),
            participant_id=world["AM-1"],
        )
        # evaluators read networks: they see the register (and codes: they see participants)
        assert networks.referrals_frame(s, actor=EVAL)["participant"].tolist() == ["AM-1"]
        motor = Actor(username="m", role=Role.MOTOR_GROUP)
        with pytest.raises(PermissionDeniedError):
            networks.collaborations_frame(s, actor=motor)


# referrals ---------------------------------------------------------------------------------


def test_referral_outcome_rules_filters_and_stale_version(
    engine: Engine, world: dict[str, int]
) -> None:
    base = dict(from_service_id=world["A"], to_service_id=world["B"], referred_on=D(2023, 1, 10))
    with session_scope(engine) as s:
        with pytest.raises(ValidationError, match="accepted or declined"):
            networks.create_referral(s, actor=EDU, outcome="accepted", **base)  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match="before the referral"):
            networks.create_referral(
                s,
                actor=EDU,
                outcome="declined",
                outcome_on=D(2023, 1, 9),
                **base,  # type: ignore[arg-type]
            )
        with pytest.raises(ValidationError, match="pending referral"):
            networks.create_referral(
                s,
                actor=EDU,
                outcome="pending",
                outcome_on=D(2023, 1, 11),
                **base,  # type: ignore[arg-type]
            )
        first = networks.create_referral(s, actor=EDU, **base)  # type: ignore[arg-type]
        networks.create_referral(
            s,
            actor=EDU,
            from_service_id=world["C"],
            to_service_id=world["A"],
            referred_on=D(2023, 5, 1),
            outcome="accepted",
            outcome_on=D(2023, 5, 1),
        )
        rid = first.id
    with session_scope(engine) as s:
        networks.update_referral(
            s,
            actor=EDU,
            referral_id=rid,
            version=1,
            outcome="accepted",
            outcome_on=D(2023, 2, 1),
            **base,  # type: ignore[arg-type]
        )
        with pytest.raises(ConcurrentEditError):
            networks.update_referral(
                s,
                actor=EDU,
                referral_id=rid,
                version=1,
                outcome="declined",
                outcome_on=D(2023, 2, 1),
                **base,  # type: ignore[arg-type]
            )
    with session_scope(engine) as s:
        by_b = networks.referrals_frame(s, actor=EDU, service_id=world["B"])
        assert by_b["id"].tolist() == [rid]
        spring = networks.referrals_frame(s, actor=EDU, start=D(2023, 4, 1), end=D(2023, 5, 1))
        assert spring["from_service"].tolist() == ["C"]
        assert len(networks.referrals_frame(s, actor=EDU, outcome="accepted")) == 2
    update = _audit(engine, "referrals")[-1]
    assert update.before == {"outcome": "pending", "outcome_on": None}
    assert update.after == {"outcome": "accepted", "outcome_on": "2023-02-01"}


def test_referral_network_reads_the_referral_register(
    engine: Engine, world: dict[str, int]
) -> None:
    with session_scope(engine) as s:
        for a, b in (("A", "B"), ("A", "B"), ("B", "C")):
            networks.create_referral(
                s,
                actor=EDU,
                from_service_id=world[a],
                to_service_id=world[b],
                referred_on=D(2023, 2, 1),
            )
        tables = networks.service_network_tables(s)
    window = Window("all", D(2023, 1, 1), D(2024, 1, 1))
    graph = networks.networks_by_window(tables, [window], layer="referrals")["all"]
    assert sorted(graph.edges(data="weight")) == [("A", "B", 2.0), ("B", "C", 1.0)]


def test_migration_moves_referral_collaborations(sqlite_url: str) -> None:
    from alembic import command

    eng = storage.create_db_engine(sqlite_url)
    command.upgrade(storage._alembic_config(eng), "0006")
    with eng.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO services (id, code, name, sector, organisation, is_active) "
                "VALUES (1, 'A', 'A', 'health', '', 1), (2, 'B', 'B', 'health', '', 1)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO collaborations (from_service_id, to_service_id, occurred_on, kind, "
                "intensity, directed, note) VALUES (1, 2, '2023-01-05', 'referral', 3, 1, 'n1'), "
                "(2, 1, '2023-02-05', 'joint_case', 2, 0, '')"
            )
        )
    storage.migrate(eng)
    with session_scope(eng) as s:
        moved = s.scalars(select(Referral)).all()
        assert [(r.from_service_id, r.referred_on, r.outcome, r.note) for r in moved] == [
            (1, D(2023, 1, 5), "pending", "n1")
        ]
        kept = s.scalars(select(Collaboration)).all()
        assert [(c.kind, c.scale, c.version) for c in kept] == [("joint_case", "himmelman-4", 1)]
    eng.dispose()


# coordination and the services network -----------------------------------------------------


def _three_service_space(engine: Engine, world: dict[str, int]) -> dict[str, int]:
    """A space with members A (service), PB1, PB2 (professionals of B), PC, and an entity.

    Meeting 1 (Feb): A, PB1, PB2, PC, entity. Meeting 2 (Mar): A, PB1. Meeting 3 (Apr): PC.
    By hand, services network: A-B 2 (meetings 1, 2; B counted once in meeting 1),
    A-C 1, B-C 1; the entity is no node. Professionals: PB1-PB2 1, PB1-PC 1, PB2-PC 1.
    """
    with session_scope(engine) as s:
        space = networks.create_space(
            s,
            actor=EDU,
            code="TAULA",
            name="Taula",
            kind="district_table",
            lead_service_id=world["A"],
        )
        m = {
            "A": networks.add_member(
                s, actor=EDU, space_id=space.id, member_kind="service", service_id=world["A"]
            ).id,
            "PB1": networks.add_member(
                s,
                actor=EDU,
                space_id=space.id,
                member_kind="professional",
                professional_id=world["PB1"],
            ).id,
            "PB2": networks.add_member(
                s,
                actor=EDU,
                space_id=space.id,
                member_kind="professional",
                professional_id=world["PB2"],
            ).id,
            "PC": networks.add_member(
                s,
                actor=EDU,
                space_id=space.id,
                member_kind="professional",
                professional_id=world["PC"],
            ).id,
            "AVV": networks.add_member(
                s, actor=EDU, space_id=space.id, member_kind="entity", name="AVV del Raval"
            ).id,
        }
        networks.create_meeting(
            s, actor=EDU, space_id=space.id, held_on=D(2023, 2, 7), attendee_ids=list(m.values())
        )
        networks.create_meeting(
            s,
            actor=EDU,
            space_id=space.id,
            held_on=D(2023, 3, 7),
            attendee_ids=[m["A"], m["PB1"]],
            note="second",
        )
        networks.create_meeting(
            s, actor=EDU, space_id=space.id, held_on=D(2023, 4, 7), attendee_ids=[m["PC"]]
        )
        return {"space": space.id, **m}


def test_meetings_feed_the_services_network_hand_checked(
    engine: Engine, world: dict[str, int]
) -> None:
    _three_service_space(engine, world)
    with session_scope(engine) as s:
        tables = networks.service_network_tables(s)
    year = Window("2023", D(2023, 1, 1), D(2024, 1, 1))
    services = networks.networks_by_window(tables, [year], layer="services")["2023"]
    assert sorted(services.edges(data="coordination")) == [
        ("A", "B", 2.0),
        ("A", "C", 1.0),
        ("B", "C", 1.0),
    ]
    pros = networks.networks_by_window(tables, [year], layer="professionals")["2023"]
    assert sorted(tuple(sorted(e)) for e in pros.edges()) == [
        ("PB1", "PB2"),
        ("PB1", "PC"),
        ("PB2", "PC"),
    ]
    march = Window("2023-03", D(2023, 3, 1), D(2023, 4, 1))
    only = networks.networks_by_window(tables, [march], layer="services")["2023-03"]
    assert sorted(only.edges(data="weight")) == [("A", "B", 1.0)]
    assert networks.data_span(tables, "services") == (D(2023, 2, 7), D(2023, 4, 7))


def test_members_and_meetings_rules(engine: Engine, world: dict[str, int]) -> None:
    ids = _three_service_space(engine, world)
    with session_scope(engine) as s:
        with pytest.raises(ValidationError, match="already a member"):
            networks.add_member(
                s, actor=EDU, space_id=ids["space"], member_kind="service", service_id=world["A"]
            )
        with pytest.raises(ValidationError, match="attended"):
            networks.remove_member(s, actor=EDU, member_id=ids["AVV"])
        with pytest.raises(ValidationError, match="meetings recorded"):
            networks.delete_space(s, actor=EDU, space_id=ids["space"], version=1)
        meeting = s.scalars(select(CoordinationMeeting).order_by(CoordinationMeeting.id)).first()
        assert meeting is not None
        networks.update_meeting(
            s,
            actor=EDU,
            meeting_id=meeting.id,
            version=1,
            held_on=meeting.held_on,
            attendee_ids=[ids["A"], ids["PC"]],
        )
        assert meeting.version == 2  # attendance alone moved the version on
        with pytest.raises(ConcurrentEditError):
            networks.update_meeting(
                s, actor=EDU, meeting_id=meeting.id, version=1, held_on=meeting.held_on
            )
    update = _audit(engine, "coordination_meetings")[-1]
    assert update.before == {"attended": ["A", "AVV del Raval", "PB1", "PB2", "PC"]}
    assert update.after == {"attended": ["A", "PC"]}


# Excel ---------------------------------------------------------------------------------------


def _tables(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    out = {}
    with engine.connect() as conn:
        for table in (
            "collaborations",
            "referrals",
            "coordination_spaces",
            "coordination_members",
            "coordination_meetings",
            "meeting_attendance",
        ):
            out[table] = [
                tuple(r) for r in conn.execute(text(f"SELECT * FROM {table} ORDER BY 1, 2"))
            ]
    return out


def _fill(engine: Engine, world: dict[str, int]) -> None:
    _three_service_space(engine, world)
    with session_scope(engine) as s:
        networks.create_collaboration(
            s,
            actor=EDU,
            from_service_id=world["A"],
            to_service_id=world["C"],
            occurred_on=D(2023, 3, 1),
            kind="co_led_activity",
            intensity=2,
            note="=1+1",
        )
        networks.create_referral(
            s,
            actor=EDU,
            from_service_id=world["A"],
            to_service_id=world["B"],
            referred_on=D(2023, 1, 5),
            participant_id=world["AM-1"],
            outcome="declined",
            outcome_on=D(2023, 1, 20),
        )


@pytest.mark.parametrize("language", ["ca", "es", "en"])
def test_round_trips_change_nothing(engine: Engine, world: dict[str, int], language: str) -> None:
    from community_map import i18n

    _fill(engine, world)
    before, audit_count = _tables(engine), len(_audit(engine, "collaborations"))
    with session_scope(engine) as s:
        entries = s.scalar(select(func.count()).select_from(AuditLog))
    for name in ("coordination", "collaborations", "referrals"):
        from community_map.registry import REGISTERS

        spec = REGISTERS[name]
        with i18n.language(language), session_scope(engine) as s:
            data = spec.export(s, actor=EDU)
        with session_scope(engine) as s:
            entries = s.scalar(select(func.count()).select_from(AuditLog))
            report = spec.load(s, data, actor=EDU, path=f"{name}.xlsx")
            assert (report.created, report.updated, report.skipped) == (0, 0, [])
            assert report.unchanged > 0
            assert s.scalar(select(func.count()).select_from(AuditLog)) == entries
    assert _tables(engine) == before
    assert len(_audit(engine, "collaborations")) == audit_count


def test_coordination_workbook_sheets_and_codes(engine: Engine, world: dict[str, int]) -> None:
    _fill(engine, world)
    with session_scope(engine) as s:
        data = networks.coordination_to_excel(s, actor=EDU)
    book = load_workbook(io.BytesIO(data))
    assert [n for n in book.sheetnames if n != "_lists"] == ["Spaces", "Members", "Meetings"]
    meetings = list(book["Meetings"].values)
    assert meetings[0] == ("Number", "Space code *", "Date *", "Note", "Attended")
    assert meetings[1][4] == "A, AVV del Raval, PB1, PB2, PC"


def test_import_into_an_empty_register_and_all_or_nothing(
    engine: Engine, world: dict[str, int], tmp_path: Path
) -> None:
    frame = pd.DataFrame(
        {
            "Service": ["A", "B", "A"],
            "Other service": ["B", "C", "Z"],
            "Date": ["2023-01-02", "02/03/2023", "2023-04-01"],
            "Kind": ["Case coordination", "Joint project", "Information exchange"],
            "Intensity": ["3 Cooperating", "4", "1 Networking"],
        }
    )
    path = tmp_path / "c.xlsx"
    frame.to_excel(path, index=False, sheet_name="Collaborations")
    with pytest.raises(ImportFileError) as caught, session_scope(engine) as s:
        networks.import_collaborations(s, path.read_bytes(), actor=EDU, path="c.xlsx")
    assert (caught.value.row, caught.value.column) == (4, "Other service")
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(Collaboration)) == 0
        report = networks.import_collaborations(
            s, path.read_bytes(), actor=EDU, path="c.xlsx", skip_bad_rows=True
        )
    assert report.created == 2
    assert [str(p) for p in report.skipped] == [
        "row 4, Other service: There is no service with code Z."
    ]
    with session_scope(engine) as s:
        rows = s.execute(
            select(Collaboration.kind, Collaboration.intensity).order_by(Collaboration.id)
        ).all()
    assert [tuple(r) for r in rows] == [("joint_case", 3), ("joint_project", 4)]


def test_cli_export_and_import(
    engine: Engine, world: dict[str, int], sqlite_url: str, tmp_path: Path
) -> None:
    _fill(engine, world)
    for name in ("referrals", "coordination", "collaborations"):
        target = tmp_path / f"{name}.xlsx"
        out = io.StringIO()
        assert main(["--database-url", sqlite_url, "export", name, str(target)], out=out) == 0, (
            out.getvalue()
        )
        out = io.StringIO()
        assert main(["--database-url", sqlite_url, "import", name, str(target)], out=out) == 0, (
            out.getvalue()
        )
        assert "0 created, 0 updated" in out.getvalue()


# pages ---------------------------------------------------------------------------------------


@pytest.fixture
def app_env(monkeypatch: pytest.MonkeyPatch, demo_db: str) -> str:
    monkeypatch.setenv("COMMUNITY_MAP_DATABASE_URL", demo_db)
    monkeypatch.setenv("COMMUNITY_MAP_DEMO", "true")
    monkeypatch.chdir(ROOT)
    return demo_db


@pytest.mark.parametrize("language", ["en", "ca", "es"])
def test_collaborations_page(app_env: str, language: str) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["language"] = language
    at.session_state["actor"] = demo_actor(Role.COORDINATOR)
    at.run()
    at.switch_page("pages/collaborations.py").run()
    assert not at.exception
    assert not at.error
    assert len(at.dataframe[0].value) > 0
    assert len(at.dataframe[1].value) > 0  # the referrals tab


@pytest.mark.parametrize("language", ["en", "ca", "es"])
def test_coordination_page_shows_meetings(app_env: str, language: str) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["language"] = language
    at.session_state["actor"] = demo_actor(Role.EDUCATOR)
    at.run()
    at.switch_page("pages/coordination.py").run()
    assert not at.exception
    assert len(at.dataframe[0].value) == 3
    at.selectbox(key="space_chosen").select_index(1).run()
    assert not at.exception
    assert len(at.multiselect) == 1
    assert not at.error


def test_pages_are_refused_to_evaluators(app_env: str) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["actor"] = demo_actor(Role.EVALUATOR)
    at.run()
    with pytest.raises(Exception):  # noqa: B017 - not in the navigation
        at.switch_page("pages/coordination.py").run()


def test_subject_access_and_erasure_cover_referrals(engine: Engine, world: dict[str, int]) -> None:
    from community_map import trust

    with session_scope(engine) as s:
        networks.create_referral(
            s,
            actor=EDU,
            from_service_id=world["A"],
            to_service_id=world["B"],
            referred_on=D(2023, 1, 5),
            participant_id=world["AM-1"],
            note="AM-1 to housing",
        )
        record = trust.participant_record(s, actor=ADMIN, code="AM-1")
        assert record["referrals"][["from_service", "to_service"]].values.tolist() == [["A", "B"]]
        report = trust.erase_participant(s, actor=ADMIN, code="AM-1", reason="request 2024/1")
        assert report.anonymised["referrals"] == 1
    with session_scope(engine) as s:
        referral = s.scalars(select(Referral)).one()
        assert (referral.participant_id, referral.from_service_id) == (None, world["A"])
        assert "AM-1" not in referral.note
