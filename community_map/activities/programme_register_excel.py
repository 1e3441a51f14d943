"""The programme register as an Excel workbook: export and all-or-nothing import.

One sheet, one row per measurement point (a programme without points has one row with the
point columns empty); the programme's columns repeat on each of its rows. Headers are
written in the active language and read in Catalan, Spanish or English. Importing an
exported file back changes nothing; a programme whose code exists is updated.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO, Any

import pandas as pd
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from community_map import i18n
from community_map._excel import write_table
from community_map.activities.programme_register_reads import measurement_points, programmes_frame
from community_map.activities.programme_register_writes import (
    PointRow,
    create_programme,
    points_from_rows,
    update_programme,
    validate_points,
)
from community_map.errors import ImportFileError, ValidationError
from community_map.i18n import N_
from community_map.i18n import gettext as _
from community_map.models import Programme, Service
from community_map.trust.permissions import Actor, Permission, require

__all__ = [
    "PROGRAMME_REGISTER_COLUMNS",
    "ProgrammeRegisterImport",
    "import_programmes",
    "programmes_to_excel",
]

#: Field → English header (translated when written, recognised in every language).
PROGRAMME_REGISTER_COLUMNS: dict[str, str] = {
    "code": N_("Programme code"),
    "name": N_("Programme name"),
    "starts_on": N_("Programme start"),
    "ends_on": N_("Programme end"),
    "lead_service": N_("Lead service code"),
    "notes": N_("Notes"),
    "point": N_("Measurement point"),
    "point_starts_on": N_("Point start"),
    "point_ends_on": N_("Point end"),
}


@dataclass(frozen=True)
class ProgrammeRegisterImport:
    """What an import did: programmes created, updated and left as they were."""

    created: int
    updated: int
    unchanged: int


def programmes_to_excel(session: Session) -> bytes:
    """Every programme with its measurement points as an .xlsx workbook (headers translated).

    Examples
    --------
    >>> programmes_to_excel(session)[:2]  # doctest: +SKIP
    b'PK'
    """
    services = dict(session.execute(select(Service.id, Service.code)).all())
    rows: list[list[Any]] = []
    for programme in programmes_frame(session).itertuples(index=False):
        head = [
            programme.code,
            programme.name,
            programme.starts_on,
            programme.ends_on,
            services.get(programme.lead_service_id, "") if programme.lead_service_id else "",
            programme.notes,
        ]
        points = measurement_points(session, int(programme.id))
        for point in points.itertuples(index=False) if not points.empty else [None]:
            tail = [None, None, None] if point is None else list(point)
            rows.append(head + tail)
    frame = pd.DataFrame(rows, columns=[_(label) for label in PROGRAMME_REGISTER_COLUMNS.values()])
    out = io.BytesIO()
    write_table(out, frame, sheet_name=_("Programmes"))
    return out.getvalue()


def _header_fields() -> dict[str, str]:
    known: dict[str, str] = {}
    for field, label in PROGRAMME_REGISTER_COLUMNS.items():
        for code in i18n.LANGUAGES:
            known[i18n.translations(code).gettext(label).strip().casefold()] = field
        known[label.casefold()] = field
    return known


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _read(source: IO[bytes], path: str) -> list[tuple[int, dict[str, Any]]]:
    try:
        book = load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise ImportFileError(_("This is not an Excel .xlsx workbook."), path=path) from exc
    sheet = book.worksheets[0]
    lines = sheet.iter_rows(values_only=True)
    header = next(lines, None) or ()
    known = _header_fields()
    fields = [known.get(_text(cell).casefold()) for cell in header]
    missing = [
        _(PROGRAMME_REGISTER_COLUMNS[f])
        for f in ("code", "name", "starts_on", "ends_on")
        if f not in fields
    ]
    if missing:
        raise ImportFileError(
            _("Add the columns {columns} to the first row (see the exported file).").format(
                columns=", ".join(missing)
            ),
            path=path,
            row=1,
        )
    rows = []
    for number, line in enumerate(lines, start=2):
        if all(_text(cell) == "" for cell in line):
            continue
        rows.append(
            (number, {f: cell for f, cell in zip(fields, line, strict=False) if f is not None})
        )
    book.close()
    return rows


def _date(value: object, *, path: str, row: int, field: str) -> dt.date:
    points = points_from_rows([{"name": "x", "starts_on": value, "ends_on": None}])
    first = points[0][1] if points else None
    if first is None:
        raise ImportFileError(
            _("Write a date here: a date cell or YYYY-MM-DD."),
            path=path,
            row=row,
            column=_(PROGRAMME_REGISTER_COLUMNS[field]),
        )
    return first


def import_programmes(
    session: Session, source: IO[bytes], *, actor: Actor, path: str = "programmes.xlsx"
) -> ProgrammeRegisterImport:
    """Import programmes and their points from a workbook, all or nothing; audited.

    Every row is checked before anything is written; the first problem is reported with
    its row and column. A programme whose code exists is updated (its points replaced)
    only when something differs.

    Examples
    --------
    >>> import_programmes(session, open("programmes.xlsx", "rb"), actor=actor)  # doctest: +SKIP
    ProgrammeRegisterImport(created=1, updated=0, unchanged=1)
    """
    require(actor, Permission.PLAN_ACTIVITIES)
    services = {code: sid for sid, code in session.execute(select(Service.id, Service.code))}
    plans: dict[str, dict[str, Any]] = {}
    for row, cells in _read(source, path):
        try:
            code = _text(cells.get("code"))
            if not code:
                raise ValidationError(_("Every row needs a programme code."))
            fields: dict[str, Any] = {
                "name": _text(cells.get("name")),
                "starts_on": _date(cells.get("starts_on"), path=path, row=row, field="starts_on"),
                "ends_on": _date(cells.get("ends_on"), path=path, row=row, field="ends_on"),
                "notes": _text(cells.get("notes")),
                "lead_service_id": None,
            }
            lead = _text(cells.get("lead_service"))
            if lead:
                if lead not in services:
                    raise ValidationError(
                        _("There is no service with code {code}.").format(code=lead)
                    )
                fields["lead_service_id"] = services[lead]
            plan = plans.setdefault(code, {**fields, "points": [], "row": row})
            if any(plan[k] != v for k, v in fields.items()):
                raise ValidationError(
                    _("The rows of programme {code} disagree: repeat the same values.").format(
                        code=code
                    )
                )
            points = points_from_rows(
                [
                    {
                        "name": cells.get("point"),
                        "starts_on": cells.get("point_starts_on"),
                        "ends_on": cells.get("point_ends_on"),
                    }
                ]
            )
            plan["points"].extend(points)
            validate_points(plan["points"], fields["starts_on"], fields["ends_on"])
        except ImportFileError:
            raise
        except ValidationError as exc:
            raise ImportFileError(str(exc), path=path, row=row) from exc
    created = updated = unchanged = 0
    for code, plan in plans.items():
        row = plan.pop("row")
        given: list[PointRow] = plan.pop("points")
        existing = session.scalar(select(Programme).where(Programme.code == code))
        try:
            if existing is None:
                create_programme(session, actor=actor, code=code, points=given, **plan)
                created += 1
                continue
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
            if dict(now) == plan and stored == validate_points(given, *_period(plan)):
                unchanged += 1
                continue
            update_programme(
                session,
                actor=actor,
                programme_id=existing.id,
                version=existing.version,
                points=given,
                **plan,
            )
            updated += 1
        except ImportFileError:
            raise
        except ValidationError as exc:
            raise ImportFileError(str(exc), path=path, row=row) from exc
    return ProgrammeRegisterImport(created, updated, unchanged)


def _period(plan: Mapping[str, Any]) -> tuple[dt.date, dt.date]:
    return plan["starts_on"], plan["ends_on"]
