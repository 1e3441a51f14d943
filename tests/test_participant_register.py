"""The participant register: codes, enrolments, consent, referents, Excel round trip, CLI.

A hand-made world: two neighbourhoods (N1 el Raval, N2 Sant Antoni), one social care
service with a social worker (SW1) and a job counsellor (JC1), the programme AMUNT
(1/9/2022-31/12/2023) and the community action CA1. Four participants:

- AM-A: 1980, woman, N1, alias Anna, AMUNT from 5/9/2022 (open), tandem SW1 + JC1,
  consent to data processing and the network survey on 5/9/2022;
- AM-B: age band 25-34, man, N2, alias Berta, AMUNT 1/10/2022-30/6/2023 completed
  (intervention group), consent to everything;
- AM-C: N1, CA1 from 1/2/2023 (open), no consent;
- AM-D: nothing but the code.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from alembic import command
from openpyxl import load_workbook
from sqlalchemy import Engine, func, select, text

from community_map import activities as act
from community_map import storage
from community_map._registers import sheets_to_excel
from community_map.activities.participant_register_excel import (
    ENROLMENT_COLUMNS,
    PARTICIPANT_COLUMNS,
)
from community_map.cli import main
from community_map.errors import (
    ConcurrentEditError,
    ImportFileError,
    PermissionDeniedError,
    ValidationError,
)
from community_map.models import (
    AuditLog,
    CommunityAction,
    Enrolment,
    Participant,
    ParticipantProfessional,
    Professional,
    Programme,
    Role,
    Service,
    TerritoryUnit,
)
from community_map.registry import REGISTERS
from community_map.storage import session_scope
from community_map.trust import Actor, ConsentPurpose, has_consent
from tests.test_app import ROOT, _as

COORD = Actor(username="coord", role=Role.COORDINATOR)
EDU = Actor(username="edu", role=Role.EDUCATOR)
EVALUATOR = Actor(username="evaluator", role=Role.EVALUATOR)
VIEWER = Actor(username="viewer", role=Role.DISTRICT_VIEWER)
TODAY = dt.date(2024, 1, 15)
d = dt.date


@pytest.fixture
def world(engine: Engine) -> dict[str, int]:
    with session_scope(engine) as s:
        district = TerritoryUnit(kind="district", code="D1", name="Ciutat Vella")
        s.add(district)
        s.flush()
        n1 = TerritoryUnit(kind="neighbourhood", code="N1", name="el Raval", parent_id=district.id)
        n2 = TerritoryUnit(
            kind="neighbourhood", code="N2", name="Sant Antoni", parent_id=district.id
        )
        service = Service(code="SC", name="CSS Raval", field_of_work="social_care")
        s.add_all([n1, n2, service])
        s.flush()
        sw = Professional(code="SW1", role="social worker", service_id=service.id)
        jc = Professional(code="JC1", role="job counsellor", service_id=service.id)
        amunt = Programme(
            code="AMUNT", name="Amunt!", starts_on=d(2022, 9, 1), ends_on=d(2023, 12, 31)
        )
        action = CommunityAction(code="CA1", title="Cuina", typology="amunt_community")
        s.add_all([sw, jc, amunt, action])
        s.flush()
        ids = {
            "N1": n1.id,
            "N2": n2.id,
            "SW1": sw.id,
            "JC1": jc.id,
            "AMUNT": amunt.id,
            "CA1": action.id,
        }
    with session_scope(engine) as s:
        ids["A"] = act.create_participant(
            s,
            actor=COORD,
            code="am-a",
            alias="Anna",
            birth_year=1980,
            gender="woman",
            neighbourhood_id=ids["N1"],
            consent_date=d(2022, 9, 5),
            consent_processing=True,
            consent_survey=True,
            professional_ids=[ids["JC1"], ids["SW1"]],
            enrolments=[act.EnrolmentRow(d(2022, 9, 5), programme_id=ids["AMUNT"])],
        ).id
        ids["B"] = act.create_participant(
            s,
            actor=COORD,
            code="AM-B",
            alias="Berta",
            age_band="25-34",
            gender="man",
            neighbourhood_id=ids["N2"],
            consent_date=d(2022, 10, 1),
            consent_processing=True,
            consent_survey=True,
            consent_images=True,
            professional_ids=[ids["SW1"]],
            enrolments=[
                act.EnrolmentRow(
                    d(2022, 10, 1),
                    programme_id=ids["AMUNT"],
                    ends_on=d(2023, 6, 30),
                    exit_reason="completed",
                    evaluation_group="intervention",
                )
            ],
        ).id
        ids["C"] = act.create_participant(
            s,
            actor=EDU,
            code="AM-C",
            neighbourhood_id=ids["N1"],
            enrolments=[act.EnrolmentRow(d(2023, 2, 1), action_id=ids["CA1"])],
        ).id
        ids["D"] = act.create_participant(s, actor=EDU, code="AM-D").id
    return ids


def _frame(engine: Engine, actor: Actor = COORD, **filters: Any) -> pd.DataFrame:
    with session_scope(engine) as s:
        return act.participants_frame(s, actor=actor, today=TODAY, **filters)


def _tables(engine: Engine) -> tuple[list[Any], list[Any]]:
    with session_scope(engine) as s:
        people = act.participants_frame(s, actor=COORD, today=TODAY)
        enrolments = act.enrolments_frame(s, actor=COORD)
    return (
        people.drop(columns=["id", "version"]).astype(str).values.tolist(),
        enrolments.drop(columns=["participant_id"]).astype(str).values.tolist(),
    )


def _audit_count(engine: Engine) -> int:
    with session_scope(engine) as s:
        return int(s.scalar(select(func.count()).select_from(AuditLog)) or 0)


# writes and reads ----------------------------------------------------------------------


def test_hand_made_register_reads_back(engine: Engine, world: dict[str, int]) -> None:
    frame = _frame(engine)
    assert list(frame.columns) == act.PARTICIPANT_FRAME_COLUMNS
    rows = frame.set_index("code")
    assert list(rows.index) == ["AM-A", "AM-B", "AM-C", "AM-D"]
    a = rows.loc["AM-A"]
    # born 1980, first enrolment in 2022: 42 years old
    assert (a["birth_year"], a["age_band"], a["gender"], a["neighbourhood"]) == (
        1980,
        "35-44",
        "woman",
        "el Raval",
    )
    assert (a["alias"], a["professionals"], a["programmes"], a["status"]) == (
        "Anna",
        "JC1, SW1",
        "AMUNT",
        "active",
    )
    assert a["consent_date"] == d(2022, 9, 5)
    assert (a["consent_processing"], a["consent_survey"], a["consent_images"]) == (
        True,
        True,
        False,
    )
    assert rows.loc["AM-B", "status"] == "exited"
    assert (rows.loc["AM-C", "actions"], rows.loc["AM-C", "status"]) == ("CA1", "active")
    assert rows.loc["AM-D", "status"] == "not_enrolled"
    assert pd.isna(rows.loc["AM-D", "birth_year"]) and rows.loc["AM-D", "age_band"] == ""
    with session_scope(engine) as s:
        enrolments = act.enrolments_frame(s, actor=COORD)
    assert enrolments[["participant", "programme", "action", "starts_on", "ends_on"]].fillna(
        ""
    ).values.tolist() == [
        ["AM-A", "AMUNT", "", d(2022, 9, 5), ""],
        ["AM-B", "AMUNT", "", d(2022, 10, 1), d(2023, 6, 30)],
        ["AM-C", "", "CA1", d(2023, 2, 1), ""],
    ]
    assert list(enrolments["exit_reason"]) == ["", "completed", ""]
    assert list(enrolments["evaluation_group"]) == ["", "intervention", ""]


@pytest.mark.parametrize(
    ("filters", "codes"),
    [
        ({"programme_id": "AMUNT"}, ["AM-A", "AM-B"]),
        ({"action_id": "CA1"}, ["AM-C"]),
        ({"neighbourhood_id": "N1"}, ["AM-A", "AM-C"]),
        ({"status": "active"}, ["AM-A", "AM-C"]),
        ({"status": "exited"}, ["AM-B"]),
        ({"status": "not_enrolled"}, ["AM-D"]),
        ({"search": "berta"}, ["AM-B"]),
        ({"search": "am- c"}, ["AM-C"]),
        ({"programme_id": "AMUNT", "status": "active"}, ["AM-A"]),
    ],
)
def test_list_filters(
    engine: Engine, world: dict[str, int], filters: dict[str, Any], codes: list[str]
) -> None:
    given = {k: world[v] if k.endswith("_id") else v for k, v in filters.items()}
    assert list(_frame(engine, **given)["code"]) == codes


def test_aliases_only_for_roles_that_see_them(engine: Engine, world: dict[str, int]) -> None:
    frame = _frame(engine, actor=EVALUATOR)
    assert "alias" not in frame.columns and len(frame) == 4
    assert _frame(engine, actor=EVALUATOR, search="Berta").empty  # no search by alias either
    with pytest.raises(PermissionDeniedError), session_scope(engine) as s:
        act.participants_frame(s, actor=VIEWER)


def test_generated_codes_are_unique_and_follow_the_highest(engine: Engine) -> None:
    with session_scope(engine) as s:
        first = act.create_participant(s, actor=COORD).code
        second = act.create_participant(s, actor=COORD, code="  ").code
        s.add(Participant(code="P-00041"))
        s.flush()
        third = act.create_participant(s, actor=COORD).code
        given = act.create_participant(s, actor=COORD, code="p-raval-1").code
        with pytest.raises(ValidationError, match="already a participant"):
            act.create_participant(s, actor=COORD, code="P-00002")
    assert (first, second, third, given) == ("P-00001", "P-00002", "P-00042", "P-RAVAL-1")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"code": "Anna Puig"}, "not valid"),
        ({"gender": "female"}, "Unknown gender"),
        ({"age_band": "30-40"}, "Unknown age band"),
        ({"birth_year": 1980, "age_band": "25-34"}, "does not match the year of birth"),
        ({"birth_year": 1850}, "year of birth from 1900"),
        ({"enrolments": [act.EnrolmentRow(d(2023, 1, 1))]}, "programme or in a community"),
        (
            {"enrolments": [act.EnrolmentRow(d(2023, 1, 1), programme_id=999)]},
            "no programme 999",
        ),
        (
            {"enrolments": [act.EnrolmentRow(d(2023, 1, 1), 1, ends_on=d(2022, 1, 1))]},
            "swap the dates",
        ),
        (
            {"enrolments": [act.EnrolmentRow(d(2023, 1, 1), 1, exit_reason="completed")]},
            "no exit date",
        ),
        ({"enrolments": [act.EnrolmentRow(d(2023, 1, 1), 1, evaluation_group="x")]}, "group"),
        ({"professional_ids": [999]}, "no professional 999"),
    ],
)
def test_invalid_input_is_refused_and_nothing_written(
    engine: Engine, world: dict[str, int], changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationError, match=message), session_scope(engine) as s:
        act.create_participant(s, actor=COORD, **changes)
    assert len(_frame(engine)) == 4


def test_permissions(engine: Engine, world: dict[str, int]) -> None:
    for actor in (VIEWER, EVALUATOR):
        with pytest.raises(PermissionDeniedError), session_scope(engine) as s:
            act.create_participant(s, actor=actor)
        with pytest.raises(PermissionDeniedError), session_scope(engine) as s:
            act.update_participant(s, actor=actor, participant_id=world["D"], version=1)
    with pytest.raises(PermissionDeniedError), session_scope(engine) as s:
        act.participants_to_excel(s, actor=Actor(username="m", role=Role.MOTOR_GROUP))


def test_update_checks_version_and_audits_only_changes(
    engine: Engine, world: dict[str, int]
) -> None:
    with session_scope(engine) as s:
        person = act.update_participant(
            s,
            actor=COORD,
            participant_id=world["B"],
            version=1,
            alias="Berta",
            age_band="25-34",
            gender="woman",
            neighbourhood_id=world["N2"],
            consent_date=d(2022, 10, 1),
            consent_processing=True,
            consent_survey=True,
            consent_images=False,
        )
        assert person.version == 2
        entry = s.scalars(
            select(AuditLog).where(AuditLog.action == "update").order_by(AuditLog.id.desc())
        ).first()
        assert entry is not None
        assert (entry.entity, entry.entity_id) == ("participants", str(world["B"]))
        assert entry.before == {"gender": "man", "consent_images": True}
        assert entry.after == {"gender": "woman", "consent_images": False}
    # professionals and enrolments left as they were (None keeps them)
    row = _frame(engine).set_index("code").loc["AM-B"]
    assert (row["professionals"], row["programmes"], row["version"]) == ("SW1", "AMUNT", 2)
    with pytest.raises(ConcurrentEditError, match="reload"), session_scope(engine) as s:
        act.update_participant(s, actor=COORD, participant_id=world["B"], version=1, gender="man")
    assert _frame(engine).set_index("code").loc["AM-B", "gender"] == "woman"


def test_enrolments_and_referents_are_replaced_and_audited(
    engine: Engine, world: dict[str, int]
) -> None:
    with session_scope(engine) as s:
        act.update_participant(
            s,
            actor=COORD,
            participant_id=world["D"],
            version=1,
            birth_year=2001,
            professional_ids=[world["SW1"], world["JC1"]],
            enrolments=act.enrolment_rows(
                [
                    {"programme_id": world["AMUNT"], "starts_on": pd.Timestamp("2023-03-01"),
                     "ends_on": pd.NaT, "exit_reason": None, "evaluation_group": "comparison"},
                    {"programme_id": None, "action_id": None, "starts_on": pd.NaT},
                ]
            ),
        )  # fmt: skip
        entry = s.scalars(select(AuditLog).order_by(AuditLog.id.desc())).first()
        assert entry is not None and entry.before is not None and entry.after is not None
        assert entry.before["enrolments"] == [] and entry.before["professional_ids"] == []
        assert entry.after["enrolments"] == [
            {
                "programme_id": world["AMUNT"],
                "action_id": None,
                "starts_on": "2023-03-01",
                "ends_on": None,
                "exit_reason": "",
                "evaluation_group": "comparison",
            }
        ]
        assert entry.after["age_band"] == "18-24"  # 2023 - 2001 = 22
    row = _frame(engine).set_index("code").loc["AM-D"]
    assert (row["professionals"], row["programmes"], row["status"]) == (
        "JC1, SW1",
        "AMUNT",
        "active",
    )


def test_consent_per_purpose(engine: Engine, world: dict[str, int]) -> None:
    with session_scope(engine) as s:
        a, c = s.get(Participant, world["A"]), s.get(Participant, world["C"])
        assert a is not None and c is not None
        assert has_consent(a, ConsentPurpose.ASSESSMENT)
        assert has_consent(a, ConsentPurpose.NETWORK_SURVEY)
        assert not has_consent(c, ConsentPurpose.ASSESSMENT)
        survey_only = Participant(code="X", consent_survey=True)
        assert has_consent(survey_only, ConsentPurpose.NETWORK_SURVEY)
        assert not has_consent(survey_only, ConsentPurpose.ASSESSMENT)


# Excel --------------------------------------------------------------------------------


def _export(engine: Engine, actor: Actor = COORD) -> bytes:
    with session_scope(engine) as s:
        return act.participants_to_excel(s, actor=actor)


def _import(engine: Engine, data: bytes, **options: Any) -> Any:
    with session_scope(engine) as s:
        return act.import_participants(s, data, actor=COORD, path="p.xlsx", **options)


def test_export_is_audited_and_holds_the_register(engine: Engine, world: dict[str, int]) -> None:
    data = _export(engine)
    with session_scope(engine) as s:
        entry = s.scalars(select(AuditLog).order_by(AuditLog.id.desc())).first()
        assert entry is not None
        assert (entry.action, entry.entity) == ("export", "participant_register")
        assert entry.after == {"rows": 4, "filters": {"enrolments": 3, "aliases": True}}
    book = load_workbook(io.BytesIO(data))
    assert {"Participants", "Enrolments"} <= set(book.sheetnames)
    people = [[c.value for c in row] for row in book["Participants"].iter_rows()]
    assert people[0][0] == "Participant code *"
    assert people[1][:6] == ["AM-A", 1980, "35-44", "Woman", "N1", "Anna"]
    assert people[1][7:] == ["yes", "yes", "no", "JC1, SW1"]
    enrolments = [[c.value for c in row] for row in book["Enrolments"].iter_rows()]
    assert enrolments[2][:3] == ["AM-B", "AMUNT", None]
    assert enrolments[2][5:] == ["Completed", "Intervention group"]
    # the evaluator's export has no alias column
    evaluator_book = load_workbook(io.BytesIO(_export(engine, EVALUATOR)))
    header = [c.value for c in evaluator_book["Participants"][1]]
    assert "Alias" not in header and "Participant code *" in header


def test_round_trip_changes_nothing_and_writes_no_audit(
    engine: Engine, world: dict[str, int]
) -> None:
    before = _tables(engine)
    data = _export(engine)
    audited = _audit_count(engine)
    done = _import(engine, data)
    assert (done.created, done.updated, done.unchanged, done.skipped) == (0, 0, 4, [])
    assert _audit_count(engine) == audited
    assert _tables(engine) == before
    # the same file in Catalan headers, read back in English, still changes nothing
    from community_map import i18n

    i18n.set_language("ca")
    try:
        catalan = _export(engine)
    finally:
        i18n.set_language("en")
    assert _import(engine, catalan).unchanged == 4
    assert _tables(engine) == before


def test_round_trip_into_an_empty_register_gives_identical_tables(
    engine: Engine, world: dict[str, int], tmp_path: Path
) -> None:
    data = _export(engine)
    before = _tables(engine)
    with session_scope(engine) as s:
        s.execute(text("DELETE FROM enrolments"))
        s.execute(text("DELETE FROM participant_professionals"))
        s.execute(text("DELETE FROM participants"))
    done = _import(engine, data)
    assert (done.created, done.updated, done.unchanged) == (4, 0, 0)
    assert _tables(engine) == before


def test_import_updates_only_what_differs(engine: Engine, world: dict[str, int]) -> None:
    book = load_workbook(io.BytesIO(_export(engine)))
    book["Participants"]["D3"] = "Woman"  # AM-B: man -> woman
    book["Enrolments"]["E4"] = dt.datetime(2023, 5, 31)  # AM-C leaves CA1
    book["Enrolments"]["F4"] = "Moved away"
    out = io.BytesIO()
    book.save(out)
    audited = _audit_count(engine)
    done = _import(engine, out.getvalue())
    assert (done.created, done.updated, done.unchanged) == (0, 2, 2)
    assert _audit_count(engine) == audited + 2
    rows = _frame(engine).set_index("code")
    assert rows.loc["AM-B", "gender"] == "woman" and rows.loc["AM-C", "status"] == "exited"


def _workbook(people: list[dict[str, Any]], enrolments: list[dict[str, Any]]) -> bytes:
    from community_map._registers import Sheet, frame_for

    return sheets_to_excel(
        [
            Sheet("Participants", PARTICIPANT_COLUMNS, frame_for(people, PARTICIPANT_COLUMNS)),
            Sheet("Enrolments", ENROLMENT_COLUMNS, frame_for(enrolments, ENROLMENT_COLUMNS)),
        ]
    )


BAD = _workbook(
    [
        {"code": "NEW-1", "gender": "woman", "neighbourhood": "N1", "professionals": "SW1"},
        {"code": "NEW-2", "neighbourhood": "N9"},
        {"code": "NEW-3", "birth_year": 1990},
    ],
    [
        {"participant": "NEW-1", "programme": "AMUNT", "starts_on": d(2023, 1, 9)},
        {"participant": "NEW-3", "programme": "NOPE", "starts_on": d(2023, 1, 9)},
        {"participant": "NEW-3", "action": "CA1", "starts_on": d(2023, 2, 1)},
    ],
)


def test_a_bad_row_imports_nothing(engine: Engine, world: dict[str, int]) -> None:
    with pytest.raises(ImportFileError) as caught:
        _import(engine, BAD)
    error = caught.value
    assert (error.row, error.column) == (3, "Neighbourhood code")
    assert "no neighbourhood with code N9" in str(error)
    assert len(_frame(engine)) == 4


def test_skip_bad_rows_reports_them(engine: Engine, world: dict[str, int]) -> None:
    done = _import(engine, BAD, skip_bad_rows=True)
    assert (done.created, done.updated, done.unchanged) == (2, 0, 0)
    assert [(p.row, p.column) for p in done.skipped] == [
        (3, "Neighbourhood code"),
        (3, "Programme code"),
        (4, ""),
    ]
    rows = _frame(engine).set_index("code")
    assert list(rows.index) == ["AM-A", "AM-B", "AM-C", "AM-D", "NEW-1", "NEW-3"]
    assert (rows.loc["NEW-1", "programmes"], rows.loc["NEW-1", "professionals"]) == (
        "AMUNT",
        "SW1",
    )
    assert rows.loc["NEW-3", "status"] == "not_enrolled"  # both its enrolment rows skipped


def test_registry_and_command_line(
    engine: Engine, world: dict[str, int], sqlite_url: str, tmp_path: Path
) -> None:
    assert "participants" in REGISTERS
    target = tmp_path / "people.xlsx"
    out = io.StringIO()
    assert main(["--database-url", sqlite_url, "export", "participants", str(target)], out=out) == 0
    out = io.StringIO()
    code = main(["--database-url", sqlite_url, "import", "participants", str(target)], out=out)
    assert code == 0
    assert "0 created, 0 updated, 4 unchanged." in out.getvalue()
    template = tmp_path / "t.xlsx"
    main(["export", "participants", str(template), "--template"], out=io.StringIO())
    assert {"Participants", "Enrolments"} <= set(load_workbook(template).sheetnames)


# migration ----------------------------------------------------------------------------


def test_migration_moves_the_old_columns(tmp_path: Path) -> None:
    engine = storage.create_db_engine(f"sqlite:///{tmp_path / 'old.db'}")
    config = storage._alembic_config(engine)
    command.upgrade(config, "0006")
    with engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO services (id, code, name, sector, organisation, is_active) "
                "VALUES (1, 'SC', 'CSS', 'social_care', '', 1)"
            )
        )
        c.execute(
            text(
                "INSERT INTO professionals (id, code, display_name, role, service_id, "
                "is_active) VALUES (1, 'SW1', '', 'social worker', 1, 1)"
            )
        )
        c.execute(
            text(
                "INSERT INTO programmes (id, code, name, starts_on, ends_on, notes, version) "
                "VALUES (1, 'AMUNT-2022', 'Amunt! 2022-23', '2022-09-01', '2023-12-31', '', 1)"
            )
        )
        for values in (
            "('OLD-A', 'Amunt! 2022-23', '2022-09-05', '2023-06-30', 1, '2022-09-05', 1)",
            "('OLD-B', 'Pla Raval', '2023-01-10', NULL, 0, NULL, NULL)",
            "('OLD-C', '', NULL, NULL, 1, NULL, NULL)",
        ):
            c.execute(
                text(
                    "INSERT INTO participants (code, programme, enrolled_on, exited_on, "
                    "consent, consent_on, reference_professional_id, age_band, gender) "
                    f"VALUES {values[:-1]}, '', '')"
                )
            )
    storage.migrate(engine)
    with session_scope(engine) as s:
        people = {p.code: p for p in s.scalars(select(Participant))}
        assert (people["OLD-A"].consent_processing, people["OLD-A"].consent_survey) == (True, True)
        assert people["OLD-A"].consent_images is False
        assert people["OLD-A"].consent_date == d(2022, 9, 5)
        assert people["OLD-B"].consent_processing is False and people["OLD-A"].version == 1
        links = s.execute(select(ParticipantProfessional.participant_id)).scalars().all()
        assert links == [people["OLD-A"].id]
        rows = s.execute(
            select(Participant.code, Programme.code, Programme.name, Enrolment.starts_on,
                   Enrolment.ends_on)
            .join(Enrolment, Enrolment.participant_id == Participant.id)
            .join(Programme, Programme.id == Enrolment.programme_id)
            .order_by(Participant.code)
        ).all()  # fmt: skip
        assert [tuple(r) for r in rows] == [
            ("OLD-A", "AMUNT-2022", "Amunt! 2022-23", d(2022, 9, 5), d(2023, 6, 30)),
            ("OLD-B", "PLA-RAVAL", "Pla Raval", d(2023, 1, 10), None),
        ]
        created = s.scalar(select(Programme).where(Programme.code == "PLA-RAVAL"))
        assert created is not None
        assert (created.starts_on, created.ends_on) == (d(2023, 1, 10), d(2023, 1, 10))
    engine.dispose()


# the page -------------------------------------------------------------------------------


@pytest.fixture
def app_env(monkeypatch: pytest.MonkeyPatch, demo_db: str) -> str:
    monkeypatch.setenv("COMMUNITY_MAP_DATABASE_URL", demo_db)
    monkeypatch.setenv("COMMUNITY_MAP_DEMO", "true")
    monkeypatch.chdir(ROOT)
    return demo_db


def test_page_creates_a_participant_as_coordinator(
    app_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    copy = tmp_path / "copy.db"
    shutil.copy(app_env.removeprefix("sqlite:///"), copy)
    monkeypatch.setenv("COMMUNITY_MAP_DATABASE_URL", f"sqlite:///{copy}")
    at = _as(Role.COORDINATOR).run()
    at.switch_page("pages/participants.py").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Participants"
    listed = at.dataframe[0].value
    assert len(listed) == 300 and "Alias" in listed.columns
    # a new participant: code left empty, so generated
    at.number_input(key="participant_year_None_0").set_value(1985)
    at.selectbox(key="participant_gender_None_0").set_value("woman")
    at.checkbox(key="participant_processing_None_0").check()
    at.text_input(key="participant_alias_None_0").input("Nuri")
    at.button(key="FormSubmitter:participant_None_0-Save the participant").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert any("P-00001 saved" in s.value for s in at.success)
    at.text_input(key="participants_search").input("nuri").run()
    found = at.dataframe[0].value
    assert list(found["Code"]) == ["P-00001"]
    assert list(found["Year of birth"]) == [1985]
    engine = storage.create_db_engine(f"sqlite:///{copy}")
    with session_scope(engine) as s:
        person = s.scalar(select(Participant).where(Participant.code == "P-00001"))
        assert person is not None
        assert (person.alias, person.gender, person.consent_processing) == ("Nuri", "woman", True)
        entry = s.scalars(select(AuditLog).order_by(AuditLog.id.desc())).first()
        assert entry is not None and (entry.action, entry.entity) == ("create", "participants")
    engine.dispose()


def test_page_for_evaluator_has_no_form_and_district_viewer_cannot_open_it(
    app_env: str,
) -> None:
    at = _as(Role.EVALUATOR).run()
    at.switch_page("pages/participants.py").run()
    assert not at.exception, at.exception
    assert "Alias" not in at.dataframe[0].value.columns
    assert [b.key for b in at.button] == ["logout"]  # no edit form, no import
    viewer = _as(Role.DISTRICT_VIEWER).run()
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        viewer.switch_page("pages/participants.py")


@pytest.mark.parametrize("both", [True, False], ids=["both", "neither"])
def test_database_refuses_an_enrolment_in_both_or_neither(
    engine: Engine, world: dict[str, int], both: bool
) -> None:
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), session_scope(engine) as s:
        s.add(
            Enrolment(
                participant_id=world["D"],
                programme_id=world["AMUNT"] if both else None,
                action_id=world["CA1"] if both else None,
                starts_on=d(2023, 1, 1),
            )
        )
        s.flush()
