"""The assessment register: instruments from files, "not assessed", the information-age rule,
audited writes with optimistic concurrency, Excel round trip and the command line.

The data is tiny and built here: participants AM-A and AM-B (consented) and AM-C (not),
professional P1 of service S1.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, func, select

from community_map import i18n
from community_map.cli import main
from community_map.errors import (
    ConcurrentEditError,
    ImportFileError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from community_map.evaluation import (
    DEPENDANTS_EXAMPLE,
    assessments_frame,
    assessments_template,
    assessments_to_excel,
    available_instruments,
    create_assessment,
    delete_assessment,
    find_instrument,
    import_assessments,
    participant_history,
    read_instrument_file,
    store_instrument,
    update_assessment,
)
from community_map.models import (
    Assessment,
    AssessmentScore,
    AuditLog,
    Participant,
    Professional,
    Role,
    Service,
)
from community_map.storage import session_scope
from community_map.trust.permissions import Actor

COORDINATOR = Actor(username="coord", role=Role.COORDINATOR)
EVALUATOR = Actor(username="eval", role=Role.EVALUATOR)
DISTRICT = Actor(username="district", role=Role.DISTRICT_VIEWER)
D = dt.date


@pytest.fixture
def world(engine: Engine) -> Engine:
    with session_scope(engine) as s:
        service = Service(code="S1", name="CSS Raval", field_of_work="social_care")
        s.add(service)
        s.flush()
        s.add(
            Professional(
                code="P1", display_name="Laia", role="social worker", service_id=service.id
            )
        )
        s.add(Participant(code="AM-A", consent_processing=True, consent_survey=True))
        s.add(Participant(code="AM-B", consent_processing=True, consent_survey=True))
        s.add(Participant(code="AM-C"))
    return engine


def _first(engine: Engine, **changes: Any) -> int:
    given: dict[str, Any] = dict(
        code="AM-A",
        on=D(2023, 1, 20),
        phase="reception",
        levels={"finances": 2, "housing": 3, "justice": None},
        assessor_code="P1",
        information_on=D(2023, 1, 5),
        note="First interview",
    )
    given.update(changes)
    with session_scope(engine) as s:
        return create_assessment(s, actor=COORDINATOR, **given).id


def _audit(engine: Engine) -> list[AuditLog]:
    with session_scope(engine) as s:
        rows = s.scalars(
            select(AuditLog).where(AuditLog.entity == "assessments").order_by(AuditLog.id)
        )
        return list(rows)


# --- hand-checked record, "not assessed" versus a score -----------------------------------


def test_a_recorded_assessment_keeps_every_domain_with_not_assessed_apart(world: Engine) -> None:
    aid = _first(world)
    with session_scope(world) as s:
        stored = dict(
            s.execute(
                select(AssessmentScore.domain, AssessmentScore.level).where(
                    AssessmentScore.assessment_id == aid
                )
            ).all()
        )
        row = s.get(Assessment, aid)
        assert row is not None
        assert (row.instrument, row.instrument_version, row.version) == ("ssm-cat", "1", 1)
        frame = participant_history(s, "am-a ", actor=COORDINATOR)
    # 13 SSM-Cat domains: 2 rated, 11 stored without a level (not assessed)
    assert len(stored) == 13
    assert {d: v for d, v in stored.items() if v is not None} == {"finances": 2, "housing": 3}
    assert stored["justice"] is None and stored["social_network"] is None
    record = frame.iloc[0]
    assert (record["participant"], record["phase"], record["assessor"]) == (
        "AM-A",
        "reception",
        "P1",
    )
    assert (record["assessed"], record["housing"], record["justice"]) == (2, 3, None)
    assert record["information_on"] == D(2023, 1, 5) and record["note"] == "First interview"


@pytest.mark.parametrize(
    ("levels", "message"),
    [
        ({"housing": 6}, "must be one of 1, 2, 3, 4, 5"),
        ({"housing": 0}, "must be one of 1, 2, 3, 4, 5"),
        ({"housing": None}, "at least one domain"),
        ({}, "at least one domain"),
        ({"childcare": 3}, "Unknown domain 'childcare'"),
    ],
)
def test_levels_are_checked_and_nothing_is_written(
    world: Engine, levels: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationError, match=message), session_scope(world) as s:
        create_assessment(
            s, actor=COORDINATOR, code="AM-A", on=D(2023, 1, 20), phase="reception", levels=levels
        )
    with session_scope(world) as s:
        assert s.scalar(select(func.count()).select_from(Assessment)) == 0


def test_consent_phase_participant_and_assessor_are_checked(world: Engine) -> None:
    with pytest.raises(ValidationError, match="AM-C has not given consent"):
        _first(world, code="AM-C")
    with pytest.raises(ValidationError, match="Unknown assessment phase 'intake'"):
        _first(world, phase="intake")
    with pytest.raises(NotFoundError, match="no participant"):
        _first(world, code="AM-Z")
    with pytest.raises(NotFoundError, match="no professional with the code 'P9'"):
        _first(world, assessor_code="P9")


# --- information-age rule -------------------------------------------------------------------


def test_information_age_rule(world: Engine) -> None:
    # 30 days before the assessment is still usable; 31 is not; after the assessment never
    _first(world, on=D(2023, 2, 4), information_on=D(2023, 1, 5))
    with pytest.raises(ValidationError, match="31 days before the assessment") as caught:
        _first(world, on=D(2023, 2, 5), information_on=D(2023, 1, 5))
    assert "older than 30 days" in str(caught.value)
    with pytest.raises(ValidationError, match="after the assessment"):
        _first(world, on=D(2023, 1, 20), information_on=D(2023, 1, 21))
    with session_scope(world) as s:
        assert s.scalar(select(func.count()).select_from(Assessment)) == 1


# --- instruments from files -------------------------------------------------------------------


def _file(tmp_path: Path, data: object, name: str = "tool.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


LABELS = {"ca": "Feina", "es": "Trabajo", "en": "Work"}


@pytest.mark.parametrize(
    ("data", "fragments"),
    [
        ("{not json", ["tool.json is not valid JSON", "line 1"]),
        ([1, 2], ["one JSON object"]),
        (
            {
                "code": "Mini Tool",
                "name": {"ca": "Eina", "en": "Tool"},
                "max_information_age_days": 0,
                "levels": [{"level": 1, "label": LABELS}, {"level": 3, "label": LABELS}],
                "domains": [
                    {"code": "work", "label": {"ca": "Feina"}},
                    {"code": "work", "label": LABELS},
                ],
            },
            [
                "code: write the instrument's code",
                "name: add the label in es",
                "max_information_age_days",
                "number them 1, 2, 3... in order without gaps (found 1, 3)",
                "domain work: add the label in es, en",
                "domain work: appears twice",
            ],
        ),
        (
            {
                "code": "x",
                "name": LABELS,
                "extends": "nope",
                "domains": [{"code": "w", "label": LABELS}],
            },
            ["extends: Unknown instrument 'nope'"],
        ),
        (
            {
                "code": "x",
                "name": LABELS,
                "extends": "ssm-cat",
                "domains": [{"code": "w", "label": LABELS, "levels": {"7": LABELS}}],
            },
            ["domain w: level 7 is not one of the levels 1, 2, 3, 4, 5"],
        ),
        (
            {
                "code": "x",
                "name": LABELS,
                "extends": "ssm-cat",
                "domains": [{"code": "housing", "label": LABELS}],
            },
            ["domain housing: appears twice"],
        ),
    ],
)
def test_instrument_file_problems_are_named(
    world: Engine, tmp_path: Path, data: object, fragments: list[str]
) -> None:
    path = _file(tmp_path, data)
    with pytest.raises(ValidationError) as caught, session_scope(world) as s:
        store_instrument(s, path, actor=COORDINATOR)
    for fragment in fragments:
        assert fragment in str(caught.value)
    with session_scope(world) as s:
        assert sorted(available_instruments(s)) == ["ssm-cat"]


def test_loading_the_dependants_file_gives_17_domains_shared_through_the_database(
    world: Engine,
) -> None:
    with session_scope(world) as s:
        with pytest.raises(PermissionDeniedError):
            store_instrument(s, DEPENDANTS_EXAMPLE, actor=EVALUATOR)
        tool = store_instrument(s, DEPENDANTS_EXAMPLE, actor=COORDINATOR)
    assert tool.code == "ssm-cat-dependants"
    with session_scope(world) as s:  # read back from the database in a new session
        again = find_instrument(s, "SSM-Cat-Dependants")
    assert len(again.domains) == 17
    assert again.domains[:13] == find_instrument_base().domains
    assert again.domains[13:] == ("childcare", "children_education", "parenting", "children_health")
    assert (again.levels, again.max_information_age_days) == ((1, 2, 3, 4, 5), 30)
    assert again.domain_label("childcare", "ca") == "Cura dels infants"
    assert (
        again.level_description("childcare", 1, "es") == "Los menores no tienen cuidado garantizado"
    )
    assert again.level_description("parenting", 1, "es") == ""
    aid = _first(world, instrument="ssm-cat-dependants", levels={"childcare": 2, "housing": 3})
    with session_scope(world) as s:
        assert s.scalar(select(func.count()).where(AssessmentScore.assessment_id == aid)) == 17
    # a new edition may not drop a domain recorded assessments use
    edited = json.loads(DEPENDANTS_EXAMPLE.read_text(encoding="utf-8"))
    edited["domains"] = edited["domains"][1:]
    with pytest.raises(ValidationError, match="childcare"), session_scope(world) as s:
        store_instrument(s, _file(world_tmp(world), edited), actor=COORDINATOR)


def find_instrument_base() -> Any:
    from community_map.evaluation import load_instrument

    return load_instrument("ssm-cat")


def world_tmp(engine: Engine) -> Path:
    return Path(str(engine.url.database)).parent


# --- update, delete, concurrency, audit, permissions -----------------------------------------


def test_update_is_audited_with_only_what_changed_and_stale_copies_are_refused(
    world: Engine,
) -> None:
    aid = _first(world)
    with session_scope(world) as s:
        update_assessment(
            s,
            actor=COORDINATOR,
            assessment_id=aid,
            version=1,
            on=D(2023, 1, 20),
            phase="reception",
            levels={"finances": 2, "housing": 4},
            assessor_code="P1",
            information_on=D(2023, 1, 5),
            note="First interview",
        )
    entries = _audit(world)
    assert [e.action for e in entries] == ["create", "update"]
    levels_before = {d: None for d in find_instrument_base().domains} | {
        "finances": 2,
        "housing": 3,
    }
    assert entries[1].before == {"levels": levels_before}
    assert entries[1].after == {"levels": levels_before | {"housing": 4}}
    assert entries[0].after is not None and entries[0].after["participant"] == "AM-A"
    stale = pytest.raises(ConcurrentEditError, match="Someone else changed this assessment")
    with stale, session_scope(world) as s:
        update_assessment(
            s, actor=COORDINATOR, assessment_id=aid, version=1, on=D(2023, 1, 20),
            phase="closure", levels={"housing": 5},
        )  # fmt: skip
    with pytest.raises(ConcurrentEditError), session_scope(world) as s:
        delete_assessment(s, actor=COORDINATOR, assessment_id=aid, version=1)
    with session_scope(world) as s:
        delete_assessment(s, actor=COORDINATOR, assessment_id=aid, version=2)
        assert s.scalar(select(func.count()).select_from(AssessmentScore)) == 0
    last = _audit(world)[-1]
    assert last.action == "delete" and last.before is not None
    assert last.before["levels"]["housing"] == 4


def test_permissions(world: Engine) -> None:
    with pytest.raises(PermissionDeniedError), session_scope(world) as s:
        create_assessment(
            s, actor=EVALUATOR, code="AM-A", on=D(2023, 1, 20), phase="reception",
            levels={"housing": 3},
        )  # fmt: skip
    _first(world)
    with session_scope(world) as s:
        assert len(assessments_frame(s, actor=EVALUATOR)) == 1
        with pytest.raises(PermissionDeniedError):
            assessments_frame(s, actor=DISTRICT)
        with pytest.raises(PermissionDeniedError):
            assessments_to_excel(s, actor=DISTRICT)
        with pytest.raises(PermissionDeniedError):
            import_assessments(s, assessments_template(), actor=EVALUATOR, path="a.xlsx")


# --- Excel -----------------------------------------------------------------------------------


def _tables(engine: Engine) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    with session_scope(engine) as s:
        head = s.execute(
            select(
                Assessment.id, Assessment.participant_id, Assessment.assessed_on, Assessment.phase,
                Assessment.instrument, Assessment.assessor_id, Assessment.information_on,
                Assessment.note, Assessment.version,
            ).order_by(Assessment.id)
        ).all()  # fmt: skip
        scores = s.execute(
            select(
                AssessmentScore.assessment_id, AssessmentScore.domain, AssessmentScore.level
            ).order_by(AssessmentScore.assessment_id, AssessmentScore.domain)
        ).all()
    return [tuple(r) for r in head], [tuple(r) for r in scores]


def test_export_shows_levels_and_not_assessed_and_round_trips_unchanged(world: Engine) -> None:
    _first(world)
    _first(
        world,
        code="AM-B",
        on=D(2023, 7, 3),
        phase="closure",
        levels={"housing": 5},
        information_on=None,
        note="",
    )
    before = _tables(world)
    for language in i18n.LANGUAGES:
        with i18n.language(language), session_scope(world) as s:
            data = assessments_to_excel(s, actor=COORDINATOR)
        audit_rows = len(_audit(world))
        with i18n.language("en"), session_scope(world) as s:
            report = import_assessments(s, data, actor=COORDINATOR, path="a.xlsx")
        assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
        assert len(_audit(world)) == audit_rows
        assert _tables(world) == before
    with i18n.language("ca"), session_scope(world) as s:
        data = assessments_to_excel(s, actor=COORDINATOR)
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header[:5] == [
        "Codi de participant *",
        "Data de la valoració *",
        "Fase *",
        "Instrument *",
        "Codi del professional que valora",
    ]
    assert header[7:9] == ["Finances", "Treball i formació"]
    housing = header.index("Habitatge")
    finances = header.index("Finances")
    levels = [sheet.cell(row=2, column=c + 1).value for c in (finances, housing)]
    assert levels == [2, 3]
    assert sheet.cell(row=3, column=finances + 1).value == "no valorat"
    assert sheet.cell(row=2, column=3).value == "Acollida"
    with session_scope(world) as s:
        exports = s.scalar(
            select(func.count()).where(
                AuditLog.entity == "assessments", AuditLog.action == "export"
            )
        )
    assert exports == 4


def _book(rows: list[list[Any]], language: str = "en") -> bytes:
    with i18n.language(language):
        data = assessments_template()
    book = load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# participant, date, phase, instrument, assessor, information date, note, then 13 domains
GOOD = [
    "AM-A",
    "2023-01-20",
    "Reception",
    "ssm-cat",
    "P1",
    "2023-01-10",
    "",
    2,
    "4",
    "not assessed",
]
BAD = ["AM-B", "2023-01-21", "Acogida", "ssm-cat", "", "", "", 7]


def test_import_in_any_language_all_or_nothing_and_skip_bad_rows(world: Engine) -> None:
    data = _book([GOOD, BAD])
    with pytest.raises(ImportFileError) as caught, session_scope(world) as s:
        import_assessments(s, data, actor=COORDINATOR, path="a.xlsx")
    assert (caught.value.row, caught.value.column) == (3, "Finances")
    assert "Write a level from 1 to 5" in caught.value.reason
    with session_scope(world) as s:
        assert s.scalar(select(func.count()).select_from(Assessment)) == 0
        report = import_assessments(s, data, actor=COORDINATOR, path="a.xlsx", skip_bad_rows=True)
    assert report.created == 1
    assert [str(p) for p in report.skipped] == [
        'row 3, Finances: Write a level from 1 to 5, or "not assessed".'
    ]
    with session_scope(world) as s:
        frame = assessments_frame(s, actor=COORDINATOR)
    record = frame.iloc[0]
    assert (record["finances"], record["work_training"], record["time_use"], record["housing"]) == (
        2,
        4,
        None,
        None,
    )
    assert record["assessed"] == 2 and record["information_on"] == D(2023, 1, 10)
    # the same row in Catalan, with a changed level, updates the assessment
    changed = [
        "AM-A",
        "20/01/2023",
        "Acollida",
        "ssm-cat",
        "P1",
        "2023-01-10",
        "",
        3,
        "4",
        "no valorat",
    ]
    with session_scope(world) as s:
        report = import_assessments(s, _book([changed], "ca"), actor=COORDINATOR, path="a.xlsx")
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)


def test_import_refuses_unknown_codes_and_old_information(world: Engine) -> None:
    cases = [
        (["AM-Z", *GOOD[1:]], "Participant code", "no participant"),
        ([*GOOD[:3], "zrm", *GOOD[4:]], "Instrument", "Unknown instrument 'zrm'"),
        ([*GOOD[:4], "P9", *GOOD[5:]], "Assessor code", "no professional"),
        ([*GOOD[:5], "2022-12-01", *GOOD[6:]], "", "older than 30 days"),
    ]
    for row, column, message in cases:
        with pytest.raises(ImportFileError) as caught, session_scope(world) as s:
            import_assessments(s, _book([row]), actor=COORDINATOR, path="a.xlsx")
        assert (caught.value.row, caught.value.column or "") == (2, column)
        assert message in caught.value.reason


def test_template_has_level_drop_downs(world: Engine) -> None:
    book = load_workbook(io.BytesIO(assessments_template()))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]][7] == "Finances"
    assert len([c for c in sheet[1] if c.value]) == 7 + 13
    lists = book["_lists"]
    options = [[cell.value for cell in column if cell.value] for column in lists.iter_cols()]
    assert ["1", "2", "3", "4", "5", "not assessed"] in options


# --- command line -----------------------------------------------------------------------------


def test_command_line_loads_instruments_and_round_trips(world: Engine, tmp_path: Path) -> None:
    url = str(world.url)
    out = io.StringIO()
    bad = _file(tmp_path, {"code": "x"}, "bad.json")
    assert main(["--database-url", url, "instrument", "load", str(bad)], out=out) == 1
    assert (
        main(
            ["--database-url", url, "instrument", "load", str(DEPENDANTS_EXAMPLE), "--check"],
            out=out,
        )
        == 0
    )
    with session_scope(world) as s:
        assert sorted(available_instruments(s)) == ["ssm-cat"]
    assert (
        main(["--database-url", url, "instrument", "load", str(DEPENDANTS_EXAMPLE)], out=out) == 0
    )
    assert (
        "Instrument ssm-cat-dependants (SSM-Cat with dependent children (17 domains)) stored"
        in out.getvalue()
    )
    out = io.StringIO()
    assert main(["--database-url", url, "instrument", "list"], out=out) == 0
    assert out.getvalue().splitlines()[1].startswith("ssm-cat-dependants (")
    _first(world)
    target = tmp_path / "assessments.xlsx"
    assert main(["--database-url", url, "export", "assessments", str(target)], out=out) == 0
    header = [c.value for c in load_workbook(target).worksheets[0][1]]
    assert len(header) == 7 + 17
    out = io.StringIO()
    assert main(["--database-url", url, "import", "assessments", str(target)], out=out) == 0
    assert "1 unchanged" in out.getvalue()
    with session_scope(world) as s:
        assert read_instrument_file(s, DEPENDANTS_EXAMPLE).version == "1"
