"""The demo data: grounded in the seeds, deterministic, and scalable for benchmarks."""

from __future__ import annotations

import datetime as dt
import hashlib

import pandas as pd
import pytest
from sqlalchemy import Engine, func, select, text

from community_map import storage
from community_map.demo import DEMO_ACCOUNTS, generate_demo, is_demo_database
from community_map.errors import ValidationError
from community_map.models import (
    Asset,
    AssetCategory,
    Attendance,
    Participant,
    Role,
    Service,
    SessionType,
    TerritoryUnit,
)
from community_map.models import Session as SessionRow
from community_map.storage import session_scope
from community_map.trust import authenticate
from community_map.trust.permissions import Actor


def _count(engine: Engine, model: type, *where: object) -> int:
    with session_scope(engine) as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def test_barcelona_territory(demo_engine: Engine) -> None:
    assert _count(demo_engine, TerritoryUnit, TerritoryUnit.kind == "district") == 10
    assert _count(demo_engine, TerritoryUnit, TerritoryUnit.kind == "neighbourhood") == 73
    with session_scope(demo_engine) as session:
        names = set(session.scalars(select(TerritoryUnit.name)))
    assert {"Ciutat Vella", "Sant Martí", "el Raval", "la Barceloneta", "Sants"} <= names


def test_social_services_centres_assets_and_categories(demo_engine: Engine) -> None:
    css = _count(demo_engine, Service, Service.code.like("CSS-%"))
    assert 35 <= css <= 45
    assert _count(demo_engine, TerritoryUnit, TerritoryUnit.kind == "catchment") == css
    assert _count(demo_engine, Asset) >= 600
    assert _count(demo_engine, AssetCategory) >= 10
    with session_scope(demo_engine) as session:
        used = session.scalar(select(func.count(func.distinct(Asset.category_code))))
        unplaced = session.scalar(
            select(func.count()).select_from(Asset).where(Asset.neighbourhood_id.is_(None))
        )
    assert used >= 10 and unplaced == 0


def test_amunt_services_and_participants(demo_engine: Engine) -> None:
    with session_scope(demo_engine) as session:
        codes = set(session.scalars(select(Service.code)))
        ages = pd.Series(session.scalars(select(Participant.age_band)).all())
        women = session.scalar(
            select(func.count()).select_from(Participant).where(Participant.gender == "woman")
        )
    assert {"IMSS-AMUNT", "SAC", "BA", "CEB", "ECAS", "FEICAT", "CREU-ROJA"} <= codes
    assert len(ages) == 300
    assert 0.55 < women / 300 < 0.72  # Amunt!: 63.9% women
    assert not hasattr(Participant, "name")  # pseudonymous codes only


def test_amunt_programme_and_its_measurement_points(demo_engine: Engine) -> None:
    from community_map import activities

    with session_scope(demo_engine) as session:
        frame = activities.programmes_frame(session)
        waves = activities.programme_waves(session, "AMUNT-2022")
    assert list(frame["code"]) == ["AMUNT-2022"]
    row = frame.iloc[0]
    assert (row["name"], row["starts_on"], row["ends_on"], row["points"]) == (
        "Amunt! 2022-23",
        dt.date(2022, 9, 1),
        dt.date(2023, 9, 30),
        3,
    )
    assert row["lead_service"] != ""
    assert waves == {
        "T0": (dt.date(2022, 9, 1), dt.date(2022, 12, 31)),
        "T1": (dt.date(2023, 1, 1), dt.date(2023, 6, 30)),
        "T2": (dt.date(2023, 7, 1), dt.date(2023, 9, 30)),
    }


def test_a_year_of_sessions_of_the_four_community_types(demo_engine: Engine) -> None:
    with session_scope(demo_engine) as session:
        frame = pd.DataFrame(
            session.execute(select(SessionRow.type, SessionRow.starts_at, SessionRow.status)).all(),
            columns=["type", "starts_at", "status"],
        )
    assert frame.starts_at.min() >= dt.datetime(2022, 9, 1)
    assert frame.starts_at.max() <= dt.datetime(2023, 9, 30, 23, 59)
    for kind in (
        SessionType.GROUP_DYNAMIC,
        SessionType.WORKSHOP,
        SessionType.CULTURAL_OUTING,
        SessionType.LEADERSHIP,
        SessionType.COORDINATION_MEETING,
    ):
        assert (frame.type == kind.value).sum() >= 5, kind
    assert {"held", "cancelled"} <= set(frame.status)


def test_attendance_has_core_groups_and_drop_outs(demo_engine: Engine) -> None:
    with session_scope(demo_engine) as session:
        att = pd.DataFrame(
            session.execute(
                text(
                    "SELECT a.participant_id, a.status, s.action_id, s.starts_at FROM attendance a "
                    "JOIN sessions s ON s.id = a.session_id WHERE s.action_id IS NOT NULL"
                )
            ).all(),
            columns=["participant_id", "status", "action_id", "starts_at"],
        )
    rate = (
        att.assign(hit=att.status == "attended").groupby(["action_id", "participant_id"]).hit.mean()
    )
    assert (rate > 0.8).mean() > 0.2  # a core that nearly always comes
    assert (rate < 0.4).mean() > 0.1  # and people who rarely come or drop out
    reached = att.loc[att.status == "attended", "participant_id"].nunique()
    assert 150 <= reached <= 300  # Amunt!: 283 people joined community actions


def test_collaboration_matches_the_amunt_paper(demo_engine: Engine) -> None:
    with session_scope(demo_engine) as session:
        rows = session.execute(
            text(
                "SELECT a.code, b.code, SUM(c.intensity) FROM collaborations c "
                "JOIN services a ON a.id = c.from_service_id "
                "JOIN services b ON b.id = c.to_service_id GROUP BY a.code, b.code"
            )
        ).all()
    weight: dict[frozenset[str], int] = {}
    for a, b, w in rows:
        key = frozenset((a, b))
        weight[key] = weight.get(key, 0) + int(w)
    ranked = sorted(weight, key=weight.__getitem__, reverse=True)
    assert ranked[0] == frozenset(("IMSS-AMUNT", "BA"))
    assert ranked[1] == frozenset(("IMSS-AMUNT", "SAC"))

    def strength(code: str) -> int:
        return sum(w for k, w in weight.items() if code in k)

    assert strength("CEB") < strength("BA") / 5
    assert strength("SAC") - weight[frozenset(("IMSS-AMUNT", "SAC"))] < strength("SAC") / 5


def test_ssm_cat_reception_lowest_domains(demo_engine: Engine) -> None:
    with session_scope(demo_engine) as session:
        scores = pd.DataFrame(
            session.execute(
                text(
                    "SELECT a.phase, s.domain, s.level FROM assessment_scores s "
                    "JOIN assessments a ON a.id = s.assessment_id"
                )
            ).all(),
            columns=["phase", "domain", "level"],
        )
    reception = scores[scores.phase == "reception"].groupby("domain")["level"].mean()
    lowest = set(reception.nsmallest(4).index)
    assert lowest == {"finances", "community_participation", "work_training", "social_network"}
    closure = scores[scores.phase == "closure"].groupby("domain")["level"].mean()
    assert (closure - reception).mean() > 0
    n_reception = scores[scores.phase == "reception"].shape[0] / 13
    assert 0.6 * 300 < n_reception < 0.8 * 300  # Amunt!: 581 of 829 rated at reception


def test_demo_accounts_log_in(demo_engine: Engine) -> None:
    assert is_demo_database(demo_engine)
    for username, password, role in DEMO_ACCOUNTS:
        with session_scope(demo_engine) as session:
            assert authenticate(session, username, password).role is role


def _fingerprint(engine: Engine) -> str:
    digest = hashlib.sha256()
    with engine.connect() as conn:
        for table in (
            "territory_units",
            "assets",
            "participants",
            "sessions",
            "attendance",
            "collaborations",
            "reported_ties",
            "assessment_scores",
        ):
            for row in conn.execute(text(f"SELECT * FROM {table} ORDER BY 1, 2")):
                digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def test_same_seed_same_data(demo_engine: Engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    other = storage.create_db_engine(f"sqlite:///{tmp_path / 'again.db'}")
    storage.migrate(other)
    generate_demo(other, actor=Actor(username="t", role=Role.ADMIN))
    assert _fingerprint(other) == _fingerprint(demo_engine)


def test_refuses_a_non_empty_database(demo_engine: Engine) -> None:
    before = _count(demo_engine, Asset)
    with pytest.raises(ValidationError, match="empty database"):
        generate_demo(demo_engine, actor=Actor(username="t", role=Role.ADMIN))
    assert _count(demo_engine, Asset) == before


def test_unknown_scale_is_refused(engine: Engine) -> None:
    with pytest.raises(ValidationError, match="default, city"):
        generate_demo(engine, actor=Actor(username="t", role=Role.ADMIN), scale="huge")


def test_progress_is_reported(engine: Engine) -> None:
    seen: list[float] = []
    generate_demo(
        engine, actor=Actor(username="t", role=Role.ADMIN), progress=lambda f, _m: seen.append(f)
    )
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)


@pytest.mark.postgres
def test_demo_on_postgres_and_ids_continue(pg_engine: Engine) -> None:
    admin = Actor(username="t", role=Role.ADMIN)
    generate_demo(pg_engine, actor=admin)
    assert _count(pg_engine, TerritoryUnit, TerritoryUnit.kind == "neighbourhood") == 73
    from community_map.trust import add_user

    with session_scope(pg_engine) as session:  # sequences were moved past explicit ids
        add_user(
            session, actor=admin, username="after.demo", password="a-long-secret", role="educator"
        )


@pytest.mark.slow
def test_city_scale(engine: Engine) -> None:
    generate_demo(engine, actor=Actor(username="t", role=Role.ADMIN), scale="city")
    assert 19_000 <= _count(engine, Participant) <= 21_000
    assert 4_500 <= _count(engine, SessionRow) <= 5_800
    assert 90_000 <= _count(engine, Attendance) <= 115_000
    assert 9_500 <= _count(engine, Asset) <= 10_500
