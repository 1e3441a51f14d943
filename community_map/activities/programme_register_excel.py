"""The programme register as an Excel workbook: template, export and import.

One sheet, one row per measurement point (a programme without points has one row with the
point columns empty); the programme's columns repeat on each of its rows. Headers are
written in the active language and read in Catalan, Spanish or English. An import is all
or nothing unless bad rows may be skipped: then a programme with a bad row is left out
whole and its rows are reported. Importing an exported file back changes nothing; a
programme whose code exists is updated.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from community_map._registers import (
    CellError,
    Column,
    Outcome,
    ParsedRow,
    RegisterImport,
    RowProblem,
    Sheet,
    apply_rows,
    frame_for,
    rows_from_excel,
    sheets_to_excel,
)
from community_map.activities.programme_register_reads import measurement_points, programmes_frame
from community_map.activities.programme_register_writes import (
    PointRow,
    create_programme,
    update_programme,
    validate_points,
)
from community_map.i18n import N_
from community_map.i18n import gettext as _
from community_map.models import Programme, Service
from community_map.trust.permissions import Actor, Permission, require

__all__ = [
    "PROGRAMME_SHEET",
    "import_programmes",
    "programmes_template",
    "programmes_to_excel",
]

PROGRAMME_SHEET = (
    Column("code", N_("Programme code"), required=True),
    Column("name", N_("Programme name"), required=True),
    Column("starts_on", N_("Programme start"), kind="date", required=True),
    Column("ends_on", N_("Programme end"), kind="date", required=True),
    Column("lead_service", N_("Lead service code"), kind="code"),
    Column("notes", N_("Notes")),
    Column("point", N_("Measurement point")),
    Column("point_starts_on", N_("Point start"), kind="date"),
    Column("point_ends_on", N_("Point end"), kind="date"),
)
_PROGRAMME_FIELDS = ("name", "starts_on", "ends_on", "lead_service", "notes")


def _sheet(session: Session | None) -> Sheet:
    if session is None:
        return Sheet(N_("Programmes"), PROGRAMME_SHEET)
    services = dict(session.execute(select(Service.id, Service.code)).all())
    records: list[dict[str, Any]] = []
    for programme in programmes_frame(session).itertuples(index=False):
        head = {
            "code": programme.code,
            "name": programme.name,
            "starts_on": programme.starts_on,
            "ends_on": programme.ends_on,
            "lead_service": services.get(programme.lead_service_id)
            if programme.lead_service_id
            else None,
            "notes": programme.notes,
        }
        points = measurement_points(session, int(programme.id))
        if points.empty:
            records.append(head)
        for point in points.itertuples(index=False):
            records.append(
                {
                    **head,
                    "point": point.name,
                    "point_starts_on": point.starts_on,
                    "point_ends_on": point.ends_on,
                }
            )
    return Sheet(
        N_("Programmes"),
        PROGRAMME_SHEET,
        frame_for(records, PROGRAMME_SHEET),
        lists={"lead_service": sorted(services.values())},
    )


def programmes_template() -> bytes:
    """The empty programme workbook (headers in the active language).

    Examples
    --------
    >>> programmes_template()[:2]
    b'PK'
    """
    return sheets_to_excel([_sheet(None)])


def programmes_to_excel(session: Session, *, actor: Actor) -> bytes:
    """Every programme with its measurement points as an .xlsx workbook (headers translated).

    Examples
    --------
    >>> programmes_to_excel(session, actor=admin)[:2]  # doctest: +SKIP
    b'PK'
    """
    require(actor, Permission.READ_AGGREGATES)
    return sheets_to_excel([_sheet(session)])


def _grouped(rows: list[ParsedRow]) -> list[ParsedRow]:
    """One row per programme (at its first row) carrying all its points. A programme with a
    bad row is left out whole: each of its rows is reported."""
    by_code: dict[str, list[ParsedRow]] = {}
    out: list[ParsedRow] = []
    for row in rows:
        code = row.values.get("code")
        if code is None:
            out.append(row)
        else:
            by_code.setdefault(str(code), []).append(row)
    for code, group in by_code.items():
        head = group[0].values
        bad = next((r for r in group if r.problem is not None), None)
        if bad is None:
            bad = next(
                (
                    ParsedRow(r.row, {}, RowProblem(r.row, "", _disagree(code)))
                    for r in group[1:]
                    if any(r.values.get(f) != head.get(f) for f in _PROGRAMME_FIELDS)
                ),
                None,
            )
        if bad is not None:
            out.extend(
                r
                if r.row == bad.row
                else ParsedRow(
                    r.row,
                    {},
                    RowProblem(
                        r.row,
                        "",
                        _("Left out with programme {code} (see row {row}).").format(
                            code=code, row=bad.row
                        ),
                    ),
                )
                for r in group
            )
            out = [bad if r.row == bad.row else r for r in out]
            continue
        points = [
            {
                "name": r.values.get("point"),
                "starts_on": r.values.get("point_starts_on"),
                "ends_on": r.values.get("point_ends_on"),
            }
            for r in group
            if r.values.get("point")
        ]
        out.append(ParsedRow(group[0].row, {**head, "points": points}))
    return sorted(out, key=lambda r: r.row)


def _disagree(code: str) -> str:
    return _("The rows of programme {code} disagree: repeat the same values.").format(code=code)


def import_programmes(
    session: Session,
    source: IO[bytes] | bytes,
    *,
    actor: Actor,
    path: str = "programmes.xlsx",
    skip_bad_rows: bool = False,
) -> RegisterImport:
    """Import programmes and their points from a workbook; all or nothing unless
    ``skip_bad_rows``; audited.

    A programme whose code exists is updated (its points replaced) only when something
    differs.

    Examples
    --------
    >>> import_programmes(session, open("programmes.xlsx", "rb"), actor=actor)  # doctest: +SKIP
    RegisterImport(created=1, updated=0, unchanged=1, skipped=[])
    """
    require(actor, Permission.PLAN_ACTIVITIES)
    services = {code: sid for sid, code in session.execute(select(Service.id, Service.code))}

    def write(values: dict[str, Any]) -> Outcome:
        fields: dict[str, Any] = {
            "name": values["name"],
            "starts_on": values["starts_on"],
            "ends_on": values["ends_on"],
            "notes": values.get("notes") or "",
            "lead_service_id": None,
        }
        lead = values.get("lead_service")
        if lead:
            if lead not in services:
                raise CellError(
                    "lead_service", _("There is no service with code {code}.").format(code=lead)
                )
            fields["lead_service_id"] = services[lead]
        given: list[PointRow] = []
        for point in values["points"]:
            if point["starts_on"] is None or point["ends_on"] is None:
                raise CellError(
                    "point_starts_on" if point["starts_on"] is None else "point_ends_on",
                    _("Give the first and the last day of measurement point {name}.").format(
                        name=point["name"]
                    ),
                )
            given.append((str(point["name"]), point["starts_on"], point["ends_on"]))
        checked = validate_points(given, fields["starts_on"], fields["ends_on"])
        existing = session.scalar(select(Programme).where(Programme.code == values["code"]))
        if existing is None:
            create_programme(session, actor=actor, code=values["code"], points=given, **fields)
            return "created"
        stored = [
            (str(p.name), p.starts_on, p.ends_on)
            for p in measurement_points(session, existing.id).itertuples(index=False)
        ]
        now: Mapping[str, Any] = {
            "name": existing.name,
            "starts_on": existing.starts_on,
            "ends_on": existing.ends_on,
            "notes": existing.notes,
            "lead_service_id": existing.lead_service_id,
        }
        if dict(now) == fields and stored == checked:
            return "unchanged"
        update_programme(
            session,
            actor=actor,
            programme_id=existing.id,
            version=existing.version,
            points=given,
            **fields,
        )
        return "updated"

    rows = _grouped(rows_from_excel(source, PROGRAMME_SHEET, path=path))
    return apply_rows(
        session, rows, write, path=path, columns=PROGRAMME_SHEET, skip_bad_rows=skip_bad_rows
    )
