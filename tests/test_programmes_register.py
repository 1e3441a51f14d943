"""The programme register: programmes, their measurement points and the windows they give."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, select

from community_map import activities as act
from community_map import network
from community_map.errors import (
    ConcurrentEditError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from community_map.models import AuditLog, MeasurementPoint, Role, Service
from community_map.storage import session_scope
from community_map.trust.permissions import Actor

COORD = Actor(username="coord", role=Role.COORDINATOR)
VIEWER = Actor(username="viewer", role=Role.DISTRICT_VIEWER)
d = dt.date
POINTS = [
    ("T1 post", d(2023, 10, 1), d(2023, 12, 31)),
    ("T0 baseline survey", d(2022, 9, 1), d(2022, 10, 31)),
]


def _create(engine: Engine, **changes: object) -> int:
    fields: dict[str, object] = {
        "code": "AMUNT-2022",
        "name": "Amunt! 2022-23",
        "starts_on": d(2022, 9, 1),
        "ends_on": d(2023, 12, 31),
        "points": POINTS,
    }
    fields.update(changes)
    with session_scope(engine) as s:
        return act.create_programme(s, actor=COORD, **fields).id  # type: ignore[arg-type]


def test_create_lists_programme_and_points_by_date(engine: Engine) -> None:
    with session_scope(engine) as s:
        s.add(Service(code="CSS1", name="CSS Besòs", field_of_work="social_care"))
        s.flush()
        service_id = s.scalar(select(Service.id))
    pid = _create(engine, lead_service_id=service_id, notes=" tandem ")
    with session_scope(engine) as s:
        frame = act.programmes_frame(s)
        points = act.measurement_points(s, pid)
        waves = act.programme_waves(s, "AMUNT-2022")
        options = act.programme_wave_options(s)
        entry = s.scalars(select(AuditLog).where(AuditLog.entity == "programmes")).one()
    row = frame.iloc[0]
    assert list(frame.columns) == act.PROGRAMME_FRAME_COLUMNS
    assert (row["code"], row["name"], row["lead_service"], row["notes"]) == (
        "AMUNT-2022",
        "Amunt! 2022-23",
        "CSS Besòs",
        "tandem",
    )
    assert (row["starts_on"], row["ends_on"], row["points"], row["version"]) == (
        d(2022, 9, 1),
        d(2023, 12, 31),
        2,
        1,
    )
    assert list(points["name"]) == ["T0 baseline survey", "T1 post"]
    assert waves == {
        "T0 baseline survey": (d(2022, 9, 1), d(2022, 10, 31)),
        "T1 post": (d(2023, 10, 1), d(2023, 12, 31)),
    }
    assert options == {
        "AMUNT-2022: Amunt! 2022-23": [
            "T0 baseline survey=2022-09-01..2022-10-31",
            "T1 post=2023-10-01..2023-12-31",
        ]
    }
    assert entry.action == "create"
    assert entry.after["points"][0] == ["T0 baseline survey", "2022-09-01", "2022-10-31"]


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"code": "bad code"}, "not valid"),
        ({"name": "  "}, "needs a name"),
        ({"starts_on": d(2024, 1, 1)}, "swap the dates"),
        ({"lead_service_id": 99}, "no service 99"),
        (
            {
                "points": [
                    ("T0", d(2022, 9, 1), d(2022, 9, 2)),
                    ("t0", d(2023, 1, 1), d(2023, 1, 2)),
                ]
            },
            "Two measurement points are called t0",
        ),
        ({"points": [("T0", d(2022, 10, 1), d(2022, 9, 1))]}, "swap the dates"),
        ({"points": [("T9", d(2024, 1, 1), d(2024, 2, 1))]}, "does not overlap"),
        ({"points": [(" ", d(2022, 10, 1), d(2022, 11, 1))]}, "needs a name"),
    ],
)
def test_invalid_input_is_refused_before_any_write(
    engine: Engine, changes: dict[str, object], fragment: str
) -> None:
    with pytest.raises(ValidationError, match=fragment):
        _create(engine, **changes)
    with session_scope(engine) as s:
        assert act.programmes_frame(s).empty


def test_points_overlapping_the_period_edge_are_kept(engine: Engine) -> None:
    pid = _create(engine, points=[("T0", d(2022, 8, 1), d(2022, 9, 1))])
    with session_scope(engine) as s:
        assert act.programme_waves(s, "AMUNT-2022") == {"T0": (d(2022, 8, 1), d(2022, 9, 1))}
        assert pid


def test_duplicate_code_and_permissions(engine: Engine) -> None:
    _create(engine)
    with pytest.raises(ValidationError, match="already a programme"):
        _create(engine)
    with session_scope(engine) as s, pytest.raises(PermissionDeniedError):
        act.create_programme(
            s, actor=VIEWER, code="X", name="X", starts_on=d(2022, 1, 1), ends_on=d(2022, 2, 1)
        )


def test_update_checks_version_and_replaces_points(engine: Engine) -> None:
    pid = _create(engine)
    with session_scope(engine) as s:
        programme = act.update_programme(
            s,
            actor=COORD,
            programme_id=pid,
            version=1,
            name="Amunt!",
            starts_on=d(2022, 9, 1),
            ends_on=d(2023, 12, 31),
            points=[("T2", d(2023, 12, 1), d(2023, 12, 31))],
        )
        assert programme.version == 2
    with session_scope(engine) as s:
        assert act.programme_waves(s, "AMUNT-2022") == {"T2": (d(2023, 12, 1), d(2023, 12, 31))}
        assert act.programmes_frame(s).loc[0, "name"] == "Amunt!"
        with pytest.raises(ConcurrentEditError, match="reload"):
            act.update_programme(
                s,
                actor=COORD,
                programme_id=pid,
                version=1,
                name="Stale",
                starts_on=d(2022, 9, 1),
                ends_on=d(2023, 12, 31),
            )
        # shrinking the period so that a kept point no longer overlaps it is refused
        with pytest.raises(ValidationError, match="does not overlap"):
            act.update_programme(
                s,
                actor=COORD,
                programme_id=pid,
                version=2,
                name="Amunt!",
                starts_on=d(2022, 9, 1),
                ends_on=d(2023, 6, 30),
            )
    with session_scope(engine) as s, pytest.raises(NotFoundError):
        act.programme_waves(s, "NOPE")


def test_set_measurement_points_replaces_and_audits(engine: Engine) -> None:
    pid = _create(engine)
    with session_scope(engine) as s:
        stored = act.set_measurement_points(
            s,
            actor=COORD,
            programme_id=pid,
            version=1,
            points=[("T1", d(2023, 1, 1), d(2023, 6, 30)), ("T0", d(2022, 9, 1), d(2022, 12, 31))],
        )
        assert [name for name, _, _ in stored] == ["T0", "T1"]
    with session_scope(engine) as s:
        names = sorted(s.scalars(select(MeasurementPoint.name)))
        entries = s.scalars(select(AuditLog).where(AuditLog.entity == "programmes")).all()
        assert act.programmes_frame(s).loc[0, "version"] == 2
    assert names == ["T0", "T1"]
    assert entries[-1].before["points"][0][0] == "T0 baseline survey"
    assert entries[-1].after["points"] == [
        ["T0", "2022-09-01", "2022-12-31"],
        ["T1", "2023-01-01", "2023-06-30"],
    ]


def test_network_windows_from_a_programmes_points(engine: Engine) -> None:
    _create(engine)
    with session_scope(engine) as s:
        waves = act.programme_waves(s, "AMUNT-2022")
    windows = network.windows_from_waves(waves)
    assert [(w.name, w.start, w.end) for w in windows] == [
        ("T0 baseline survey", d(2022, 9, 1), d(2022, 11, 1)),  # window ends are exclusive
        ("T1 post", d(2023, 10, 1), d(2024, 1, 1)),
    ]
    with session_scope(engine) as s:
        options = act.programme_wave_options(s)["AMUNT-2022: Amunt! 2022-23"]
    assert dict(map(network.parse_wave, options)) == waves


def test_excel_round_trip_changes_nothing_and_imports_in_any_language(engine: Engine) -> None:
    import io

    import openpyxl

    from community_map.errors import ImportFileError

    with session_scope(engine) as s:
        s.add(Service(code="CSS1", name="CSS Besòs", field_of_work="social_care"))
        s.flush()
        lead = s.scalar(select(Service.id))
    _create(engine, lead_service_id=lead)
    _create(engine, code="EMPTY", name="No points", points=[])
    with session_scope(engine) as s:
        data = act.programmes_to_excel(s, actor=COORD)
        audits = len(s.scalars(select(AuditLog)).all())
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][:3] == ["Programme code *", "Programme name *", "Programme start *"]
    assert [r[0] for r in rows[1:]] == ["AMUNT-2022", "AMUNT-2022", "EMPTY"]
    assert rows[1][4] == "CSS1" and rows[1][6] == "T0 baseline survey"
    assert rows[3][6] is None
    with session_scope(engine) as s:
        result = act.import_programmes(s, io.BytesIO(data), actor=COORD)
        assert len(s.scalars(select(AuditLog)).all()) == audits  # nothing written
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    # a Catalan workbook: a new programme with two points
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["Codi del programa", "Nom del programa", "Inici del programa", "Fi del programa",
               "Punt de mesura", "Inici del punt", "Fi del punt"])  # fmt: skip
    ws.append(
        ["PLA", "Pla", dt.datetime(2024, 1, 1), "2024-12-31", "T0", "2024-01-01", "2024-02-01"]
    )
    ws.append(
        ["PLA", "Pla", dt.datetime(2024, 1, 1), "2024-12-31", "T1", "2024-11-01", "2024-12-31"]
    )
    out = io.BytesIO()
    book.save(out)
    with session_scope(engine) as s:
        result = act.import_programmes(s, io.BytesIO(out.getvalue()), actor=COORD)
        assert act.programme_waves(s, "PLA") == {
            "T0": (d(2024, 1, 1), d(2024, 2, 1)),
            "T1": (d(2024, 11, 1), d(2024, 12, 31)),
        }
    assert (result.created, result.updated, result.unchanged) == (1, 0, 0)
    # all or nothing: a bad row 3 leaves everything as it was, and names row and problem
    ws.append(["NEW", "New", "2024-01-01", "2024-12-31", "T0", "2025-03-01", "2025-04-01"])
    out = io.BytesIO()
    book.save(out)
    with session_scope(engine) as s, pytest.raises(ImportFileError, match="row 4"):
        act.import_programmes(s, io.BytesIO(out.getvalue()), actor=COORD)
    with session_scope(engine) as s:
        assert "NEW" not in set(act.programmes_frame(s)["code"])


def test_skipping_bad_rows_leaves_a_programme_out_whole(engine: Engine) -> None:
    import io

    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["Programme code", "Programme name", "Programme start", "Programme end",
               "Measurement point", "Point start", "Point end"])  # fmt: skip
    ws.append(["OK", "Good", "2024-01-01", "2024-12-31", "T0", "2024-01-01", "2024-02-01"])
    ws.append(["BAD", "Bad", "2024-01-01", "2024-12-31", "T0", "2024-01-01", "2024-02-01"])
    ws.append(["BAD", "Bad", "2024-01-01", "2024-12-31", "T1", "someday", "2024-12-31"])
    out = io.BytesIO()
    book.save(out)
    with session_scope(engine) as s:
        done = act.import_programmes(s, out.getvalue(), actor=COORD, skip_bad_rows=True)
        codes = set(act.programmes_frame(s)["code"])
    assert codes == {"OK"}
    assert done.created == 1
    assert [(p.row, p.column) for p in done.skipped] == [(3, ""), (4, "Point start")]
    assert "row 4" in done.skipped[0].message
