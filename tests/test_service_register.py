"""The services and professionals registers: writes, Excel round trips, centres as services."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from alembic import command
from openpyxl import load_workbook
from sqlalchemy import Engine, func, select, text

from community_map import i18n, territory
from community_map._registers import Column, Sheet, sheets_to_excel
from community_map.cli import main
from community_map.errors import ConcurrentEditError, ImportFileError, PermissionDeniedError
from community_map.models import AuditLog, Professional, Role, Service, TerritoryUnit
from community_map.storage import _alembic_config, session_scope
from community_map.territory.service_register_excel import PROFESSIONAL_SHEET, SERVICE_SHEET
from community_map.trust.permissions import Actor
from tests.test_app import _as, app_env

__all__ = ["app_env"]  # the fixture, imported for these tests

COORD = Actor(username="coord", role=Role.COORDINATOR)
EDUCATOR = Actor(username="edu", role=Role.EDUCATOR)
ROOT = Path(__file__).resolve().parent.parent

SAC = {
    "code": "SAC",
    "name": "Servei d'Acció Comunitària",
    "field_of_work": "community_action",
    "legal_nature": "public",
    "organisation": "Ajuntament de Barcelona",
}
LABORA = {
    "code": "ECAS",
    "name": "Làbora – ECAS",
    "field_of_work": "employment",
    "legal_nature": "third_sector",
    "organisation": "Programa Làbora",
}


def _world(engine: Engine) -> None:
    with session_scope(engine) as s:
        s.add(TerritoryUnit(kind="catchment", code="CSS-01", name="Raval Nord"))
        sac = territory.save_service(s, actor=COORD, values=SAC)
        ecas = territory.save_service(s, actor=COORD, values=LABORA)
        for code, role, service, start in (
            ("TS-1", "Social worker", sac, dt.date(2022, 9, 1)),
            ("ED-1", "Social educator", sac, None),
            ("OL-1", "Job counsellor", ecas, dt.date(2022, 10, 3)),
        ):
            territory.save_professional(
                s,
                actor=COORD,
                values={"code": code, "role": role, "service_id": service.id, "starts_on": start},
            )


def _tables(engine: Engine) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    with session_scope(engine) as s:
        services = territory.services_frame(s).drop(columns=["id", "version", "asset_id"])
        staff = territory.professionals_frame(s).drop(columns=["id", "version", "service_id"])
    return (
        [tuple(r) for r in services.itertuples(index=False)],
        [tuple(r) for r in staff.itertuples(index=False)],
    )


def test_field_of_work_and_legal_nature_are_separate(engine: Engine) -> None:
    _world(engine)
    with session_scope(engine) as s:
        third = territory.services_frame(s, legal_nature="third_sector")
        employment = territory.services_frame(s, field_of_work="employment")
        active = territory.professionals_frame(s, active_on=dt.date(2022, 9, 15))
    assert third["code"].tolist() == employment["code"].tolist() == ["ECAS"]
    # OL-1 starts on 3 October; ED-1 has no start, so is active from the start
    assert active["code"].tolist() == ["ED-1", "TS-1"]


def test_updates_are_audited_and_stale_copies_refused(engine: Engine) -> None:
    _world(engine)
    with session_scope(engine) as s:
        sac = s.scalars(select(Service).where(Service.code == "SAC")).one()
        version = sac.version
        territory.save_service(
            s, actor=COORD, values={"legal_nature": "third_sector"}, service_id=sac.id,
            version=version,
        )  # fmt: skip
        entry = s.scalars(
            select(AuditLog).where(AuditLog.entity == "services").order_by(AuditLog.id.desc())
        ).first()
        assert entry is not None
        assert (entry.action, entry.before, entry.after) == (
            "update",
            {"legal_nature": "public"},
            {"legal_nature": "third_sector"},
        )
        with pytest.raises(ConcurrentEditError):
            territory.save_service(
                s, actor=COORD, values={"name": "x"}, service_id=sac.id, version=version
            )


def test_only_service_editors_may_change_the_register(engine: Engine) -> None:
    with session_scope(engine) as s, pytest.raises(PermissionDeniedError):
        territory.save_service(s, actor=EDUCATOR, values=SAC)


def test_round_trip_changes_nothing_and_rebuilds_the_same_tables(
    engine: Engine, tmp_path: Path
) -> None:
    _world(engine)
    with session_scope(engine) as s:
        services = territory.services_to_excel(s, actor=COORD)
        staff = territory.professionals_to_excel(s, actor=COORD)
        audit_before = s.scalar(select(func.count(AuditLog.id)))
    with session_scope(engine) as s:
        again = territory.import_services(s, services, actor=COORD)
        again_staff = territory.import_professionals(s, staff, actor=COORD)
        audit_after = s.scalar(select(func.count(AuditLog.id)))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert (again_staff.created, again_staff.updated, again_staff.unchanged) == (0, 0, 3)
    assert audit_after == audit_before
    # the same files into an empty database give the same tables
    from community_map.storage import create_db_engine, migrate

    fresh = create_db_engine(f"sqlite:///{tmp_path}/fresh.db")
    migrate(fresh)
    with session_scope(fresh) as s:
        s.add(TerritoryUnit(kind="catchment", code="CSS-01", name="Raval Nord"))
    with session_scope(fresh) as s:
        territory.import_services(s, services, actor=COORD)
        territory.import_professionals(s, staff, actor=COORD)
    assert _tables(fresh) == _tables(engine)


def test_headers_in_spanish_and_labels_are_read(engine: Engine) -> None:
    with i18n.language("es"):
        data = territory.services_template()
    book = load_workbook(io.BytesIO(data))
    sheet = book[book.sheetnames[0]]
    headers = [c.value for c in sheet[1]]
    assert headers[:3] == ["Código del servicio *", "Nombre *", "Ámbito de trabajo *"]
    sheet.append(["CSS-2", "CSS Sant Martí", "Atención social", "Pública", "IMSS"])
    out = io.BytesIO()
    book.save(out)
    with session_scope(engine) as s:
        done = territory.import_services(s, out.getvalue(), actor=COORD)
        saved = s.scalars(select(Service).where(Service.code == "CSS-2")).one()
    assert done.created == 1
    assert (saved.field_of_work, saved.legal_nature, saved.organisation) == (
        "social_care",
        "public",
        "IMSS",
    )


def _bad_services() -> bytes:
    rows = [SAC, {**LABORA, "field_of_work": "gardening"}, {**SAC, "code": "SAC-2"}]
    import pandas as pd

    columns = [c for c in SERVICE_SHEET if c.field != "field_of_work"] + [
        Column("field_of_work", "Field of work")
    ]
    return sheets_to_excel([Sheet("Services", columns, pd.DataFrame(rows))])


def test_a_bad_row_stops_the_whole_import(engine: Engine) -> None:
    with session_scope(engine) as s:
        s.add(TerritoryUnit(kind="catchment", code="X", name="X"))
    with pytest.raises(ImportFileError) as caught, session_scope(engine) as s:
        territory.import_services(s, _bad_services(), actor=COORD, path="serveis.xlsx")
    assert (caught.value.path, caught.value.row, caught.value.column) == (
        "serveis.xlsx",
        3,
        "Field of work",
    )
    with session_scope(engine) as s:
        assert s.scalar(select(func.count(Service.id))) == 0


def test_skip_bad_rows_imports_the_rest_and_reports(engine: Engine) -> None:
    with session_scope(engine) as s:
        done = territory.import_services(s, _bad_services(), actor=COORD, skip_bad_rows=True)
    assert (done.created, [(p.row, p.column) for p in done.skipped]) == (
        2,
        [(3, "Field of work")],
    )
    with session_scope(engine) as s:
        assert sorted(s.scalars(select(Service.code))) == ["SAC", "SAC-2"]


def test_professional_of_an_unknown_service_is_refused_with_its_column(engine: Engine) -> None:
    import pandas as pd

    data = sheets_to_excel(
        [
            Sheet(
                "Professionals",
                PROFESSIONAL_SHEET,
                pd.DataFrame([{"code": "TS-9", "role": "Social worker", "service": "NOPE"}]),
            )
        ]
    )
    with pytest.raises(ImportFileError, match="NOPE") as caught, session_scope(engine) as s:
        territory.import_professionals(s, data, actor=COORD)
    assert (caught.value.row, caught.value.column) == (2, "Service code")


def test_command_line_round_trip(engine: Engine, sqlite_url: str, tmp_path: Path) -> None:
    _world(engine)
    target = tmp_path / "serveis.xlsx"
    out = io.StringIO()
    assert main(["--database-url", sqlite_url, "export", "services", str(target)], out=out) == 0
    assert main(["--database-url", sqlite_url, "import", "services", str(target)], out=out) == 0
    assert "0 created, 0 updated, 2 unchanged." in out.getvalue()
    template = tmp_path / "template.xlsx"
    assert main(["export", "professionals", str(template), "--template"], out=out) == 0
    assert load_workbook(template).active.max_row == 1  # type: ignore[union-attr]


@pytest.mark.realdata
def test_importing_the_real_centres_list_creates_services(
    sqlite_url: str, engine: Engine, tmp_path: Path
) -> None:
    from tests.conftest import REAL_DATA

    centres = REAL_DATA / "barcelona_equipments" / "udd_centres_serveis_socials.json"
    if not centres.is_file():
        pytest.skip(f"real data not found at {centres}")
    out = io.StringIO()
    report = str(tmp_path / "left_out.csv")  # one row of the published file has no position
    args = ["--database-url", sqlite_url, "import", "assets", str(centres)]
    args += ["--skip-bad-rows", report]
    assert main(args, out=out) == 0
    assert "24 services created from the imported centres." in out.getvalue()
    assert main(args, out=out) == 0  # a second import links to the same services
    with session_scope(engine) as s:
        rows = s.execute(
            select(Service.field_of_work, Service.legal_nature, Service.asset_id)
        ).all()
    assert len(rows) == 24
    assert {(f, n) for f, n, _a in rows} == {("social_care", "public")}
    assert len({a for _f, _n, a in rows}) == 24


def test_migration_splits_the_old_sector(sqlite_url: str) -> None:
    from community_map.storage import create_db_engine

    engine = create_db_engine(sqlite_url)
    config = _alembic_config(engine)
    command.upgrade(config, "0006")
    with engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO services (code, name, sector, organisation, is_active) VALUES "
                "('ECAS', 'Làbora', 'third_sector', '', 1), ('BA', 'BA', 'employment', '', 1)"
            )
        )
    command.upgrade(config, "0007")
    with session_scope(engine) as s:
        got = dict(
            (code, (f, n))
            for code, f, n in s.execute(
                select(Service.code, Service.field_of_work, Service.legal_nature)
            )
        )
    assert got == {"ECAS": ("community_action", "third_sector"), "BA": ("employment", "public")}


def test_services_page_creates_a_service_and_a_professional(
    app_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _as(Role.COORDINATOR, "ca").run()
    at.switch_page("pages/services.py").run()
    assert not at.exception, at.exception
    first = {t.label: t for t in reversed(at.text_input)}  # the services tab comes first
    first["Codi"].input("ENT-RAVAL")
    first["Nom"].input("Associació de veïns del Raval")
    at.selectbox[3].select("community_action")  # field of work in the form
    at.selectbox[4].select("residents_group")
    next(b for b in at.button if b.label == "Desa el servei").click().run()
    assert not at.exception, at.exception
    assert any("ENT-RAVAL" in s.value for s in at.success), [e.value for e in at.error]
    with session_scope(_engine(app_env)) as s:
        saved = s.scalars(select(Service).where(Service.code == "ENT-RAVAL")).one()
        assert (saved.field_of_work, saved.legal_nature) == ("community_action", "residents_group")
        assert s.scalar(select(func.count(Professional.id))) > 0


def _engine(url: str) -> Engine:
    from community_map.storage import create_db_engine

    return create_db_engine(url)


def test_district_viewers_do_not_get_the_page(app_env: str) -> None:
    at = _as(Role.DISTRICT_VIEWER).run()
    with pytest.raises(Exception):  # noqa: B017 - not in this role's navigation at all
        at.switch_page("pages/services.py")
