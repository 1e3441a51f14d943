"""The programme (sessions) and attendance to and from Excel workbooks, and to iCalendar.

Community educators plan their programme in spreadsheets. This module reads the
programme and the attendance from the database into plain tables
(:func:`programme_frame`, :func:`attendance_long_frame`), writes them as a workbook
with drop-down lists (:func:`programme_to_excel`, :func:`programme_template_excel`) or
as a calendar (:func:`programme_to_ical`), and reads a filled-in workbook back
(:func:`programme_from_excel`).

Nothing here writes to the database: the import validates the whole workbook and
returns normalised tables (or raises one :class:`ProgrammeImportError` listing every
problem), and the service layer writes them.

Workbook layout
---------------
``Programme`` sheet
    One row per session, columns :data:`PROGRAMME_COLUMNS` (headers in Catalan,
    Spanish or English). A session is identified by its action code, date, start,
    venue code and type.
``Attendance`` sheet (optional)
    One row per participant and session, columns :data:`ATTENDANCE_COLUMNS`.
Per-session attendance sheets (optional, any sheet name)
    Column A holds labels and column B values::

        row 1   Action code        | ACT-001
        row 2   Date               | 04/03/2025
        row 3   Start              | 17:00
        row 4   Venue code         | EQ-0001
        row 5   Type               | Workshop      (may be left empty)
        row 6   (empty)
        row 7   Participant code   | Status   | Walk-in
        row 8…  P-0001             | Attended | No

    The label rows may come in any order and the empty row may be left out; the
    participant table starts at the row whose first cell is "Participant code". The
    type may be left empty when only one session matches the other four values.
``Instructions`` sheet and the hidden ``lists`` sheet
    Ignored when reading.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from community_map import i18n
from community_map._excel import HEADER_FILL, HEADER_FONT
from community_map.activities.reads import SESSION_TYPE_LABELS
from community_map.errors import ImportFileError, ValidationError
from community_map.i18n import N_, ngettext
from community_map.i18n import gettext as _
from community_map.models import (
    Asset,
    Attendance,
    AttendanceStatus,
    CommunityAction,
    Participant,
    Professional,
    Service,
    SessionFacilitator,
    SessionPartner,
    SessionStatus,
    SessionType,
)
from community_map.models import Session as SessionRow

__all__ = [
    "ATTENDANCE_COLUMNS",
    "ATTENDANCE_IMPORT_COLUMNS",
    "ATTENDANCE_STATUS_LABELS",
    "PROGRAMME_COLUMNS",
    "SESSION_IMPORT_COLUMNS",
    "SESSION_STATUS_LABELS",
    "TIMEZONE",
    "ImportProblem",
    "ProgrammeImport",
    "ProgrammeImportError",
    "attendance_long_frame",
    "programme_frame",
    "programme_from_excel",
    "programme_template_excel",
    "programme_to_excel",
    "programme_to_ical",
    "session_uid",
]

PROGRAMME_COLUMNS = [
    "action_code", "action_title", "type", "title", "date", "start", "end", "venue_code",
    "venue", "facilitators", "partners", "capacity", "status", "cancel_reason", "notes",
]
ATTENDANCE_COLUMNS = [
    "action_code", "date", "start", "venue_code", "type", "participant_code", "status",
    "walk_in",
]
SESSION_IMPORT_COLUMNS = [
    "action_code", "type", "title", "starts_at", "ends_at", "venue_code", "facilitators",
    "partners", "capacity", "status", "cancel_reason", "notes", "row",
]
ATTENDANCE_IMPORT_COLUMNS = [
    "action_code", "starts_at", "venue_code", "type", "participant_code", "status", "walk_in",
    "row", "sheet",
]

TIMEZONE = "Europe/Madrid"
"""Time zone of the (naive, local) session times stored in the database."""

UID_DOMAIN = "community-map"
MAX_LISTED_PROBLEMS = 20
DATE_FORMAT = "DD/MM/YYYY"
TIME_FORMAT = "HH:MM"
LISTS_SHEET = "lists"
_EXTRA_VALIDATED_ROWS = 1000

SESSION_STATUS_LABELS: dict[SessionStatus, str] = {
    SessionStatus.PLANNED: N_("Planned"),
    SessionStatus.HELD: N_("Held"),
    SessionStatus.CANCELLED: N_("Cancelled"),
}

ATTENDANCE_STATUS_LABELS: dict[AttendanceStatus, str] = {
    AttendanceStatus.ATTENDED: N_("Attended"),
    AttendanceStatus.ABSENT: N_("Absent"),
    AttendanceStatus.EXCUSED: N_("Excused"),
}

_HEADER_LABELS: dict[str, str] = {
    "action_code": N_("Action code"),
    "action_title": N_("Action"),
    "type": N_("Type"),
    "title": N_("Title"),
    "date": N_("Date"),
    "start": N_("Start"),
    "end": N_("End"),
    "venue_code": N_("Venue code"),
    "venue": N_("Venue"),
    "facilitators": N_("Facilitators"),
    "partners": N_("Partner services"),
    "capacity": N_("Capacity"),
    "status": N_("Status"),
    "cancel_reason": N_("Cancellation reason"),
    "notes": N_("Notes"),
    "participant_code": N_("Participant code"),
    "walk_in": N_("Walk-in"),
}

_SHEET_LABELS: dict[str, str] = {
    "programme": N_("Programme"),
    "attendance": N_("Attendance"),
    "instructions": N_("Instructions"),
}

_YES_NO_LABELS: dict[bool, str] = {True: N_("Yes"), False: N_("No")}

# Words recognised in spreadsheets written by hand, in Catalan, Spanish and English. They
# are matched after folding case and accents and dropping articles (see ``_norm``); the
# catalogue translations of the labels above are recognised too.
_HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "action_code": ("codi accio", "codi de l'accio", "codigo accion", "codigo de la accion",
                    "action code", "action id"),
    "action_title": ("accio", "accion", "action", "titol de l'accio", "titulo de la accion",
                     "action title", "nom de l'accio", "nombre de la accion"),
    "type": ("tipus", "tipo", "type", "tipus de sessio", "tipo de sesion", "session type"),
    "title": ("titol", "titulo", "title", "titol de la sessio", "titulo de la sesion"),
    "date": ("data", "fecha", "date", "dia", "day"),
    "start": ("inici", "inicio", "start", "hora d'inici", "hora inici", "hora de inicio",
              "hora inicio", "start time", "comença", "empieza"),
    "end": ("fi", "final", "fin", "end", "hora de fi", "hora fi", "hora final", "hora de fin",
            "hora fin", "end time", "acaba"),
    "venue_code": ("codi espai", "codi de l'espai", "codi lloc", "codi del lloc",
                   "codigo espacio", "codigo del espacio", "codigo lugar", "codigo del lugar",
                   "venue code", "venue id"),
    "venue": ("espai", "lloc", "espacio", "lugar", "venue", "location", "ubicacio",
              "ubicacion"),
    "facilitators": ("dinamitzadors", "dinamitzadores", "facilitadors", "professionals",
                     "dinamizadores", "facilitadores", "profesionales", "facilitators",
                     "codis professionals", "codigos profesionales"),
    "partners": ("serveis col·laboradors", "col·laboradors", "entitats col·laboradores",
                 "servicios colaboradores", "colaboradores", "entidades colaboradoras",
                 "partners", "partner services", "services"),
    "capacity": ("aforament", "capacitat", "places", "aforo", "capacidad", "plazas",
                 "capacity"),
    "status": ("estat", "estado", "status", "state"),
    "cancel_reason": ("motiu de cancel·lacio", "motiu cancel·lacio",
                      "motiu de la cancel·lacio", "motivo de cancelacion",
                      "motivo cancelacion", "motivo de la cancelacion", "cancellation reason",
                      "cancel reason"),
    "notes": ("notes", "observacions", "notas", "observaciones", "comentaris", "comentarios",
              "comments"),
    "participant_code": ("codi participant", "codi de participant", "codi persona",
                         "participant", "participante", "codigo participante",
                         "codigo de participante", "participant code", "persona"),
    "walk_in": ("sense inscripcio", "espontani", "espontania", "sin inscripcion",
                "espontaneo", "espontanea", "walk in", "walkin"),
}

_SHEET_ALIASES: dict[str, tuple[str, ...]] = {
    "programme": ("programme", "program", "programa", "programacio", "programacion",
                  "sessions", "sesiones"),
    "attendance": ("attendance", "assistencia", "asistencia", "assistencies", "asistencias"),
    "instructions": ("instructions", "instruccions", "instrucciones", "help", "ajuda",
                     "ayuda", LISTS_SHEET),
}

_TYPE_ALIASES: dict[SessionType, tuple[str, ...]] = {
    SessionType.GROUP_DYNAMIC: ("dinamica grupal", "dinamica de grup", "dinamica de grupo",
                                "group dynamics"),
    SessionType.WORKSHOP: ("taller",),
    SessionType.CULTURAL_OUTING: ("sortida cultural", "salida cultural", "sortida", "salida",
                                  "outing"),
    SessionType.LEADERSHIP: ("lideratge", "lideratge comunitari", "liderazgo",
                             "liderazgo comunitario", "community leadership"),
    SessionType.INFORMATIVE_GROUP: ("grup informatiu", "grupo informativo",
                                    "sessio informativa", "sesion informativa"),
    SessionType.COLLECTIVE_ADVICE: ("assessorament col·lectiu", "asesoramiento colectivo"),
    SessionType.COORDINATION_MEETING: ("reunio de coordinacio", "reunion de coordinacion",
                                       "coordinacio", "coordinacion", "coordination",
                                       "coordination meeting"),
    SessionType.OTHER: ("altres", "altre", "otros", "otro", "other"),
}

_SESSION_STATUS_ALIASES: dict[SessionStatus, tuple[str, ...]] = {
    SessionStatus.PLANNED: ("prevista", "previst", "planificada", "programada", "pendent",
                            "pendiente", "scheduled"),
    SessionStatus.HELD: ("realitzada", "feta", "celebrada", "realizada", "hecha", "done"),
    SessionStatus.CANCELLED: ("cancel·lada", "anul·lada", "cancelada", "anulada", "canceled"),
}

_ATTENDANCE_STATUS_ALIASES: dict[AttendanceStatus, tuple[str, ...]] = {
    AttendanceStatus.ATTENDED: ("assisteix", "ha assistit", "assistit", "present", "presente",
                                "asiste", "asistio", "ha asistido"),
    AttendanceStatus.ABSENT: ("absent", "no assisteix", "no ha assistit", "ausente",
                              "no asiste", "no asistio", "no ha asistido"),
    AttendanceStatus.EXCUSED: ("justificada", "justificat", "excusat", "excusada",
                               "absencia justificada", "ausencia justificada", "justificado",
                               "excusado"),
}

_YES_NO_ALIASES: dict[bool, tuple[str, ...]] = {
    True: ("si", "yes", "y", "s", "x", "true", "1", "cert", "verdadero"),
    False: ("no", "n", "false", "0", "fals", "falso"),
}

_STOP_WORDS = frozenset({"de", "del", "d", "l", "la", "el", "les", "los", "las", "of", "the"})
_BLOCK_KEYS = ("action_code", "action_title", "date", "start", "venue_code", "venue", "type")
_DATE_TEXT = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO_DATE_TEXT = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_TIME_TEXT = re.compile(r"^(\d{1,2})(?:[:.h](\d{2})(?::(\d{2}))?|h)$")
_CODE_SEPARATORS = re.compile(r"[;,\n]")

SessionKey = tuple[str, dt.date, dt.time, str, str]
"""A session's identity in a workbook: action code, date, start, venue code, type."""


# --------------------------------------------------------------------------------------------
# Reading the database


def _session_ids(
    *,
    start: dt.date | None,
    end: dt.date | None,
    action_ids: Iterable[int] | None,
    session_ids: Iterable[int] | None = None,
) -> Select[Any]:
    query = select(SessionRow.id)
    if start is not None:
        query = query.where(SessionRow.starts_at >= dt.datetime.combine(start, dt.time.min))
    if end is not None:
        query = query.where(
            SessionRow.starts_at < dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min)
        )
    if action_ids is not None:
        query = query.where(SessionRow.action_id.in_(list(action_ids)))
    if session_ids is not None:
        query = query.where(SessionRow.id.in_(list(session_ids)))
    return query


def _hhmm(value: dt.datetime | dt.time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"


def programme_frame(
    session: Session,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    action_ids: Iterable[int] | None = None,
    session_ids: Iterable[int] | None = None,
) -> pd.DataFrame:
    """Return the programme: one row per session, sorted by start.

    Parameters
    ----------
    session
        An open database session (only read from).
    start, end
        Keep the sessions that start on these days or between them (both included).
    action_ids
        Keep the sessions of these community actions.
    session_ids
        Keep these sessions.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`PROGRAMME_COLUMNS` and ``session_id`` (the database id, not
        exported to Excel): ``date`` is a :class:`datetime.date`,
        ``start`` and ``end`` are ``"HH:MM"`` text, ``type`` and ``status`` are codes
        (:class:`~community_map.models.SessionType` and
        :class:`~community_map.models.SessionStatus` values), ``venue_code`` is the
        venue asset's ``source_id``, ``facilitators`` and ``partners`` are professional
        and service codes joined with ``"; "`` (sorted), ``capacity`` is ``Int64``.
        Missing text is ``""``.
    """
    ids = _session_ids(start=start, end=end, action_ids=action_ids, session_ids=session_ids)
    rows = session.execute(
        select(
            SessionRow.id, CommunityAction.code, CommunityAction.title, SessionRow.type,
            SessionRow.title, SessionRow.starts_at, SessionRow.ends_at, Asset.source_id,
            Asset.name, SessionRow.capacity, SessionRow.status, SessionRow.cancel_reason,
            SessionRow.notes,
        )
        .outerjoin(CommunityAction, CommunityAction.id == SessionRow.action_id)
        .outerjoin(Asset, Asset.id == SessionRow.venue_asset_id)
        .where(SessionRow.id.in_(ids))
    ).all()
    facilitators: dict[int, list[str]] = {}
    for session_id, code in session.execute(
        select(SessionFacilitator.session_id, Professional.code)
        .join(Professional, Professional.id == SessionFacilitator.professional_id)
        .where(SessionFacilitator.session_id.in_(ids))
    ):
        facilitators.setdefault(session_id, []).append(code)
    partners: dict[int, list[str]] = {}
    for session_id, code in session.execute(
        select(SessionPartner.session_id, Service.code)
        .join(Service, Service.id == SessionPartner.service_id)
        .where(SessionPartner.session_id.in_(ids))
    ):
        partners.setdefault(session_id, []).append(code)

    records = []
    for (sid, action_code, action_title, stype, title, starts_at, ends_at, venue_code,
         venue, capacity, status, cancel_reason, notes) in rows:
        records.append({
            "action_code": action_code or "",
            "action_title": action_title or "",
            "type": stype,
            "title": title or "",
            "date": starts_at.date(),
            "start": _hhmm(starts_at),
            "end": _hhmm(ends_at),
            "venue_code": venue_code or "",
            "venue": venue or "",
            "facilitators": "; ".join(sorted(facilitators.get(sid, []))),
            "partners": "; ".join(sorted(partners.get(sid, []))),
            "capacity": capacity,
            "status": status,
            "cancel_reason": cancel_reason or "",
            "notes": notes or "",
            "session_id": sid,
            "_sort": (starts_at, action_code or "", venue_code or "", stype, sid),
        })
    records.sort(key=lambda r: r["_sort"])
    frame = pd.DataFrame([{k: v for k, v in r.items() if k != "_sort"} for r in records],
                         columns=[*PROGRAMME_COLUMNS, "session_id"])
    frame["session_id"] = frame["session_id"].astype("int64")
    frame["capacity"] = pd.array(
        [None if pd.isna(v) else int(v) for v in frame["capacity"]], dtype="Int64"
    )
    return frame.reset_index(drop=True)


def attendance_long_frame(
    session: Session,
    *,
    session_ids: Iterable[int] | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    action_ids: Iterable[int] | None = None,
) -> pd.DataFrame:
    """Return the attendance: one row per attendance record.

    Parameters
    ----------
    session
        An open database session (only read from).
    session_ids
        Keep the attendance of these sessions.
    start, end, action_ids
        Keep the attendance of the sessions :func:`programme_frame` keeps with the same
        filters.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`ATTENDANCE_COLUMNS`; the first five identify the session as in
        :func:`programme_frame`; ``status`` is an
        :class:`~community_map.models.AttendanceStatus` value and ``walk_in`` a bool.
        Sorted by session start, then participant code.
    """
    ids = _session_ids(start=start, end=end, action_ids=action_ids, session_ids=session_ids)
    rows = session.execute(
        select(
            CommunityAction.code, SessionRow.starts_at, Asset.source_id, SessionRow.type,
            Participant.code, Attendance.status, Attendance.walk_in, SessionRow.id,
        )
        .join(SessionRow, SessionRow.id == Attendance.session_id)
        .join(Participant, Participant.id == Attendance.participant_id)
        .outerjoin(CommunityAction, CommunityAction.id == SessionRow.action_id)
        .outerjoin(Asset, Asset.id == SessionRow.venue_asset_id)
        .where(Attendance.session_id.in_(ids))
    ).all()
    ordered = sorted(rows, key=lambda r: (r[1], r[0] or "", r[2] or "", r[3], r[7], r[4]))
    frame = pd.DataFrame(
        [
            {
                "action_code": action_code or "",
                "date": starts_at.date(),
                "start": _hhmm(starts_at),
                "venue_code": venue_code or "",
                "type": stype,
                "participant_code": participant,
                "status": status,
                "walk_in": bool(walk_in),
            }
            for action_code, starts_at, venue_code, stype, participant, status, walk_in, _sid
            in ordered
        ],
        columns=ATTENDANCE_COLUMNS,
    )
    frame["walk_in"] = frame["walk_in"].astype(bool)
    return frame


# --------------------------------------------------------------------------------------------
# Values and labels


def _norm(text: object) -> str:
    """Fold case and accents, keep letters and digits, drop articles: a matching key."""
    decomposed = unicodedata.normalize("NFKD", str(text)).casefold()
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(w for w in re.split(r"[^0-9a-z]+", plain) if w and w not in _STOP_WORDS)


def _is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, list | tuple | set | dict):
        return not value
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return False


def _text(value: object) -> str:
    """Return a cell's value as stripped text (``""`` for an empty cell)."""
    if _is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return str(value).strip()


def _translations(label: str) -> set[str]:
    """Return ``label`` and its translations in every product language."""
    return {label} | {i18n.translations(code).gettext(label) for code in i18n.LANGUAGES}


def _lookup(
    aliases: dict[Any, tuple[str, ...]], labels: dict[Any, str], codes: bool = True
) -> dict[str, Any]:
    """Build a matching table: built-in aliases, then codes, then catalogue labels."""
    table: dict[str, Any] = {}
    for value, words in aliases.items():
        for word in words:
            table[_norm(word)] = value
    for value, label in labels.items():
        if codes:
            table[_norm(value)] = value
        for text in _translations(label):
            table[_norm(text)] = value
    table.pop("", None)
    return table


@dataclass(frozen=True)
class _Lookups:
    headers: dict[str, str]
    sheets: dict[str, str]
    types: dict[str, SessionType]
    session_statuses: dict[str, SessionStatus]
    attendance_statuses: dict[str, AttendanceStatus]
    yes_no: dict[str, bool]


@functools.cache
def _lookups() -> _Lookups:
    return _Lookups(
        # column names such as ``venue_code`` are accepted as headers too
        headers=_lookup(_HEADER_ALIASES, _HEADER_LABELS),
        sheets=_lookup(_SHEET_ALIASES, _SHEET_LABELS, codes=False),
        types=_lookup(_TYPE_ALIASES, SESSION_TYPE_LABELS),
        session_statuses=_lookup(_SESSION_STATUS_ALIASES, SESSION_STATUS_LABELS),
        attendance_statuses=_lookup(_ATTENDANCE_STATUS_ALIASES, ATTENDANCE_STATUS_LABELS),
        yes_no=_lookup(_YES_NO_ALIASES, _YES_NO_LABELS, codes=False),
    )


def _type_label(value: object) -> str:
    try:
        return _(SESSION_TYPE_LABELS[SessionType(str(value))])
    except ValueError:
        return _text(value)


def _session_status_label(value: object) -> str:
    try:
        return _(SESSION_STATUS_LABELS[SessionStatus(str(value))])
    except ValueError:
        return _text(value)


def _attendance_status_label(value: object) -> str:
    try:
        return _(ATTENDANCE_STATUS_LABELS[AttendanceStatus(str(value))])
    except ValueError:
        return _text(value)


class _InvalidValueError(Exception):
    """A cell's value cannot be read; the message says why (already translated)."""


def _parse_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    match = _DATE_TEXT.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
    elif match := _ISO_DATE_TEXT.match(text):
        year, month, day = (int(g) for g in match.groups())
    else:
        raise _InvalidValueError(
            _("{value!r} is not a date; write it as dd/mm/yyyy.").format(value=text)
        )
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise _InvalidValueError(
            _("{value!r} is an impossible date: that day does not exist.").format(value=text)
        ) from None


def _round_to_minute(value: dt.time) -> dt.time:
    seconds = value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
    minutes = min(round(seconds / 60), 24 * 60 - 1)
    return dt.time(minutes // 60, minutes % 60)


def _parse_time(value: object) -> dt.time:
    if isinstance(value, dt.datetime):
        return _round_to_minute(value.time())
    if isinstance(value, dt.time):
        return _round_to_minute(value)
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value < 1:
        return _round_to_minute(
            (dt.datetime.min + dt.timedelta(days=float(value))).time()
        )
    text = _text(value)
    match = _TIME_TEXT.match(text)
    if not match:
        raise _InvalidValueError(
            _("{value!r} is not a time; write it as HH:MM.").format(value=text)
        )
    hour, minute, second = (int(g) if g else 0 for g in match.groups())
    if hour > 23 or minute > 59 or second > 59:
        raise _InvalidValueError(
            _("{value!r} is an impossible time.").format(value=text)
        )
    return _round_to_minute(dt.time(hour, minute, second))


def _parse_capacity(value: object) -> int | None:
    if _is_blank(value):
        return None
    number: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str) and re.fullmatch(r"\d+", value.strip()):
        number = float(value.strip())
    if number is None or not number.is_integer() or number < 0:
        raise _InvalidValueError(
            _("The capacity {value!r} is not a whole number of 0 or more.").format(
                value=_text(value))
        )
    return int(number)


def _parse_choice(value: object, table: dict[str, Any], allowed: Sequence[str]) -> Any:
    if isinstance(value, bool) and value in table.values():
        return value
    found = table.get(_norm(_text(value)))
    if found is None:
        raise _InvalidValueError(
            _("Unknown value {value!r}; use one of: {allowed}.").format(
                value=_text(value), allowed=", ".join(allowed))
        )
    return found


def _split_codes(value: object) -> list[str]:
    codes: list[str] = []
    for part in _CODE_SEPARATORS.split(_text(value)):
        code = part.strip()
        if code and code not in codes:
            codes.append(code)
    return codes


class _Codes:
    """Known codes; a code that differs only in case or spaces resolves to the known one."""

    def __init__(self, known: Iterable[str]) -> None:
        self.exact = {str(code) for code in known}
        self.folded: dict[str, set[str]] = {}
        for code in self.exact:
            self.folded.setdefault(code.strip().casefold(), set()).add(code)

    def resolve(self, code: str) -> str | None:
        if code in self.exact:
            return code
        matches = self.folded.get(code.strip().casefold(), set())
        return next(iter(matches)) if len(matches) == 1 else None


# --------------------------------------------------------------------------------------------
# Writing workbooks


def _cell_value(value: object) -> object:
    if _is_blank(value):
        return None
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if hasattr(value, "item"):
        return value.item()
    return value


def _excel_date(value: object) -> object:
    if _is_blank(value):
        return None
    try:
        return _parse_date(value)
    except _InvalidValueError:
        return _text(value)


def _excel_time(value: object) -> object:
    if _is_blank(value):
        return None
    try:
        return _parse_time(value)
    except _InvalidValueError:
        return _text(value)


def _codes_text(value: object) -> str:
    if isinstance(value, list | tuple | set):
        return "; ".join(str(v) for v in value)
    return _text(value)


@dataclass
class _ListsSheet:
    """The hidden sheet holding the options of the drop-down lists, one column each."""

    sheet: Any
    ranges: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, title: str, options: Sequence[str]) -> str:
        column = get_column_letter(len(self.ranges) + 1)
        self.sheet[f"{column}1"] = title
        for index, option in enumerate(options, start=2):
            self.sheet[f"{column}{index}"] = option
        self.ranges[name] = (
            f"={self.sheet.title}!${column}$2:${column}${len(options) + 1}"
        )
        return self.ranges[name]


def _lists_sheet(workbook: Workbook) -> _ListsSheet:
    sheet = workbook.create_sheet(LISTS_SHEET)
    sheet.sheet_state = "hidden"
    lists = _ListsSheet(sheet)
    lists.add("type", _("Type"), [_(label) for label in SESSION_TYPE_LABELS.values()])
    lists.add("status", _("Status"), [_(label) for label in SESSION_STATUS_LABELS.values()])
    lists.add("attendance_status", _("Attendance"),
              [_(label) for label in ATTENDANCE_STATUS_LABELS.values()])
    lists.add("walk_in", _("Walk-in"), [_(label) for label in _YES_NO_LABELS.values()])
    return lists


def _list_validation(formula: str, column: str, last_row: int) -> DataValidation:
    validation = DataValidation(
        type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
        errorTitle=_("Value not in the list"),
        error=_("Choose a value from the drop-down list."),
    )
    validation.add(f"{column}2:{column}{last_row}")
    return validation


def _write_table_sheet(
    sheet: Any,
    columns: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    lists: _ListsSheet,
    choices: dict[str, str],
) -> None:
    """Fill ``sheet`` with a styled header, the rows, formats, widths and drop-downs."""
    sheet.append([_(_HEADER_LABELS[c]) for c in columns])
    count = 0
    for row in rows:
        sheet.append([_cell_value(v) for v in row])
        count += 1
    last_row = count + 1 + _EXTRA_VALIDATED_ROWS
    for cell in sheet[1]:
        cell.fill = HEADER_FILL
        cell.font = HEADER_FONT
        cell.alignment = Alignment(vertical="center")
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        widths = [len(str(sheet.cell(1, index).value))]
        for (cell,) in sheet.iter_rows(min_row=2, max_row=count + 1, min_col=index,
                                       max_col=index):
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text, never a formula
            if column == "date":
                cell.number_format = DATE_FORMAT
            elif column in {"start", "end"}:
                cell.number_format = TIME_FORMAT
            if len(widths) <= 500:
                widths.append(len(DATE_FORMAT) if column == "date" else
                              len(TIME_FORMAT) if column in {"start", "end"} else
                              len(str(cell.value or "")))
        width = min(50, max(9, max(widths) + 2))
        sheet.column_dimensions[letter].width = width
        if column in choices:
            sheet.add_data_validation(
                _list_validation(lists.ranges[choices[column]], letter, last_row)
            )
        elif column == "capacity":
            whole = DataValidation(
                type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                showErrorMessage=True, errorTitle=_("Not a whole number"),
                error=_("Write a whole number of 0 or more."),
            )
            whole.add(f"{letter}2:{letter}{last_row}")
            sheet.add_data_validation(whole)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"


def _programme_rows(programme: pd.DataFrame) -> Iterable[list[object]]:
    missing = [c for c in PROGRAMME_COLUMNS if c not in programme.columns]
    if missing:
        raise ValidationError(
            _("The programme table lacks the columns {columns}.").format(
                columns=", ".join(missing))
        )
    for record in programme[PROGRAMME_COLUMNS].to_dict("records"):
        yield [
            _text(record["action_code"]), _text(record["action_title"]),
            _type_label(record["type"]), _text(record["title"]), _excel_date(record["date"]),
            _excel_time(record["start"]), _excel_time(record["end"]),
            _text(record["venue_code"]), _text(record["venue"]),
            _codes_text(record["facilitators"]), _codes_text(record["partners"]),
            _cell_value(record["capacity"]), _session_status_label(record["status"]),
            _text(record["cancel_reason"]), _text(record["notes"]),
        ]


def _attendance_rows(attendance: pd.DataFrame) -> Iterable[list[object]]:
    missing = [c for c in ATTENDANCE_COLUMNS if c not in attendance.columns]
    if missing:
        raise ValidationError(
            _("The attendance table lacks the columns {columns}.").format(
                columns=", ".join(missing))
        )
    for record in attendance[ATTENDANCE_COLUMNS].to_dict("records"):
        walk_in = record["walk_in"]
        yield [
            _text(record["action_code"]), _excel_date(record["date"]),
            _excel_time(record["start"]), _text(record["venue_code"]),
            _type_label(record["type"]), _text(record["participant_code"]),
            _attendance_status_label(record["status"]),
            None if _is_blank(walk_in) else _(_YES_NO_LABELS[bool(walk_in)]),
        ]


def _write_instructions(workbook: Workbook) -> None:
    sheet = workbook.create_sheet(_(_SHEET_LABELS["instructions"]))
    programme_name = _(_SHEET_LABELS["programme"])
    attendance_name = _(_SHEET_LABELS["attendance"])
    required = ", ".join(_(_HEADER_LABELS[c]) for c in ("type", "date", "start", "end"))
    bold = Font(bold=True)
    lines: list[list[object]] = [
        [_("How to fill in this workbook")],
        [],
        [_("Write one row per session in the sheet {sheet}. Required columns: "
           "{columns}.").format(sheet=programme_name, columns=required)],
        [_("Write dates as dd/mm/yyyy (text or Excel dates) and times as HH:MM.")],
        [_("Choose the type and the status from the drop-down lists; codes and labels in "
           "Catalan, Spanish or English are accepted too. An empty status means planned.")],
        [_("Codes of actions, venues, facilitators, partner services and participants must "
           "exist in community_map. Separate several facilitators or partner services with "
           "a semicolon (;).")],
        [_("Column headers may be in Catalan, Spanish or English. The action and venue "
           "names are only shown for reference: the codes count.")],
        [_("A session is identified by its action code, date, start, venue code and type; "
           "two rows may not share all five.")],
        [_("Nothing is imported if any row has a problem: the message lists every problem "
           "with its sheet, row and column.")],
        [],
        [_("Example row of the sheet {sheet}:").format(sheet=programme_name)],
    ]
    for line in lines:
        sheet.append(line)
    sheet["A1"].font = Font(bold=True, size=14)
    header_row = sheet.max_row + 1
    example_date = dt.date(2025, 3, 4)
    example_time = dt.time(17, 0)
    sheet.append([_(_HEADER_LABELS[c]) for c in PROGRAMME_COLUMNS])
    sheet.append([
        "ACT-001", _("Cooking together"), _(SESSION_TYPE_LABELS[SessionType.WORKSHOP]),
        _("Seasonal recipes"), example_date, example_time, dt.time(19, 0), "EQ-0001",
        _("Neighbourhood civic centre"), "PRO-001; PRO-002", "SRV-001", 20,
        _(SESSION_STATUS_LABELS[SessionStatus.PLANNED]), "", "",
    ])
    for cell in sheet[header_row]:
        cell.fill = HEADER_FILL
        cell.font = HEADER_FONT
    sheet.cell(header_row + 1, PROGRAMME_COLUMNS.index("date") + 1).number_format = DATE_FORMAT
    for name in ("start", "end"):
        sheet.cell(header_row + 1, PROGRAMME_COLUMNS.index(name) + 1).number_format = TIME_FORMAT

    more: list[list[object]] = [
        [],
        [_("Attendance: fill in the sheet {sheet} (one row per participant and session), or "
           "add one sheet per session, with any name, laid out exactly like this:").format(
            sheet=attendance_name)],
        [_("Column A holds the labels and column B the values. The type may be left empty "
           "when only one session matches the other values. The participant table starts "
           "at the row whose first cell is {label!r}; walk-in may be left empty (No).").format(
            label=_(_HEADER_LABELS["participant_code"]))],
        [_("Each attendance row must refer to a session of the sheet {sheet}.").format(
            sheet=programme_name)],
        [],
    ]
    for line in more:
        sheet.append(line)
    block_start = sheet.max_row + 1
    block: list[list[object]] = [
        [_(_HEADER_LABELS["action_code"]), "ACT-001"],
        [_(_HEADER_LABELS["date"]), example_date],
        [_(_HEADER_LABELS["start"]), example_time],
        [_(_HEADER_LABELS["venue_code"]), "EQ-0001"],
        [_(_HEADER_LABELS["type"]), _(SESSION_TYPE_LABELS[SessionType.WORKSHOP])],
        [],
        [_(_HEADER_LABELS[c]) for c in ("participant_code", "status", "walk_in")],
        ["P-0001", _(ATTENDANCE_STATUS_LABELS[AttendanceStatus.ATTENDED]),
         _(_YES_NO_LABELS[False])],
        ["P-0002", _(ATTENDANCE_STATUS_LABELS[AttendanceStatus.EXCUSED]),
         _(_YES_NO_LABELS[False])],
    ]
    for line in block:
        sheet.append(line)
    sheet.cell(block_start + 1, 2).number_format = DATE_FORMAT
    sheet.cell(block_start + 2, 2).number_format = TIME_FORMAT
    for offset in range(5):
        sheet.cell(block_start + offset, 1).font = bold
    for cell in sheet[block_start + 6]:
        cell.fill = HEADER_FILL
        cell.font = HEADER_FONT
    sheet.column_dimensions["A"].width = 22
    for letter in "BCDEFGHIJKLMNO":
        sheet.column_dimensions[letter].width = 16


def programme_to_excel(
    programme: pd.DataFrame,
    attendance: pd.DataFrame | None = None,
    *,
    language: str = "en",
) -> bytes:
    """Write the programme (and the attendance) as an Excel workbook with drop-down lists.

    Parameters
    ----------
    programme
        A table with the columns :data:`PROGRAMME_COLUMNS`, as from
        :func:`programme_frame`.
    attendance
        A table with the columns :data:`ATTENDANCE_COLUMNS`, as from
        :func:`attendance_long_frame`; ``None`` leaves the attendance sheet empty.
    language
        Language of the sheet names, headers and labels: ``ca``, ``es`` or ``en``.

    Returns
    -------
    bytes
        An ``.xlsx`` workbook with the sheets Programme, Attendance and Instructions
        (translated) and a hidden ``lists`` sheet with the drop-down options. Dates are
        Excel dates shown as dd/mm/yyyy and times Excel times shown as HH:MM; type,
        status and walk-in are translated labels chosen from drop-down lists.
        :func:`programme_from_excel` reads it back.
    """
    with i18n.language(language):
        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.title = _(_SHEET_LABELS["programme"])[:31]
        lists = _lists_sheet(workbook)
        _write_table_sheet(sheet, PROGRAMME_COLUMNS, _programme_rows(programme), lists=lists,
                           choices={"type": "type", "status": "status"})
        attendance_sheet = workbook.create_sheet(_(_SHEET_LABELS["attendance"])[:31], 1)
        _write_table_sheet(
            attendance_sheet, ATTENDANCE_COLUMNS,
            _attendance_rows(attendance) if attendance is not None else [], lists=lists,
            choices={"type": "type", "status": "attendance_status", "walk_in": "walk_in"},
        )
        _write_instructions(workbook)
        names = workbook.sheetnames
        workbook.move_sheet(LISTS_SHEET, offset=len(names) - 1 - names.index(LISTS_SHEET))
        workbook.active = 0
        buffer = io.BytesIO()
        workbook.save(buffer)
    return buffer.getvalue()


def programme_template_excel(*, language: str = "en") -> bytes:
    """Return an empty programme workbook to fill in, with drop-downs and instructions.

    Parameters
    ----------
    language
        Language of the sheet names, headers and labels: ``ca``, ``es`` or ``en``.

    Returns
    -------
    bytes
        The workbook of :func:`programme_to_excel` with no sessions and no attendance;
        its Instructions sheet explains the columns, shows an example row and the
        layout of a per-session attendance sheet.
    """
    return programme_to_excel(
        pd.DataFrame(columns=PROGRAMME_COLUMNS), pd.DataFrame(columns=ATTENDANCE_COLUMNS),
        language=language,
    )


# --------------------------------------------------------------------------------------------
# Reading workbooks


@dataclass(frozen=True)
class ImportProblem:
    """One problem of a workbook: where it is and what is wrong.

    Attributes
    ----------
    sheet
        The sheet's name.
    row
        1-based row number as the spreadsheet shows it, or ``None`` for a sheet-wide
        problem (e.g. a missing column).
    column
        The column header as written in the sheet (or the label of a per-session sheet),
        or ``None``.
    reason
        What is wrong (translated).
    """

    sheet: str
    row: int | None
    column: str | None
    reason: str

    def describe(self) -> str:
        """Return the problem as one line naming sheet, row and column."""
        if self.row is not None and self.column is not None:
            return _("sheet {sheet!r}, row {row}, column {column!r}: {reason}").format(
                sheet=self.sheet, row=self.row, column=self.column, reason=self.reason)
        if self.row is not None:
            return _("sheet {sheet!r}, row {row}: {reason}").format(
                sheet=self.sheet, row=self.row, reason=self.reason)
        if self.column is not None:
            return _("sheet {sheet!r}, column {column!r}: {reason}").format(
                sheet=self.sheet, column=self.column, reason=self.reason)
        return _("sheet {sheet!r}: {reason}").format(sheet=self.sheet, reason=self.reason)


class ProgrammeImportError(ImportFileError):
    """A programme workbook has problems; :attr:`problems` lists every one of them.

    The message lists the first :data:`MAX_LISTED_PROBLEMS` problems and counts the rest.
    """

    def __init__(self, problems: Sequence[ImportProblem], *, path: str) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        lines = [ngettext(
            "The workbook has {count} problem; nothing was imported.",
            "The workbook has {count} problems; nothing was imported.", count,
        ).format(count=count)]
        lines += [f"- {p.describe()}" for p in self.problems[:MAX_LISTED_PROBLEMS]]
        if count > MAX_LISTED_PROBLEMS:
            lines.append(_("… and {count} more.").format(count=count - MAX_LISTED_PROBLEMS))
        super().__init__("\n".join(lines), path=path)


@dataclass(frozen=True)
class ProgrammeImport:
    """A validated programme workbook, ready for the service layer to write.

    Attributes
    ----------
    sessions
        Columns :data:`SESSION_IMPORT_COLUMNS`: ``action_code`` and ``venue_code``
        (``""`` when none), ``type`` (:class:`~community_map.models.SessionType` value),
        ``title``, ``starts_at`` and ``ends_at`` (naive local datetimes), ``facilitators``
        and ``partners`` (lists of known codes), ``capacity`` (``Int64``), ``status``
        (:class:`~community_map.models.SessionStatus` value, ``planned`` when empty),
        ``cancel_reason``, ``notes`` and ``row`` (the spreadsheet row).
    attendance
        Columns :data:`ATTENDANCE_IMPORT_COLUMNS`: the session's ``action_code``,
        ``starts_at``, ``venue_code`` and ``type`` (equal to those of one row of
        ``sessions``), ``participant_code``, ``status``
        (:class:`~community_map.models.AttendanceStatus` value), ``walk_in`` (bool),
        ``row`` and ``sheet``.
    messages
        Notes for the user (sheets and columns ignored, counts).
    """

    sessions: pd.DataFrame
    attendance: pd.DataFrame
    messages: list[str]


@dataclass
class _Table:
    """A sheet's table: the header's recognised columns and the data rows."""

    sheet: str
    columns: dict[str, int]
    headers: dict[str, str]
    rows: list[tuple[int, tuple[Any, ...]]]

    def get(self, cells: tuple[Any, ...], key: str) -> Any:
        index = self.columns.get(key)
        return cells[index] if index is not None and index < len(cells) else None

    def header(self, key: str) -> str:
        return self.headers.get(key) or _(_HEADER_LABELS[key])


@dataclass
class _Reader:
    """Collects problems and notes while reading one workbook."""

    codes: dict[str, _Codes]
    problems: list[ImportProblem] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    keys: dict[SessionKey, int] = field(default_factory=dict)
    sessions: list[dict[str, Any]] = field(default_factory=list)
    attendance: list[dict[str, Any]] = field(default_factory=list)
    seen_attendance: dict[tuple[SessionKey, str], tuple[str, int]] = field(
        default_factory=dict)

    def problem(self, sheet: str, row: int | None, column: str | None, reason: str) -> None:
        self.problems.append(ImportProblem(sheet, row, column, reason))

    def parse(self, table: _Table, row: int, key: str,
              parse: Callable[[Any], Any], value: Any) -> Any:
        """Parse one cell; on failure record a problem and return ``None``."""
        try:
            return parse(value)
        except _InvalidValueError as exc:
            self.problem(table.sheet, row, table.header(key), str(exc))
            return None

    def known(self, table: _Table, row: int, key: str, kind: str, code: str,
              reason: str) -> str | None:
        resolved = self.codes[kind].resolve(code)
        if resolved is None:
            self.problem(table.sheet, row, table.header(key), reason.format(code=code))
        return resolved


def _rows(sheet: Any) -> list[tuple[int, tuple[Any, ...]]]:
    """Return the sheet's non-empty rows with their 1-based numbers."""
    return [
        (number, tuple(cells))
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1)
        if any(not _is_blank(c) for c in cells)
    ]


def _header_keys(cells: tuple[Any, ...]) -> dict[int, str]:
    headers = _lookups().headers
    keys: dict[int, str] = {}
    for index, cell in enumerate(cells):
        key = headers.get(_norm(_text(cell))) if not _is_blank(cell) else None
        if key is not None:
            keys[index] = key
    return keys


def _table(reader: _Reader, sheet: str, rows: list[tuple[int, tuple[Any, ...]]],
           required: Sequence[str], fallbacks: dict[str, str]) -> _Table | None:
    """Find the header row, map the columns and check the required ones are there."""
    position, keys = next(
        ((i, k) for i, (_n, cells) in enumerate(rows[:10])
         if len(set((k := _header_keys(cells)).values())) >= 2),
        (-1, {}),
    )
    if position < 0:
        wanted = ", ".join(_(_HEADER_LABELS[k]) for k in required)
        reader.problem(sheet, rows[0][0] if rows else None, None, _(
            "No header row found; the first row must name the columns, e.g. {columns}."
        ).format(columns=wanted))
        return None
    header_cells = rows[position][1]
    columns: dict[str, int] = {}
    headers: dict[str, str] = {}
    ignored: list[str] = []
    for index, cell in enumerate(header_cells):
        if _is_blank(cell):
            continue
        key = keys.get(index)
        if key is None:
            ignored.append(_text(cell))
        elif key in columns:
            reader.problem(sheet, rows[position][0], _text(cell), _(
                "The column {first!r} appears twice; keep one of them.").format(
                    first=headers[key]))
        else:
            columns[key] = index
            headers[key] = _text(cell)
    for key, fallback in fallbacks.items():
        if key not in columns and fallback in columns:
            columns[key] = columns[fallback]
            headers[key] = headers[fallback]
    if ignored:
        reader.messages.append(_("Sheet {sheet!r}: columns ignored: {columns}.").format(
            sheet=sheet, columns=", ".join(repr(c) for c in ignored)))
    missing = [k for k in required if k not in columns]
    for key in missing:
        reader.problem(sheet, rows[position][0], _(_HEADER_LABELS[key]),
                       _("This column is missing."))
    if missing:
        return None
    return _Table(sheet, columns, headers, rows[position + 1:])


def _type_choice(value: Any) -> SessionType:
    return SessionType(_parse_choice(value, _lookups().types,
                                     [_(label) for label in SESSION_TYPE_LABELS.values()]))


def _session_status_choice(value: Any) -> SessionStatus:
    if _is_blank(value):
        return SessionStatus.PLANNED
    return SessionStatus(_parse_choice(
        value, _lookups().session_statuses,
        [_(label) for label in SESSION_STATUS_LABELS.values()]))


def _attendance_status_choice(value: Any) -> AttendanceStatus:
    if _is_blank(value):
        raise _InvalidValueError(_("The attendance status is missing."))
    return AttendanceStatus(_parse_choice(
        value, _lookups().attendance_statuses,
        [_(label) for label in ATTENDANCE_STATUS_LABELS.values()]))


def _yes_no(value: Any) -> bool:
    if _is_blank(value):
        return False
    return bool(_parse_choice(value, _lookups().yes_no,
                              [_(label) for label in _YES_NO_LABELS.values()]))


def _required(parse: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def wrapped(value: Any) -> Any:
        if _is_blank(value):
            raise _InvalidValueError(_("The value is missing."))
        return parse(value)
    return wrapped


def _session_codes(reader: _Reader, table: _Table, number: int,
                   cells: tuple[Any, ...]) -> tuple[str | None, str | None]:
    """Read and check the action and venue codes of a row (``""`` when empty)."""
    action: str | None = _text(table.get(cells, "action_code"))
    if action:
        action = reader.known(table, number, "action_code", "actions", action,
                              _("Unknown action code {code!r}."))
    venue: str | None = _text(table.get(cells, "venue_code"))
    if venue:
        venue = reader.known(table, number, "venue_code", "venues", venue,
                             _("Unknown venue code {code!r}."))
    return action, venue


def _read_programme(reader: _Reader, sheet: str, rows: list[tuple[int, tuple[Any, ...]]]) -> None:
    if not rows:
        reader.messages.append(_("Sheet {sheet!r} is empty.").format(sheet=sheet))
        return
    table = _table(reader, sheet, rows, ("date", "type", "start", "end"),
                   {"action_code": "action_title", "venue_code": "venue"})
    if table is None:
        return
    for number, cells in table.rows:
        before = len(reader.problems)
        action, venue = _session_codes(reader, table, number, cells)
        stype = reader.parse(table, number, "type", _required(_type_choice),
                             table.get(cells, "type"))
        day = reader.parse(table, number, "date", _required(_parse_date),
                           table.get(cells, "date"))
        start = reader.parse(table, number, "start", _required(_parse_time),
                             table.get(cells, "start"))
        end = reader.parse(table, number, "end", _required(_parse_time),
                           table.get(cells, "end"))
        if start is not None and end is not None and end <= start:
            reader.problem(sheet, number, table.header("end"), _(
                "The session ends at {end}, which is not after its start at {start}."
            ).format(end=_hhmm(end), start=_hhmm(start)))
        facilitators: list[str] = []
        for code in _split_codes(table.get(cells, "facilitators")):
            found = reader.known(table, number, "facilitators", "professionals", code,
                                 _("Unknown professional code {code!r}."))
            if found is not None and found not in facilitators:
                facilitators.append(found)
        partners: list[str] = []
        for code in _split_codes(table.get(cells, "partners")):
            found = reader.known(table, number, "partners", "services", code,
                                 _("Unknown service code {code!r}."))
            if found is not None and found not in partners:
                partners.append(found)
        capacity = reader.parse(table, number, "capacity", _parse_capacity,
                                table.get(cells, "capacity"))
        status = reader.parse(table, number, "status", _session_status_choice,
                              table.get(cells, "status"))
        if None in (action, venue, stype, day, start):
            continue
        key: SessionKey = (str(action), day, start, str(venue), str(stype.value))
        if key in reader.keys:
            reader.problem(sheet, number, table.header("date"), _(
                "Duplicate session: row {row} has the same action, date, start, venue and "
                "type.").format(row=reader.keys[key]))
            continue
        reader.keys[key] = number
        if len(reader.problems) > before or end is None:
            continue
        reader.sessions.append({
            "action_code": action,
            "type": stype.value,
            "title": _text(table.get(cells, "title")),
            "starts_at": dt.datetime.combine(day, start),
            "ends_at": dt.datetime.combine(day, end),
            "venue_code": venue,
            "facilitators": facilitators,
            "partners": partners,
            "capacity": capacity,
            "status": status.value,
            "cancel_reason": _text(table.get(cells, "cancel_reason")),
            "notes": _text(table.get(cells, "notes")),
            "row": number,
        })


def _match_session(reader: _Reader, partial: tuple[str, dt.date, dt.time, str],
                   stype: SessionType | None) -> SessionKey | str:
    """Return the programme's session with these values, or why there is none."""
    if stype is not None:
        key: SessionKey = (*partial, stype.value)
        if key in reader.keys:
            return key
        candidates: list[SessionKey] = []
    else:
        candidates = [k for k in reader.keys if k[:4] == partial]
        if len(candidates) == 1:
            return candidates[0]
    action, day, start, venue = partial
    details = _("action {action!r}, {date} at {start}, venue {venue!r}").format(
        action=action, date=day.strftime("%d/%m/%Y"), start=_hhmm(start), venue=venue)
    if candidates:
        return _("Several sessions of the programme match ({details}); fill in the type."
                 ).format(details=details)
    if stype is not None:
        details += ", " + _type_label(stype.value)
    return _("No session of the programme sheet matches ({details}).").format(details=details)


def _add_attendance(reader: _Reader, table: _Table, number: int, key: SessionKey,
                    cells: tuple[Any, ...]) -> None:
    before = len(reader.problems)
    participant: str | None = _text(table.get(cells, "participant_code"))
    if not participant:
        reader.problem(table.sheet, number, table.header("participant_code"),
                       _("The participant code is missing."))
    else:
        participant = reader.known(table, number, "participant_code", "participants",
                                   participant, _("Unknown participant code {code!r}."))
    status = reader.parse(table, number, "status", _attendance_status_choice,
                          table.get(cells, "status"))
    walk_in = reader.parse(table, number, "walk_in", _yes_no, table.get(cells, "walk_in"))
    if participant:
        seen = reader.seen_attendance.get((key, participant))
        if seen is not None:
            reader.problem(table.sheet, number, table.header("participant_code"), _(
                "Duplicate attendance: sheet {sheet!r}, row {row} already records participant "
                "{code!r} at this session.").format(sheet=seen[0], row=seen[1], code=participant))
            return
        reader.seen_attendance[(key, participant)] = (table.sheet, number)
    if len(reader.problems) > before:
        return
    action, day, start, venue, stype = key
    reader.attendance.append({
        "action_code": action,
        "starts_at": dt.datetime.combine(day, start),
        "venue_code": venue,
        "type": stype,
        "participant_code": participant,
        "status": status.value,
        "walk_in": bool(walk_in),
        "row": number,
        "sheet": table.sheet,
    })


def _read_attendance_long(reader: _Reader, sheet: str,
                          rows: list[tuple[int, tuple[Any, ...]]]) -> None:
    table = _table(reader, sheet, rows, ("participant_code", "date", "start", "status"),
                   {"action_code": "action_title", "venue_code": "venue"})
    if table is None:
        return
    for number, cells in table.rows:
        before = len(reader.problems)
        action, venue = _session_codes(reader, table, number, cells)
        day = reader.parse(table, number, "date", _required(_parse_date),
                           table.get(cells, "date"))
        start = reader.parse(table, number, "start", _required(_parse_time),
                             table.get(cells, "start"))
        raw_type = table.get(cells, "type")
        stype = None if _is_blank(raw_type) else reader.parse(
            table, number, "type", _type_choice, raw_type)
        if len(reader.problems) > before:
            # still check the participant columns of the row
            _check_participant_cells(reader, table, number, cells)
            continue
        assert action is not None and venue is not None
        match = _match_session(reader, (action, day, start, venue), stype)
        if isinstance(match, str):
            reader.problem(sheet, number, table.header("date"), match)
            _check_participant_cells(reader, table, number, cells)
            continue
        _add_attendance(reader, table, number, match, cells)


def _check_participant_cells(reader: _Reader, table: _Table, number: int,
                             cells: tuple[Any, ...]) -> None:
    """Report the participant, status and walk-in problems of a row without a session."""
    participant = _text(table.get(cells, "participant_code"))
    if not participant:
        reader.problem(table.sheet, number, table.header("participant_code"),
                       _("The participant code is missing."))
    else:
        reader.known(table, number, "participant_code", "participants", participant,
                     _("Unknown participant code {code!r}."))
    reader.parse(table, number, "status", _attendance_status_choice, table.get(cells, "status"))
    reader.parse(table, number, "walk_in", _yes_no, table.get(cells, "walk_in"))


def _is_session_sheet(rows: list[tuple[int, tuple[Any, ...]]]) -> bool:
    if not rows:
        return False
    cells = [c for c in rows[0][1] if not _is_blank(c)]
    first = rows[0][1][0] if rows[0][1] else None
    return (len(cells) <= 2 and not _is_blank(first)
            and _lookups().headers.get(_norm(_text(first))) in _BLOCK_KEYS)


def _read_session_sheet(reader: _Reader, sheet: str,
                        rows: list[tuple[int, tuple[Any, ...]]]) -> None:
    """Read a per-session sheet: label/value rows, then the participant table."""
    headers = _lookups().headers
    values: dict[str, tuple[int, str, Any]] = {}
    table_at = None
    for position, (number, cells) in enumerate(rows):
        label = _text(cells[0]) if cells else ""
        key = headers.get(_norm(label)) if label else None
        if key == "participant_code":
            table_at = position
            break
        if key in _BLOCK_KEYS and key not in values:
            values[key] = (number, label, cells[1] if len(cells) > 1 else None)
        else:
            reader.messages.append(_("Sheet {sheet!r}, row {row}: ignored.").format(
                sheet=sheet, row=number))
    for key, fallback in (("action_code", "action_title"), ("venue_code", "venue")):
        if key not in values and fallback in values:
            values[key] = values[fallback]
    if table_at is None:
        reader.problem(sheet, None, None, _(
            "No participant table: add a row whose first cells are {columns}, then one row "
            "per participant.").format(columns=", ".join(
                _(_HEADER_LABELS[k]) for k in ("participant_code", "status", "walk_in"))))
        return
    table = _table(reader, sheet, rows[table_at:], ("participant_code", "status"), {})
    before = len(reader.problems)
    block = _Table(sheet, {}, {k: v[1] for k, v in values.items()}, [])

    def value(key: str, parse: Callable[[Any], Any], required: bool = True) -> Any:
        if key not in values:
            if required:
                reader.problem(sheet, None, _(_HEADER_LABELS[key]), _(
                    "The label row {label!r} is missing above the participant table."
                ).format(label=_(_HEADER_LABELS[key])))
            return None
        number, _label, raw = values[key]
        if _is_blank(raw) and not required:
            return None
        return reader.parse(block, number, key, _required(parse) if required else parse, raw)

    action = _text(values["action_code"][2]) if "action_code" in values else ""
    if action:
        action = reader.known(block, values["action_code"][0], "action_code", "actions",
                              action, _("Unknown action code {code!r}.")) or ""
    venue = _text(values["venue_code"][2]) if "venue_code" in values else ""
    if venue:
        venue = reader.known(block, values["venue_code"][0], "venue_code", "venues", venue,
                             _("Unknown venue code {code!r}.")) or ""
    day = value("date", _parse_date)
    start = value("start", _parse_time)
    stype = value("type", _type_choice, required=False)
    match: SessionKey | str | None = None
    if len(reader.problems) == before:
        match = _match_session(reader, (action, day, start, venue), stype)
        if isinstance(match, str):
            where = values["date"]
            reader.problem(sheet, where[0], where[1], match)
    if table is None:
        return
    for number, cells in table.rows:
        if isinstance(match, tuple):
            _add_attendance(reader, table, number, match, cells)
        else:
            _check_participant_cells(reader, table, number, cells)


def _session_frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(records, columns=SESSION_IMPORT_COLUMNS)
    frame["starts_at"] = pd.to_datetime(frame["starts_at"])
    frame["ends_at"] = pd.to_datetime(frame["ends_at"])
    frame["capacity"] = pd.array(list(frame["capacity"]), dtype="Int64")
    frame["row"] = frame["row"].astype("int64")
    return frame


def _attendance_frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(records, columns=ATTENDANCE_IMPORT_COLUMNS)
    frame["starts_at"] = pd.to_datetime(frame["starts_at"])
    frame["walk_in"] = frame["walk_in"].astype(bool)
    frame["row"] = frame["row"].astype("int64")
    return frame


def programme_from_excel(
    path: str | Path | bytes | IO[bytes],
    *,
    display_name: str | None = None,
    known_venues: set[str],
    known_actions: set[str],
    known_professionals: set[str],
    known_services: set[str],
    known_participants: set[str],
) -> ProgrammeImport:
    """Read and validate a programme workbook; nothing is written anywhere.

    Parameters
    ----------
    path
        The ``.xlsx`` file: a path, its bytes or an open binary file.
    display_name
        The file's name as the user knows it (for an uploaded temporary file).
    known_venues, known_actions, known_professionals, known_services, known_participants
        The codes that exist: venue assets' ``source_id``, community actions',
        professionals', services' and participants' codes. A code differing only in
        case from exactly one known code is read as that code.

    Returns
    -------
    ProgrammeImport
        The sessions and attendance rows, normalised, and notes.

    Raises
    ------
    ProgrammeImportError
        An :class:`~community_map.errors.ImportFileError` listing every problem found
        (sheet, row, column, reason): the file is not a workbook, columns are missing,
        codes are unknown, dates or times are impossible, a session ends before it
        starts, type or status are unknown, rows are duplicated, or attendance refers to
        a session that is not in the programme sheet.
    """
    if display_name is None:
        display_name = Path(path).name if isinstance(path, str | Path) else _("the workbook")
    source: Any = io.BytesIO(path) if isinstance(path, bytes) else path
    try:
        workbook = load_workbook(source, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportFileError(_(
            "The file cannot be read as an Excel workbook (.xlsx): {error}. Save it from "
            "your spreadsheet program as an Excel workbook and try again."
        ).format(error=exc), path=display_name) from exc

    lookups = _lookups()
    reader = _Reader(codes={
        "venues": _Codes(known_venues), "actions": _Codes(known_actions),
        "professionals": _Codes(known_professionals), "services": _Codes(known_services),
        "participants": _Codes(known_participants),
    })
    sheets = [ws for ws in workbook.worksheets if ws.sheet_state == "visible"]
    kinds = {ws.title: lookups.sheets.get(_norm(ws.title)) for ws in sheets}
    contents = {ws.title: _rows(ws) for ws in sheets}
    programme = next((t for t, k in kinds.items() if k == "programme"), None)
    if programme is None:
        programme = next(
            (t for t, rows in contents.items() if kinds[t] is None and rows
             and not _is_session_sheet(rows)
             and "participant_code" not in _header_keys(rows[0][1]).values()),
            None,
        )
    if programme is None:
        reader.problem(_(_SHEET_LABELS["programme"]), None, None, _(
            "The workbook has no programme sheet; name a sheet {name!r}.").format(
                name=_(_SHEET_LABELS["programme"])))
    else:
        _read_programme(reader, programme, contents[programme])

    attendance_sheets = 0
    for title, rows in contents.items():
        if title == programme or kinds[title] in {"programme", "instructions"}:
            continue
        if not rows:
            continue
        if _is_session_sheet(rows):
            _read_session_sheet(reader, title, rows)
            attendance_sheets += 1
        elif kinds[title] == "attendance" or "participant_code" in _header_keys(
                rows[0][1]).values():
            _read_attendance_long(reader, title, rows)
            attendance_sheets += 1
        else:
            reader.messages.append(_(
                "Sheet {sheet!r} ignored: it is neither a programme, an attendance list nor "
                "a per-session attendance sheet.").format(sheet=title))

    if reader.problems:
        raise ProgrammeImportError(reader.problems, path=display_name)
    reader.messages.insert(0, _(
        "Read {sessions} sessions and {attendance} attendance rows ({sheets} attendance "
        "sheets)."
    ).format(sessions=len(reader.sessions), attendance=len(reader.attendance),
             sheets=attendance_sheets))
    return ProgrammeImport(
        sessions=_session_frame(reader.sessions),
        attendance=_attendance_frame(reader.attendance),
        messages=reader.messages,
    )


# --------------------------------------------------------------------------------------------
# iCalendar


def _vtimezone() -> Any:
    """Return the VTIMEZONE of Europe/Madrid (EU summer time rules since 1996)."""
    from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

    zone = Timezone()
    zone.add("tzid", TIMEZONE)
    zone.add("x-lic-location", TIMEZONE)
    daylight = TimezoneDaylight()
    daylight.add("tzname", "CEST")
    daylight.add("tzoffsetfrom", dt.timedelta(hours=1))
    daylight.add("tzoffsetto", dt.timedelta(hours=2))
    daylight.add("dtstart", dt.datetime(1970, 3, 29, 2, 0))
    daylight.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1su"})
    standard = TimezoneStandard()
    standard.add("tzname", "CET")
    standard.add("tzoffsetfrom", dt.timedelta(hours=2))
    standard.add("tzoffsetto", dt.timedelta(hours=1))
    standard.add("dtstart", dt.datetime(1970, 10, 25, 3, 0))
    standard.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1su"})
    zone.add_component(daylight)
    zone.add_component(standard)
    return zone


def session_uid(action_code: str, day: dt.date, start: dt.time, venue_code: str,
                stype: str) -> str:
    """Return the stable iCalendar UID of a session (same values, same UID).

    Examples
    --------
    >>> session_uid("A1", dt.date(2025, 3, 4), dt.time(17), "V1", "workshop")[-14:]
    '@community-map'
    """
    key = "|".join([action_code, day.isoformat(), _hhmm(start), venue_code, stype])
    return f"{hashlib.sha1(key.encode()).hexdigest()[:24]}@{UID_DOMAIN}"


def programme_to_ical(
    programme: pd.DataFrame,
    *,
    calendar_name: str,
    language: str | None = None,
    stamp: dt.datetime | None = None,
) -> bytes:
    """Write the programme as an iCalendar file that calendar programs can subscribe to.

    Parameters
    ----------
    programme
        A table with the columns :data:`PROGRAMME_COLUMNS`, as from
        :func:`programme_frame`; times are local times of :data:`TIMEZONE`.
    calendar_name
        The calendar's name shown by calendar programs.
    language
        Language of the descriptions (``ca``, ``es``, ``en``); default: the active one.
    stamp
        The DTSTAMP of every event (default: now, in UTC).

    Returns
    -------
    bytes
        A VCALENDAR with a VTIMEZONE for Europe/Madrid and one VEVENT per session:
        ``STATUS:CANCELLED`` for cancelled sessions, ``CONFIRMED`` for the others. The
        UID is derived from action code, date, start, venue code and type, so exporting
        again updates the same events.

    Raises
    ------
    ValidationError
        A row's date or times cannot be read.
    """
    from icalendar import Calendar, Event

    stamp = stamp or dt.datetime.now(dt.UTC)
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.UTC)
    zone = ZoneInfo(TIMEZONE)
    with i18n.language(language or i18n.get_language()):
        calendar = Calendar()
        calendar.add("prodid", "-//community_map//programme//EN")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("name", calendar_name)
        calendar.add("x-wr-calname", calendar_name)
        calendar.add("x-wr-timezone", TIMEZONE)
        calendar.add_component(_vtimezone())
        used: set[str] = set()
        for position, record in enumerate(programme.to_dict("records"), start=1):
            try:
                day = _parse_date(record.get("date"))
                start = _parse_time(record.get("start"))
                end = _parse_time(record.get("end"))
            except _InvalidValueError as exc:
                raise ValidationError(_("Programme row {row}: {reason}").format(
                    row=position, reason=exc)) from None
            action = _text(record.get("action_code"))
            venue_code = _text(record.get("venue_code"))
            stype = _text(record.get("type"))
            uid = session_uid(action, day, start, venue_code, stype)
            base, suffix = uid, 2
            while uid in used:
                uid = base.replace("@", f"-{suffix}@")
                suffix += 1
            used.add(uid)
            cancelled = _text(record.get("status")) == SessionStatus.CANCELLED.value
            type_label = _type_label(stype)
            summary = _text(record.get("title")) or type_label
            if cancelled:
                summary = _("Cancelled: {summary}").format(summary=summary)
            lines = [_("Type: {type}").format(type=type_label)]
            if action:
                lines.append(_("Action: {code} {title}").format(
                    code=action, title=_text(record.get("action_title"))).strip())
            facilitators = _codes_text(record.get("facilitators"))
            if facilitators:
                lines.append(_("Facilitators: {codes}").format(codes=facilitators))
            partners = _codes_text(record.get("partners"))
            if partners:
                lines.append(_("Partner services: {codes}").format(codes=partners))
            capacity = record.get("capacity")
            if not _is_blank(capacity):
                lines.append(_("Capacity: {capacity}").format(capacity=_text(capacity)))
            reason = _text(record.get("cancel_reason"))
            if cancelled and reason:
                lines.append(_("Cancellation reason: {reason}").format(reason=reason))
            notes = _text(record.get("notes"))
            if notes:
                lines.append(notes)

            event = Event()
            event.add("uid", uid)
            event.add("dtstamp", stamp)
            event.add("dtstart", dt.datetime.combine(day, start, tzinfo=zone))
            event.add("dtend", dt.datetime.combine(day, end, tzinfo=zone))
            event.add("summary", summary)
            location = _text(record.get("venue")) or venue_code
            if location:
                event.add("location", location)
            event.add("description", "\n".join(lines))
            event.add("categories", [type_label])
            event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
            event.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
            calendar.add_component(event)
        data: bytes = calendar.to_ical()
    return data
