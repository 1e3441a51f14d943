from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from community_map import storage
from community_map.cli import ProgressBar, main
from community_map.models import AuditLog, User


def run(args: list[str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real command in a subprocess, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "community_map.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_help_works_for_every_command() -> None:
    for args in (
        ["--help"],
        ["init", "--help"],
        ["demo", "--help"],
        ["serve", "--help"],
        ["user", "--help"],
        ["user", "add", "--help"],
    ):
        result = run(args)
        assert result.returncode == 0, args
        assert "usage: community-map" in result.stdout


def test_unknown_option_is_one_line_and_exit_2() -> None:
    result = run(["init", "--frobnicate"])
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "unrecognized arguments: --frobnicate" in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("url", ["not-a-url", "postgresql+psycopg://u@127.0.0.1:1/db"])
def test_bad_database_url_is_one_line(url: str) -> None:
    result = run(["--database-url", url, "init"])
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert "database" in result.stderr


def test_init_then_user_add_then_list(sqlite_url: str) -> None:
    assert run(["--database-url", sqlite_url, "init"]).returncode == 0
    added = run(
        [
            "--database-url",
            sqlite_url,
            "user",
            "add",
            "Admin1",
            "--role",
            "admin",
            "--password-stdin",
        ],
        stdin="a-long-secret\n",
    )
    assert added.returncode == 0, added.stderr
    assert "admin1" in added.stdout
    listing = run(["--database-url", sqlite_url, "user", "list"])
    assert "admin1\tadmin\tactive" in listing.stdout
    engine = storage.create_db_engine(sqlite_url)
    with storage.session_scope(engine) as session:
        user = session.scalar(select(User))
        assert user is not None and user.username == "admin1"
        entry = session.scalar(select(AuditLog))
        assert entry is not None and entry.actor.startswith("cli:")


def test_user_add_with_short_password_writes_nothing(sqlite_url: str) -> None:
    run(["--database-url", sqlite_url, "init"])
    result = run(
        ["--database-url", sqlite_url, "user", "add", "x1", "--role", "admin", "--password-stdin"],
        stdin="short\n",
    )
    assert result.returncode == 1
    assert "at least 10 characters" in result.stderr
    with storage.session_scope(storage.create_db_engine(sqlite_url)) as session:
        assert session.scalar(select(User)) is None


def test_user_add_before_init_says_to_init(sqlite_url: str) -> None:
    result = run(
        ["--database-url", sqlite_url, "user", "add", "x1", "--role", "admin", "--password-stdin"],
        stdin="a-long-secret\n",
    )
    assert result.returncode == 1
    assert "community-map init" in result.stderr


def test_newer_database_is_refused_by_init(sqlite_url: str, tmp_path: Path) -> None:
    import sqlite3

    run(["--database-url", sqlite_url, "init"])
    with sqlite3.connect(tmp_path / "test.db") as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'ffff'")
    result = run(["--database-url", sqlite_url, "init"])
    assert result.returncode == 1
    assert "newer version" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_demo_into_non_empty_database_is_refused(sqlite_url: str) -> None:
    run(["--database-url", sqlite_url, "init"])
    run(
        ["--database-url", sqlite_url, "user", "add", "x1", "--role", "admin", "--password-stdin"],
        stdin="a-long-secret\n",
    )
    out = io.StringIO()
    assert main(["--database-url", sqlite_url, "demo"], out=out) == 1


def test_messages_follow_lang(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "community_map.cli", "--database-url", sqlite_url, "init"],
        capture_output=True,
        text=True,
        env={**_env(), "LANG": "ca_ES.UTF-8"},
        timeout=60,
    )
    assert result.returncode == 0
    assert "La base de dades" in result.stdout


def _env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith("LC_")}


def test_progress_bar_draws_and_ends_with_newline() -> None:
    stream = io.StringIO()
    bar = ProgressBar(stream, width=10)
    bar(0.5, "Half")
    bar(1.0, "Done")
    text = stream.getvalue()
    assert "[#####.....]  50% Half" in text
    assert text.endswith("\n")


def _write_assets_csv(path: Path, rows: list[str]) -> Path:
    path.write_text("name,lon,lat,category\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_import_assets_all_or_nothing_then_skip_with_report(
    sqlite_url: str, tmp_path: Path
) -> None:
    run(["--database-url", sqlite_url, "init"])
    csv_file = _write_assets_csv(
        tmp_path / "assets.csv",
        [
            "Casal A,2.170,41.385,civic_centre",
            "Casal B,,41.386,civic_centre",
            "Biblioteca C,2.172,41.387,library",
        ],
    )
    refused = run(["--database-url", sqlite_url, "import", "assets", str(csv_file)])
    assert refused.returncode == 1
    assert "assets.csv, row 3" in refused.stderr and "Traceback" not in refused.stderr
    with storage.session_scope(storage.create_db_engine(sqlite_url)) as session:
        assert session.scalar(select(User)) is None  # nothing written (no assets either)
    report = tmp_path / "skipped.csv"
    done = run(
        [
            "--database-url",
            sqlite_url,
            "import",
            "assets",
            str(csv_file),
            "--skip-bad-rows",
            str(report),
        ]
    )
    assert done.returncode == 0, done.stderr
    assert "2 new" in done.stdout
    assert report.read_text(encoding="utf-8").splitlines()[1].startswith("3,")
    out = tmp_path / "out.geojson"
    assert run(["--database-url", sqlite_url, "export", "assets", str(out)]).returncode == 0
    import json

    names = sorted(f["properties"]["name"] for f in json.loads(out.read_text())["features"])
    assert names == ["Biblioteca C", "Casal A"]


def test_import_with_an_unwritable_report_writes_nothing(sqlite_url: str, tmp_path: Path) -> None:
    """The report's folder is checked before the import: no assets, exit 1, one line."""
    from sqlalchemy import func

    from community_map.models import Asset

    run(["--database-url", sqlite_url, "init"])
    csv_file = _write_assets_csv(
        tmp_path / "good.csv",
        ["Casal A,2.170,41.385,civic_centre", "Biblioteca C,2.172,41.387,library"],
    )
    for report, reason in (
        (tmp_path / "missing" / "r.csv", "does not exist"),
        (tmp_path, "is a folder"),
    ):
        result = run(
            [
                "--database-url",
                sqlite_url,
                "import",
                "assets",
                str(csv_file),
                "--skip-bad-rows",
                str(report),
            ]
        )
        assert result.returncode == 1
        assert reason in result.stderr and "Nothing was written" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    with storage.session_scope(storage.create_db_engine(sqlite_url)) as session:
        assert session.scalar(select(func.count()).select_from(Asset)) == 0
        assert session.scalar(select(func.count()).select_from(AuditLog)) == 0


def test_exports_check_the_output_folder_first(demo_db: str, tmp_path: Path) -> None:
    for command in (["export", "assets"], ["network", "export"]):
        target = tmp_path / "missing" / "out.csv"
        result = run(["--database-url", demo_db, *command, str(target)])
        assert result.returncode == 1, command
        assert "does not exist" in result.stderr and "Traceback" not in result.stderr
        assert not target.parent.exists()


def test_export_refuses_an_unknown_extension(sqlite_url: str, tmp_path: Path) -> None:
    run(["--database-url", sqlite_url, "init"])
    result = run(["--database-url", sqlite_url, "export", "assets", str(tmp_path / "x.pdf")])
    assert result.returncode == 1 and ".csv, .xlsx or .geojson" in result.stderr


@pytest.mark.realdata
def test_import_real_boundaries_and_equipments(sqlite_url: str) -> None:
    from tests.conftest import REAL_DATA, skip_or_fail

    if not REAL_DATA.is_dir():
        skip_or_fail(f"real data folder {REAL_DATA} is absent")
    run(["--database-url", sqlite_url, "init"])
    districts = REAL_DATA / "barcelona_boundaries" / "BarcelonaCiutat_Districtes.csv"
    barris = REAL_DATA / "barcelona_boundaries" / "bcngeodata_barris.topo.json"
    markets = REAL_DATA / "barcelona_equipments" / "udd_mercats.json"
    assert (
        "10 new"
        in run(
            [
                "--database-url",
                sqlite_url,
                "import",
                "boundaries",
                str(districts),
                "--kind",
                "district",
            ]
        ).stdout
    )
    topo = run(
        [
            "--database-url",
            sqlite_url,
            "import",
            "boundaries",
            str(barris),
            "--kind",
            "neighbourhood",
        ]
    )
    assert "73 new" in topo.stdout and "EPSG:4326 was inferred" in topo.stdout
    first = run(["--database-url", sqlite_url, "import", "assets", str(markets)])
    assert "42 new" in first.stdout, first.stderr
    again = run(["--database-url", sqlite_url, "import", "assets", str(markets)])
    assert "0 new, 0 updated, 42 unchanged" in again.stdout
    from community_map.territory import assets_geoframe

    with storage.session_scope(storage.create_db_engine(sqlite_url)) as session:
        frame = assets_geoframe(session)
    assert len(frame) == 42 and frame["neighbourhood_code"].notna().all()
    assert frame["district_code"].notna().all()


def _copy_of(demo_db: str, tmp_path: Path) -> str:
    """A copy of the demo database, for commands that write (exports are audited)."""
    import shutil

    copy = tmp_path / "copy.db"
    shutil.copy(demo_db.removeprefix("sqlite:///"), copy)
    return f"sqlite:///{copy}"


def _exports(url: str) -> list[AuditLog]:
    engine = storage.create_db_engine(url)
    with storage.session_scope(engine) as s:
        entries = list(
            s.scalars(select(AuditLog).where(AuditLog.action == "export").order_by(AuditLog.id))
        )
        s.expunge_all()
    engine.dispose()
    return entries


def test_network_export_gexf_and_excel(demo_db: str, tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET

    import openpyxl

    demo_db = _copy_of(demo_db, tmp_path)
    gexf = tmp_path / "net.gexf"
    result = run(["--database-url", demo_db, "network", "export", str(gexf)])
    assert result.returncode == 0, result.stderr
    # participant codes left the application: audited with the layer and the people in it
    [entry] = _exports(demo_db)
    assert (entry.entity, entry.actor.startswith("cli:")) == ("network", True)
    assert entry.after is not None and entry.after["filters"]["layer"] == "coattendance"
    nodes = {
        n.get("id") for n in ET.fromstring(gexf.read_bytes()).iter("{http://gexf.net/1.3}node")
    }
    assert entry.after["rows"] == len(nodes) > 0
    root = ET.fromstring(gexf.read_bytes())
    assert root.tag == "{http://gexf.net/1.3}gexf"
    assert root.findall(".//{http://gexf.net/1.3}spell")
    book = tmp_path / "net.xlsx"
    waves = [
        "--wave",
        "T0=2022-09-01..2022-12-31",
        "--wave",
        "T1=2023-01-01..2023-06-30",
        "--wave",
        "T2=2023-07-01..2023-09-30",
    ]
    assert (
        run(
            [
                "--database-url",
                demo_db,
                "network",
                "export",
                str(book),
                "--layer",
                "services",
                *waves,
            ]
        ).returncode
        == 0
    )
    sheets = openpyxl.load_workbook(book).sheetnames
    assert sheets == ["Windows", "T0", "T1", "T2"]
    assert len(_exports(demo_db)) == 1  # networks of services hold no participant
    # without waves: quarters over the dates in the data (attended sessions, Sept-June)
    assert run(["--database-url", demo_db, "network", "export", str(book)]).returncode == 0
    assert openpyxl.load_workbook(book).sheetnames == [
        "Windows",
        "2022-Q3",
        "2022-Q4",
        "2023-Q1",
        "2023-Q2",
    ]
    assert (
        run(
            [
                "--database-url",
                demo_db,
                "network",
                "export",
                str(book),
                "--windows",
                "month",
                "--from",
                "2023-01-01",
                "--to",
                "2023-03-31",
                "--mode",
                "cumulative",
            ]
        ).returncode
        == 0
    )
    assert openpyxl.load_workbook(book).sheetnames == ["Windows", "2023-01", "2023-02", "2023-03"]
    no_waves = run(
        ["--database-url", demo_db, "network", "export", str(book), "--windows", "waves"]
    )
    assert no_waves.returncode == 1 and "NAME=START..END" in no_waves.stderr
    bad_wave = run(
        ["--database-url", demo_db, "network", "export", str(book), "--wave", "T0=2022-09-01"]
    )
    assert bad_wave.returncode == 1 and "T0=2022-09-01" in bad_wave.stderr
    bad = run(["--database-url", demo_db, "network", "export", str(tmp_path / "x.pdf")])
    assert bad.returncode == 1 and ".gexf" in bad.stderr


def test_participant_export_and_erase(demo_db: str, tmp_path: Path) -> None:
    import openpyxl

    from community_map.models import Participant

    url = _copy_of(demo_db, tmp_path)
    engine = storage.create_db_engine(url)
    with storage.session_scope(engine) as s:
        code = s.scalars(select(Participant.code).order_by(Participant.id)).first()
    assert code is not None
    book = tmp_path / "record.xlsx"
    done = run(["--database-url", url, "participant", "export", code.lower(), str(book)])
    assert done.returncode == 0, done.stderr
    sheets = openpyxl.load_workbook(book)
    assert sheets.sheetnames[0] == "Participant"
    assert sheets["Participant"]["A2"].value == code
    # the shared demo database may hold other tests' exports: look at this record's only
    [entry] = [
        e
        for e in _exports(url)
        if e.entity == "participant_record" and (e.after or {}).get("filters") == {"code": code}
    ]
    assert entry.after is not None and entry.after["rows"] >= 1
    unsure = run(["--database-url", url, "participant", "erase", code, "--reason", "request 7"])
    assert unsure.returncode == 1 and "--yes" in unsure.stderr
    with storage.session_scope(engine) as s:
        assert s.scalar(select(Participant.id).where(Participant.code == code)) is not None
    erased = run(
        ["--database-url", url, "participant", "erase", code, "--reason", "request 7", "--yes"]
    )
    assert erased.returncode == 0, erased.stderr
    assert f"Participant {code} erased" in erased.stdout
    with storage.session_scope(engine) as s:
        assert s.scalar(select(Participant.id).where(Participant.code == code)) is None
    gone = run(["--database-url", url, "participant", "export", code, str(book)])
    assert gone.returncode == 1 and code in gone.stderr
    engine.dispose()


def test_programme_add_list_and_network_windows_from_its_points(
    demo_db: str, tmp_path: Path
) -> None:
    import openpyxl

    sqlite_url = _copy_of(demo_db, tmp_path)
    base = ["--database-url", sqlite_url, "programme"]
    out = io.StringIO()
    added = [
        *base,
        "add",
        "PLA-SANT-MARTI",
        "--name",
        "Pla de barri",
        "--from",
        "2022-09-01",
        "--to",
        "2023-06-30",
        "--point",
        "Inici=2022-09-01..2022-12-31",
        "--point",
        "Final=2023-01-01..2023-06-30",
    ]
    assert main(added, out=out) == 0
    assert out.getvalue() == "Programme PLA-SANT-MARTI saved with 2 measurement points.\n"
    assert main(added, out=io.StringIO()) == 1  # the code is taken
    bad = [*added[:4], "OTHER", *added[5:11], "--point", "X=2024-01-01..2024-02-01"]
    assert main(bad, out=io.StringIO()) == 1  # the point does not overlap the period
    out = io.StringIO()
    assert main([*base, "list"], out=out) == 0
    assert out.getvalue() == (  # by start date, then code
        "AMUNT-2022: Amunt! 2022-23 (2022-09-01..2023-09-30)\n"
        "  --wave T0=2022-09-01..2022-12-31\n"
        "  --wave T1=2023-01-01..2023-06-30\n"
        "  --wave T2=2023-07-01..2023-09-30\n"
        "PLA-SANT-MARTI: Pla de barri (2022-09-01..2023-06-30)\n"
        "  --wave Inici=2022-09-01..2022-12-31\n"
        "  --wave Final=2023-01-01..2023-06-30\n"
    )
    book = tmp_path / "net.xlsx"
    export = ["--database-url", sqlite_url, "network", "export", str(book), "--layer", "services"]
    assert main([*export, "--programme", "PLA-SANT-MARTI"], out=io.StringIO()) == 0
    assert openpyxl.load_workbook(book).sheetnames == ["Windows", "Inici", "Final"]
    assert main([*export, "--programme", "NOPE"], out=io.StringIO()) == 1
    # the register round trip: export, import back, nothing changes
    register = tmp_path / "programmes.xlsx"
    out = io.StringIO()
    assert main(["--database-url", sqlite_url, "export", "programmes", str(register)], out=out) == 0
    assert out.getvalue() == f"Register programmes written to {register}.\n"
    out = io.StringIO()
    assert main(["--database-url", sqlite_url, "import", "programmes", str(register)], out=out) == 0
    assert out.getvalue() == "0 created, 0 updated, 2 unchanged.\n"
