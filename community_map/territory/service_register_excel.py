"""The services and professionals registers as Excel workbooks: templates, exports and
imports (all or nothing, or skipping bad rows with a report).

A service or professional whose code exists is updated when a value differs; exporting a
register and importing the file back changes nothing.
"""

from __future__ import annotations

from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from community_map._registers import (
    CellError,
    Column,
    Outcome,
    RegisterImport,
    Sheet,
    apply_rows,
    frame_for,
    rows_from_excel,
    sheets_to_excel,
)
from community_map.i18n import N_
from community_map.i18n import gettext as _
from community_map.models import (
    FIELD_OF_WORK_LABELS,
    LEGAL_NATURE_LABELS,
    Professional,
    Service,
    TerritoryUnit,
)
from community_map.territory.service_register_reads import professionals_frame, services_frame
from community_map.territory.service_register_writes import (
    PROFESSIONAL_FIELDS,
    SERVICE_FIELDS,
    save_professional,
    save_service,
)
from community_map.trust.permissions import Actor, Permission, require

__all__ = [
    "PROFESSIONAL_SHEET",
    "SERVICE_SHEET",
    "import_professionals",
    "import_services",
    "professionals_template",
    "professionals_to_excel",
    "services_template",
    "services_to_excel",
]

SERVICE_SHEET = (
    Column("code", N_("Service code"), required=True),
    Column("name", N_("Name"), required=True),
    Column(
        "field_of_work",
        N_("Field of work"),
        kind="choice",
        required=True,
        choices={k.value: v for k, v in FIELD_OF_WORK_LABELS.items()},
    ),
    Column(
        "legal_nature",
        N_("Legal nature"),
        kind="choice",
        choices={k.value: v for k, v in LEGAL_NATURE_LABELS.items()},
    ),
    Column("organisation", N_("Parent organisation")),
    Column("asset_id", N_("Place on the map (id)"), kind="int", minimum=1),
    Column("catchment", N_("Catchment area code"), kind="code"),
    Column("is_active", N_("Active"), kind="bool"),
)
PROFESSIONAL_SHEET = (
    Column("code", N_("Professional code"), required=True),
    Column("display_name", N_("Name")),
    Column("role", N_("Profession"), required=True),
    Column("service", N_("Service code"), kind="code", required=True),
    Column("starts_on", N_("Active from"), kind="date"),
    Column("ends_on", N_("Active until"), kind="date"),
    Column("is_active", N_("Active"), kind="bool"),
)


def _unit_codes(session: Session) -> dict[str, int]:
    """Area code -> id; catchment areas win over neighbourhoods and districts of the same code."""
    order = {"district": 0, "neighbourhood": 1, "catchment": 2}
    units = sorted(
        session.execute(select(TerritoryUnit.kind, TerritoryUnit.code, TerritoryUnit.id)).all(),
        key=lambda row: order.get(row[0], 3),
    )
    return {code: uid for _kind, code, uid in units}


def _service_sheet(session: Session | None) -> Sheet:
    if session is None:
        return Sheet(N_("Services"), SERVICE_SHEET)
    frame = services_frame(session)
    return Sheet(
        N_("Services"),
        SERVICE_SHEET,
        frame_for(frame.to_dict("records"), SERVICE_SHEET),
        lists={"catchment": sorted(_unit_codes(session))},
    )


def _professional_sheet(session: Session | None) -> Sheet:
    if session is None:
        return Sheet(N_("Professionals"), PROFESSIONAL_SHEET)
    frame = professionals_frame(session)
    services = session.scalars(select(Service.code).order_by(Service.code)).all()
    return Sheet(
        N_("Professionals"),
        PROFESSIONAL_SHEET,
        frame_for(frame.to_dict("records"), PROFESSIONAL_SHEET),
        lists={"service": list(services)},
    )


def services_template() -> bytes:
    """The empty services workbook (headers in the active language, drop-down lists).

    Examples
    --------
    >>> services_template()[:2]
    b'PK'
    """
    return sheets_to_excel([_service_sheet(None)])


def services_to_excel(session: Session, *, actor: Actor) -> bytes:
    """Every service as the services workbook (the template, filled).

    Examples
    --------
    >>> services_to_excel(session, actor=admin)[:2]  # doctest: +SKIP
    b'PK'
    """
    require(actor, Permission.READ_AGGREGATES)
    return sheets_to_excel([_service_sheet(session)])


def professionals_template() -> bytes:
    """The empty professionals workbook.

    Examples
    --------
    >>> professionals_template()[:2]
    b'PK'
    """
    return sheets_to_excel([_professional_sheet(None)])


def professionals_to_excel(session: Session, *, actor: Actor) -> bytes:
    """Every professional as the professionals workbook.

    Examples
    --------
    >>> professionals_to_excel(session, actor=admin)[:2]  # doctest: +SKIP
    b'PK'
    """
    require(actor, Permission.EDIT_SERVICES)
    return sheets_to_excel([_professional_sheet(session)])


def import_services(
    session: Session,
    source: IO[bytes] | bytes,
    *,
    actor: Actor,
    path: str = "services.xlsx",
    skip_bad_rows: bool = False,
) -> RegisterImport:
    """Create or update services from a workbook; all or nothing unless ``skip_bad_rows``.

    Examples
    --------
    >>> import_services(session, open("services.xlsx", "rb"), actor=admin)  # doctest: +SKIP
    RegisterImport(created=2, updated=0, unchanged=0, skipped=[])
    """
    require(actor, Permission.EDIT_SERVICES)
    units = _unit_codes(session)
    rows = rows_from_excel(source, SERVICE_SHEET, path=path)

    def write(values: dict[str, Any]) -> Outcome:
        given = {k: v for k, v in values.items() if k in SERVICE_FIELDS}
        area = values.get("catchment")
        if area:
            if area not in units:
                raise CellError(
                    "catchment", _("There is no area with code {code}.").format(code=area)
                )
            given["catchment_id"] = units[area]
        elif "catchment" in values:
            given["catchment_id"] = None
        existing = session.scalar(select(Service).where(Service.code == values["code"]))
        if existing is None:
            save_service(session, actor=actor, values=given)
            return "created"
        before = existing.version
        save_service(session, actor=actor, values=given, service_id=existing.id)
        return "unchanged" if existing.version == before else "updated"

    return apply_rows(
        session, rows, write, path=path, columns=SERVICE_SHEET, skip_bad_rows=skip_bad_rows
    )


def import_professionals(
    session: Session,
    source: IO[bytes] | bytes,
    *,
    actor: Actor,
    path: str = "professionals.xlsx",
    skip_bad_rows: bool = False,
) -> RegisterImport:
    """Create or update professionals from a workbook; all or nothing unless ``skip_bad_rows``.

    Examples
    --------
    >>> import_professionals(session, open("staff.xlsx", "rb"), actor=admin)  # doctest: +SKIP
    RegisterImport(created=3, updated=0, unchanged=0, skipped=[])
    """
    require(actor, Permission.EDIT_SERVICES)
    services = dict(session.execute(select(Service.code, Service.id)).all())
    rows = rows_from_excel(source, PROFESSIONAL_SHEET, path=path)

    def write(values: dict[str, Any]) -> Outcome:
        given = {k: v for k, v in values.items() if k in PROFESSIONAL_FIELDS}
        if values["service"] not in services:
            raise CellError(
                "service",
                _("There is no service with code {code}; add it to the services first.").format(
                    code=values["service"]
                ),
            )
        given["service_id"] = services[values["service"]]
        given["display_name"] = given.get("display_name") or ""
        existing = session.scalar(select(Professional).where(Professional.code == values["code"]))
        if existing is None:
            save_professional(session, actor=actor, values=given)
            return "created"
        before = existing.version
        save_professional(session, actor=actor, values=given, professional_id=existing.id)
        return "unchanged" if existing.version == before else "updated"

    return apply_rows(
        session, rows, write, path=path, columns=PROFESSIONAL_SHEET, skip_bad_rows=skip_bad_rows
    )
