"""Backup and restore: every table comes back row by row, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import sqlite3
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, delete, select, text, update

from community_map import storage
from community_map.cli import main
from community_map.demo import generate_demo
from community_map.errors import BackupError, PermissionDeniedError
from community_map.models import AppState, Asset, AuditLog, Base, LoginThrottle, Participant, Role
from community_map.trust import Actor, backup_database, read_backup, restore_database
from community_map.trust import backups as backups_module

ADMIN = Actor(username="test-admin", role=Role.ADMIN)


def _dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order."""
    tables: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            tables[table.name] = [tuple(r) for r in conn.execute(select(table).order_by(*order))]
    return tables


def _wipe_and_change(engine: Engine) -> None:
    """What a restore must undo: changed rows, deleted rows, a whole table emptied."""
    with storage.session_scope(engine) as s:
        s.execute(update(Asset).values(name="changed"))
        for table in reversed(Base.metadata.sorted_tables):
            if table.name in {"attendance", "reported_ties", "assessment_scores"}:
                s.execute(delete(table))


def _assert_restored(before: dict[str, list[tuple[Any, ...]]], engine: Engine) -> None:
    after = _dump(engine)
    assert set(after) == set(before)
    for name, rows in before.items():
        got = after[name]
        if name == "audit_log":  # the restore itself is recorded in the restored data
            assert len(got) == len(rows) + 1
            keys = list(AuditLog.__table__.columns.keys())
            entry = dict(zip(keys, got[-1], strict=True))
            assert (entry["action"], entry["entity"]) == ("restore", "database")
            got = got[:-1]
        assert got == rows, f"table {name} differs after the restore"


@pytest.fixture
def live(demo_db: str, tmp_path: Path) -> Iterator[Engine]:
    """A private copy of the demo database (VACUUM INTO), to back up and damage."""
    source = demo_db.removeprefix("sqlite:///")
    target = tmp_path / "live.db"
    with sqlite3.connect(source) as conn:
        conn.execute("VACUUM INTO ?", (str(target),))
    engine = storage.create_db_engine(f"sqlite:///{target}")
    yield engine
    engine.dispose()


def _fill_runtime_state(engine: Engine) -> None:
    """The demo writes no log-in throttle or app state; give them a row each to restore."""
    with storage.session_scope(engine) as s:
        s.merge(LoginThrottle(key="k" * 64, failures=2, last_failure_at=dt.datetime(2026, 1, 2)))
        s.merge(AppState(name="test_state", value="kept"))


def test_sqlite_round_trip_restores_every_table(live: Engine, tmp_path: Path) -> None:
    _fill_runtime_state(live)
    before = _dump(live)
    assert all(before[t.name] for t in Base.metadata.sorted_tables), "demo fills every table"
    info = backup_database(live, tmp_path / "backup.db", actor=ADMIN)
    assert (info.dialect, info.revision) == ("sqlite", storage.head_revision())
    assert info.size == (tmp_path / "backup.db").stat().st_size > 0
    with storage.session_scope(live) as s:
        entry = s.scalars(select(AuditLog).order_by(AuditLog.id.desc())).first()
        assert entry is not None and (entry.action, entry.entity) == ("backup", "database")
    _wipe_and_change(live)
    assert _dump(live)["attendance"] == []
    restore_database(live, tmp_path / "backup.db", actor=ADMIN)
    _assert_restored(before, live)


def test_sqlite_restore_into_a_new_file(live: Engine, tmp_path: Path) -> None:
    before = _dump(live)
    backup_database(live, tmp_path / "b.db", actor=ADMIN)
    fresh = storage.create_db_engine(f"sqlite:///{tmp_path / 'new.db'}")
    try:
        restore_database(fresh, tmp_path / "b.db", actor=ADMIN)
        storage.check_schema(fresh)
        _assert_restored(before, fresh)
    finally:
        fresh.dispose()


@pytest.mark.postgres
def test_postgres_round_trip_restores_every_table(pg_engine: Engine, tmp_path: Path) -> None:
    generate_demo(pg_engine, actor=ADMIN)
    _fill_runtime_state(pg_engine)
    before = _dump(pg_engine)
    assert all(before[t.name] for t in Base.metadata.sorted_tables)
    info = backup_database(pg_engine, tmp_path / "backup.dump", actor=ADMIN)
    assert (info.dialect, info.revision) == ("postgresql", storage.head_revision())
    assert (tmp_path / "backup.dump").read_bytes().startswith(b"PGDMP")
    _wipe_and_change(pg_engine)
    with storage.session_scope(pg_engine) as s:  # and a row that was not in the backup
        s.add(Participant(code="NEW-AFTER-BACKUP"))
    restore_database(pg_engine, tmp_path / "backup.dump", actor=ADMIN)
    _assert_restored(before, pg_engine)
    with storage.session_scope(pg_engine) as s:  # ids continue after the restored rows
        s.add(Participant(code="AFTER-RESTORE"))


@pytest.mark.postgres
def test_postgres_backup_says_how_to_install_pg_dump(
    pg_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    monkeypatch.setattr(backups_module, "PG_INSTALL_ROOT", tmp_path / "none")
    with pytest.raises(BackupError, match=r"pg_dump was not found.*postgresql-client"):
        backup_database(pg_engine, tmp_path / "b.dump", actor=ADMIN)
    assert not (tmp_path / "b.dump").exists()


def test_sqlite_backup_holds_the_commits_still_in_the_wal(engine: Engine, tmp_path: Path) -> None:
    """Committed rows still in the -wal file are in the backup; uncommitted ones are not,
    whereas a plain copy of the .db file misses the committed ones."""
    database = Path(engine.url.database or "")
    with engine.connect():
        pass  # WAL mode is set on connect
    writer = sqlite3.connect(database, isolation_level=None)
    writer.execute("PRAGMA wal_autocheckpoint=0")  # keep the commits in the WAL file
    writer.execute("BEGIN")
    writer.executemany(
        "INSERT INTO participants (code, age_band, gender, consent_processing, "
        "consent_survey, consent_images, version) VALUES (?, '', '', 0, 0, 0, 1)",
        [(f"WAL-{i}",) for i in range(50)],
    )
    writer.execute("COMMIT")
    assert Path(f"{database}-wal").stat().st_size > 0
    shutil.copy(database, tmp_path / "naive.db")
    assert _codes(tmp_path / "naive.db") == set(), "a file copy misses what is in the WAL"

    pending = sqlite3.connect(database, isolation_level=None)
    pending.execute("BEGIN IMMEDIATE")  # another user's write, not committed yet
    pending.execute(
        "INSERT INTO participants (code, age_band, gender, consent_processing, "
        "consent_survey, consent_images, version) VALUES ('UNCOMMITTED', '', '', 0, 0, 0, 1)"
    )
    done: dict[str, Any] = {}

    def take() -> None:
        try:
            done["info"] = backup_database(engine, tmp_path / "b.db", actor=ADMIN)
        except Exception as exc:  # reported below
            done["error"] = exc

    thread = threading.Thread(target=take)
    thread.start()
    deadline = time.monotonic() + 10
    while not (tmp_path / "b.db").exists() and time.monotonic() < deadline:
        time.sleep(0.02)  # the copy is written while the other write is still open
    pending.execute("ROLLBACK")
    thread.join()
    writer.close()
    pending.close()
    assert "error" not in done, done.get("error")
    assert _codes(tmp_path / "b.db") == {f"WAL-{i}" for i in range(50)}


def _codes(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        if "participants" not in tables:
            return set()
        return {r[0] for r in conn.execute("SELECT code FROM participants")}


def test_restore_refuses_files_that_are_not_backups(live: Engine, tmp_path: Path) -> None:
    before = _dump(live)
    junk = tmp_path / "notes.db"
    junk.write_text("not a database\n", encoding="utf-8")
    with pytest.raises(BackupError, match="not a community_map backup"):
        restore_database(live, junk, actor=ADMIN)
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    with pytest.raises(BackupError, match="no migration history"):
        restore_database(live, other, actor=ADMIN)
    with pytest.raises(BackupError, match="There is no file"):
        restore_database(live, tmp_path / "missing.db", actor=ADMIN)
    newer = tmp_path / "newer.db"
    backup_database(live, newer, actor=ADMIN)
    with sqlite3.connect(newer) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    with pytest.raises(BackupError, match="newer version of community_map"):
        restore_database(live, newer, actor=ADMIN)
    with pytest.raises(BackupError, match=r"backup of a sqlite database.*postgresql"):
        read_backup(_good_backup(live, tmp_path), expected="postgresql")
    with pytest.raises(PermissionDeniedError):
        restore_database(live, newer, actor=Actor(username="edu", role=Role.EDUCATOR))
    with pytest.raises(BackupError, match="database itself"):
        backup_database(live, Path(live.url.database or ""), actor=ADMIN)
    after = _dump(live)
    after["audit_log"] = after["audit_log"][: len(before["audit_log"])]
    assert after == before, "a refused restore changes nothing"


def _good_backup(engine: Engine, tmp_path: Path) -> Path:
    return backup_database(engine, tmp_path / "good.db", actor=ADMIN).path


def test_cli_backup_then_restore_asks_for_confirmation(
    live: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = live.url.render_as_string(hide_password=False)
    before = _dump(live)
    out = io.StringIO()
    assert main(["--database-url", url, "backup", str(tmp_path / "cli.db")], out=out) == 0
    assert "Backup written" in out.getvalue()
    _wipe_and_change(live)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # no terminal: --yes is needed
    out = io.StringIO()
    assert main(["--database-url", url, "restore", str(tmp_path / "cli.db")], out=out) == 1
    assert _dump(live)["attendance"] == []
    out = io.StringIO()
    code = main(["--database-url", url, "restore", str(tmp_path / "cli.db"), "--yes"], out=out)
    assert code == 0, out.getvalue()
    assert "Restored" in out.getvalue()
    _assert_restored(before, live)


def test_sqlite_file_kept_its_wal_mode_after_restore(live: Engine, tmp_path: Path) -> None:
    backup_database(live, tmp_path / "b.db", actor=ADMIN)
    with sqlite3.connect(tmp_path / "b.db") as copy:  # the backup is one self-contained file
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    restore_database(live, tmp_path / "b.db", actor=ADMIN)
    with live.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def test_backup_before_an_upgrade_and_restore_upgrades(tmp_path: Path) -> None:
    """A database one migration behind (new code installed, `init` not run yet) is backed
    up; restoring that backup brings the schema up to date and keeps the rows."""
    from alembic import command
    from alembic.script import ScriptDirectory

    from community_map.storage import _alembic_config

    previous = ScriptDirectory(str(storage.MIGRATIONS_DIR)).get_revision(storage.head_revision())
    assert previous is not None and isinstance(previous.down_revision, str)
    old = storage.create_db_engine(f"sqlite:///{tmp_path / 'old.db'}")
    new = storage.create_db_engine(f"sqlite:///{tmp_path / 'new.db'}")
    try:
        command.upgrade(_alembic_config(old), previous.down_revision)
        with old.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO participants (code, age_band, gender, consent_processing, "
                    "consent_survey, consent_images, version) VALUES ('OLD-1', '', '', 1, 1, 0, 1)"
                )
            )
        info = backup_database(old, tmp_path / "old-backup.db", actor=ADMIN)
        assert info.revision == previous.down_revision
        restore_database(new, tmp_path / "old-backup.db", actor=ADMIN)
        assert storage.current_revision(new) == storage.head_revision()
        with new.connect() as conn:
            codes = conn.execute(text("SELECT code FROM participants")).scalars().all()
        assert codes == ["OLD-1"]
    finally:
        old.dispose()
        new.dispose()
