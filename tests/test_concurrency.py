"""Twenty people saving at once, on SQLite (file, WAL) and PostgreSQL.

Each writer is a thread with its own engine (its own connection), as two app processes
or two browser sessions are. Nothing may be lost, and every refused writer must get a
message (a ``CommunityMapError``), never another exception: stale edits of an asset or a
session, marks racing the finalisation of a register, and duplicate first marks.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from community_map import activities as svc
from community_map import storage
from community_map import territory as ts
from community_map.errors import CommunityMapError, ConcurrentEditError, DatabaseBusyError
from community_map.models import (
    ActionPhase,
    Asset,
    Attendance,
    AuditLog,
    CommunityAction,
    Participant,
    Role,
)
from community_map.models import Session as SessionRow
from community_map.trust.permissions import Actor

WRITERS = 20
ADMIN = Actor(username="test-admin", role=Role.ADMIN)
STALE = "Someone else changed"
PAST = dt.datetime(2025, 3, 3, 10, 0)  # registers are taken for sessions that took place
FUTURE = dt.datetime(2031, 3, 3, 10, 0)  # plans are edited for sessions to come


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, sqlite_url: str) -> Iterator[str]:
    """A migrated empty database: a SQLite file in WAL mode, or a fresh PostgreSQL one."""
    url = sqlite_url if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    engine = storage.create_db_engine(url)
    storage.migrate(engine)
    engine.dispose()
    yield url


@pytest.fixture
def engines(db_url: str) -> Iterator[list[Engine]]:
    """One engine per writer, each with its own connection pool."""
    made = [storage.create_db_engine(db_url) for _ in range(WRITERS)]
    yield made
    for engine in made:
        engine.dispose()


@dataclass
class Outcome:
    """What happened to one writer: saved, refused with a message, or another exception."""

    writer: int
    saved: bool = False
    message: str = ""
    unexpected: str = ""


def _race(engines: list[Engine], work: Callable[[int, Engine], None]) -> list[Outcome]:
    """Run ``work(i, engine)`` in every writer at once (a barrier lines them up)."""
    barrier = threading.Barrier(len(engines))

    def one(i: int) -> Outcome:
        outcome = Outcome(i)
        barrier.wait()
        try:
            work(i, engines[i])
        except CommunityMapError as exc:
            outcome.message = str(exc)
        except Exception as exc:  # the defect this file guards against
            outcome.unexpected = f"{type(exc).__name__}: {exc}"[:200]
        else:
            outcome.saved = True
        return outcome

    # Switch threads every few microseconds (not every 5 ms), so that the writers' reads
    # and writes interleave as those of separate processes do.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    try:
        with ThreadPoolExecutor(len(engines)) as pool:
            return list(pool.map(one, range(len(engines))))
    finally:
        sys.setswitchinterval(interval)


def _unexpected(outcomes: list[Outcome]) -> list[str]:
    return [o.unexpected for o in outcomes if o.unexpected]


def _people(engine: Engine, prefix: str, n: int) -> list[int]:
    with storage.session_scope(engine) as s:
        people = [
            Participant(code=f"{prefix}-{i:02d}", consent_processing=True, consent_survey=True)
            for i in range(n)
        ]
        s.add_all(people)
        s.flush()
        return [p.id for p in people]


def _session(engine: Engine, starts_at: dt.datetime, title: str = "Taller") -> int:
    with storage.session_scope(engine) as s:
        row = SessionRow(
            type="workshop",
            title=title,
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(hours=2),
            status="planned",
            finalised=False,
        )
        s.add(row)
        s.flush()
        return row.id


def test_concurrent_asset_edits_lose_nothing_and_refuse_with_a_message(
    engines: list[Engine],
) -> None:
    main = engines[0]
    with storage.session_scope(main) as s:
        asset = Asset(
            name="Casal", category_code="civic_centre", x=430000, y=4581000, tags=[], source="t"
        )
        s.add(asset)
        s.flush()
        asset_id = asset.id
    for round_ in range(3):
        with storage.session_scope(main) as s:
            version = s.get(Asset, asset_id).version  # type: ignore[union-attr]

        def edit(i: int, engine: Engine, version: int = version, round_: int = round_) -> None:
            with storage.session_scope(engine) as s:
                ts.update_asset(
                    s, actor=ADMIN, asset_id=asset_id, version=version, name=f"r{round_} w{i}"
                )

        outcomes = _race(engines, edit)
        assert _unexpected(outcomes) == []
        saved = [o.writer for o in outcomes if o.saved]
        assert len(saved) == 1, "every writer started from the same version: one save wins"
        assert all(STALE in o.message for o in outcomes if not o.saved)
        with storage.session_scope(main) as s:
            stored = s.get(Asset, asset_id)
            assert stored is not None
            assert stored.name == f"r{round_} w{saved[0]}"
            assert stored.version == version + 1


def test_concurrent_session_edits_lose_nothing_and_refuse_with_a_message(
    engines: list[Engine],
) -> None:
    main = engines[0]
    session_id = _session(main, FUTURE)
    for round_ in range(2):
        with storage.session_scope(main) as s:
            version = s.get(SessionRow, session_id).version  # type: ignore[union-attr]

        def edit(i: int, engine: Engine, version: int = version, round_: int = round_) -> None:
            plan = svc.SessionPlan(
                action_id=None,
                type="workshop",
                title=f"r{round_} w{i}",
                starts_at=FUTURE,
                ends_at=FUTURE + dt.timedelta(hours=2),
            )
            with storage.session_scope(engine) as s:
                svc.update_sessions(
                    s, actor=ADMIN, session_id=session_id, version=version, plan=plan
                )

        outcomes = _race(engines, edit)
        assert _unexpected(outcomes) == []
        saved = [o.writer for o in outcomes if o.saved]
        assert len(saved) == 1
        assert all(STALE in o.message for o in outcomes if not o.saved)
        with storage.session_scope(main) as s:
            stored = s.get(SessionRow, session_id)
            assert stored is not None
            assert stored.title == f"r{round_} w{saved[0]}"
            assert stored.version == version + 1


def test_concurrent_phase_changes_of_an_action_are_whole_or_refused(
    engines: list[Engine],
) -> None:
    """A community action is versioned too: a phase change that loses the race is refused
    with the message and leaves no phase row behind; every saved one is in the history."""
    main = engines[0]
    with storage.session_scope(main) as s:
        action = svc.create_action(
            s, actor=ADMIN, title="Acció", typology="amunt_community", started_on=PAST.date()
        )
        action_id = action.id

    def move(i: int, engine: Engine) -> None:
        with storage.session_scope(engine) as s:
            svc.add_phase(
                s,
                actor=ADMIN,
                action_id=action_id,
                phase="design",
                started_on=PAST.date(),
                note=f"w{i}",
            )

    outcomes = _race(engines, move)
    assert _unexpected(outcomes) == []
    assert all(STALE in o.message for o in outcomes if not o.saved)
    saved = {f"w{o.writer}" for o in outcomes if o.saved}
    assert saved
    with storage.session_scope(main) as s:
        notes = s.scalars(select(ActionPhase.note).where(ActionPhase.action_id == action_id))
        assert sorted(n for n in notes if n) == sorted(saved)
        stored = s.get(CommunityAction, action_id)
        assert stored is not None and stored.phase == "design"


def _register(s: Session, session_id: int) -> dict[int, str]:
    rows = s.execute(
        select(Attendance.participant_id, Attendance.status).where(
            Attendance.session_id == session_id
        )
    )
    return {pid: status for pid, status in rows}


def test_no_mark_lands_after_the_register_is_finalised(engines: list[Engine]) -> None:
    """19 people keep marking while a 20th finalises: the register as finalised stays."""
    main = engines[0]
    session_id = _session(main, PAST)
    people = _people(main, "FIN", WRITERS - 1)
    marks_done = threading.Event()
    counter = {"marks": 0}
    lock = threading.Lock()
    finalised: dict[str, object] = {}

    def work(i: int, engine: Engine) -> None:
        if i == WRITERS - 1:  # the finaliser, once marking is in full swing
            marks_done.wait(timeout=5)
            with storage.session_scope(engine) as s:
                svc.finalise_session(s, actor=ADMIN, session_id=session_id)
                finalised["register"] = _register(s, session_id)
                finalised["audit_id"] = s.scalar(
                    select(func.max(AuditLog.id)).where(AuditLog.entity == "sessions")
                )
            return
        deadline = time.monotonic() + 15
        n = 0
        while time.monotonic() < deadline:
            status = "attended" if n % 2 == 0 else "absent"
            try:
                with storage.session_scope(engine) as s:
                    svc.mark_attendance(
                        s, actor=ADMIN, session_id=session_id, marks={people[i]: status}
                    )
            except CommunityMapError as exc:
                if "finalised" in str(exc):
                    raise  # refused: the register is closed, as it should be
                raise AssertionError(f"unexpected refusal: {exc}") from exc
            n += 1
            with lock:
                counter["marks"] += 1
                if counter["marks"] >= 3 * (WRITERS - 1):
                    marks_done.set()
        raise AssertionError("the register was never finalised")

    outcomes = _race(engines, work)
    assert _unexpected(outcomes) == []
    assert outcomes[-1].saved, outcomes[-1].message
    markers = outcomes[:-1]
    assert all("finalised" in o.message for o in markers), [o.message for o in markers]
    with storage.session_scope(main) as s:
        final = _register(s, session_id)
        late_entries = s.scalar(
            select(func.count()).where(
                AuditLog.entity == "attendance",
                AuditLog.entity_id == str(session_id),
                AuditLog.id > finalised["audit_id"],
            )
        )
    changed_after = sum(final.get(p) != finalised["register"].get(p) for p in people)  # type: ignore[attr-defined]
    assert (changed_after, late_entries) == (0, 0), (
        f"{changed_after} marks changed and {late_entries} mark entries were written after "
        "the register was finalised"
    )


def test_duplicate_first_marks_end_in_one_row_and_no_integrity_error(
    engines: list[Engine],
) -> None:
    """Everyone marks the same newcomer at once, by tapping or as a walk-in."""
    main = engines[0]
    session_id = _session(main, PAST)
    people = _people(main, "DUP", 8)
    with storage.session_scope(main) as s:
        codes = {p.id: p.code for p in s.scalars(select(Participant))}
    for person in people:

        def mark(i: int, engine: Engine, person: int = person) -> None:
            with storage.session_scope(engine) as s:
                if i % 2:
                    svc.add_walk_in(s, actor=ADMIN, session_id=session_id, code=codes[person])
                else:
                    svc.mark_attendance(
                        s, actor=ADMIN, session_id=session_id, marks={person: "attended"}
                    )

        outcomes = _race(engines, mark)
        assert _unexpected(outcomes) == []
        assert [o.message for o in outcomes if not o.saved] == [], "a repeated mark is no error"
        with storage.session_scope(main) as s:
            assert _register(s, session_id).get(person) == "attended"
            rows = s.scalar(
                select(func.count()).where(
                    Attendance.session_id == session_id, Attendance.participant_id == person
                )
            )
        assert rows == 1


def test_database_errors_translate_only_concurrency_failures(engine: Engine) -> None:
    """A unique clash and a lock time-out get messages; other integrity errors stay bugs."""
    with (
        pytest.raises(ConcurrentEditError, match="already saved"),
        storage.session_scope(engine) as s,
    ):
        s.add_all([Participant(code="SAME"), Participant(code="SAME")])
    with pytest.raises(IntegrityError), storage.session_scope(engine) as s:
        s.add(Attendance(session_id=999, participant_id=999, status="attended"))  # no such FK
    with pytest.raises(DatabaseBusyError, match="busy"), storage.database_errors():
        raise OperationalError(
            "UPDATE sessions", {}, sqlite3.OperationalError("database is locked")
        )
