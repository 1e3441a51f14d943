"""Columns, labels and cell values of programme workbooks (shared by writer and reader).

The column lists of the programme and attendance tables, the translated labels and
the words recognised in hand-written spreadsheets (Catalan, Spanish, English), and
the parsers of dates, times, capacities and choices. The parsers raise
:class:`_InvalidValueError` with a translated reason; callers turn it into a problem.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from community_map import i18n
from community_map.activities._cells import cell_text as _text
from community_map.activities._cells import is_blank as _is_blank
from community_map.activities._cells import norm as _norm
from community_map.activities.reads import SESSION_TYPE_LABELS
from community_map.i18n import N_
from community_map.i18n import gettext as _
from community_map.models import (
    AttendanceStatus,
    SessionStatus,
    SessionType,
)

__all__ = [
    "ATTENDANCE_COLUMNS",
    "ATTENDANCE_IMPORT_COLUMNS",
    "ATTENDANCE_STATUS_LABELS",
    "DATE_FORMAT",
    "LISTS_SHEET",
    "MAX_LISTED_PROBLEMS",
    "PROGRAMME_COLUMNS",
    "SESSION_IMPORT_COLUMNS",
    "SESSION_STATUS_LABELS",
    "TIME_FORMAT",
    "SessionKey",
]

PROGRAMME_COLUMNS = [
    "action_code",
    "action_title",
    "type",
    "title",
    "date",
    "start",
    "end",
    "venue_code",
    "venue",
    "facilitators",
    "partners",
    "capacity",
    "status",
    "cancel_reason",
    "notes",
]
ATTENDANCE_COLUMNS = [
    "action_code",
    "date",
    "start",
    "venue_code",
    "type",
    "participant_code",
    "status",
    "walk_in",
]
SESSION_IMPORT_COLUMNS = [
    "action_code",
    "type",
    "title",
    "starts_at",
    "ends_at",
    "venue_code",
    "facilitators",
    "partners",
    "capacity",
    "status",
    "cancel_reason",
    "notes",
    "row",
]
ATTENDANCE_IMPORT_COLUMNS = [
    "action_code",
    "starts_at",
    "venue_code",
    "type",
    "participant_code",
    "status",
    "walk_in",
    "row",
    "sheet",
]

MAX_LISTED_PROBLEMS = 20
DATE_FORMAT = "DD/MM/YYYY"
TIME_FORMAT = "HH:MM"
LISTS_SHEET = "lists"

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
    "action_code": (
        "codi accio",
        "codi de l'accio",
        "codigo accion",
        "codigo de la accion",
        "action code",
        "action id",
    ),
    "action_title": (
        "accio",
        "accion",
        "action",
        "titol de l'accio",
        "titulo de la accion",
        "action title",
        "nom de l'accio",
        "nombre de la accion",
    ),
    "type": ("tipus", "tipo", "type", "tipus de sessio", "tipo de sesion", "session type"),
    "title": ("titol", "titulo", "title", "titol de la sessio", "titulo de la sesion"),
    "date": ("data", "fecha", "date", "dia", "day"),
    "start": (
        "inici",
        "inicio",
        "start",
        "hora d'inici",
        "hora inici",
        "hora de inicio",
        "hora inicio",
        "start time",
        "comença",
        "empieza",
    ),
    "end": (
        "fi",
        "final",
        "fin",
        "end",
        "hora de fi",
        "hora fi",
        "hora final",
        "hora de fin",
        "hora fin",
        "end time",
        "acaba",
    ),
    "venue_code": (
        "codi espai",
        "codi de l'espai",
        "codi lloc",
        "codi del lloc",
        "codigo espacio",
        "codigo del espacio",
        "codigo lugar",
        "codigo del lugar",
        "venue code",
        "venue id",
    ),
    "venue": ("espai", "lloc", "espacio", "lugar", "venue", "location", "ubicacio", "ubicacion"),
    "facilitators": (
        "dinamitzadors",
        "dinamitzadores",
        "facilitadors",
        "professionals",
        "dinamizadores",
        "facilitadores",
        "profesionales",
        "facilitators",
        "codis professionals",
        "codigos profesionales",
    ),
    "partners": (
        "serveis col·laboradors",
        "col·laboradors",
        "entitats col·laboradores",
        "servicios colaboradores",
        "colaboradores",
        "entidades colaboradoras",
        "partners",
        "partner services",
        "services",
    ),
    "capacity": ("aforament", "capacitat", "places", "aforo", "capacidad", "plazas", "capacity"),
    "status": ("estat", "estado", "status", "state"),
    "cancel_reason": (
        "motiu de cancel·lacio",
        "motiu cancel·lacio",
        "motiu de la cancel·lacio",
        "motivo de cancelacion",
        "motivo cancelacion",
        "motivo de la cancelacion",
        "cancellation reason",
        "cancel reason",
    ),
    "notes": (
        "notes",
        "observacions",
        "notas",
        "observaciones",
        "comentaris",
        "comentarios",
        "comments",
    ),
    "participant_code": (
        "codi participant",
        "codi de participant",
        "codi persona",
        "participant",
        "participante",
        "codigo participante",
        "codigo de participante",
        "participant code",
        "persona",
    ),
    "walk_in": (
        "sense inscripcio",
        "espontani",
        "espontania",
        "sin inscripcion",
        "espontaneo",
        "espontanea",
        "walk in",
        "walkin",
    ),
}

_SHEET_ALIASES: dict[str, tuple[str, ...]] = {
    "programme": (
        "programme",
        "program",
        "programa",
        "programacio",
        "programacion",
        "sessions",
        "sesiones",
    ),
    "attendance": ("attendance", "assistencia", "asistencia", "assistencies", "asistencias"),
    "instructions": (
        "instructions",
        "instruccions",
        "instrucciones",
        "help",
        "ajuda",
        "ayuda",
        LISTS_SHEET,
    ),
}

_TYPE_ALIASES: dict[SessionType, tuple[str, ...]] = {
    SessionType.GROUP_DYNAMIC: (
        "dinamica grupal",
        "dinamica de grup",
        "dinamica de grupo",
        "group dynamics",
    ),
    SessionType.WORKSHOP: ("taller",),
    SessionType.CULTURAL_OUTING: (
        "sortida cultural",
        "salida cultural",
        "sortida",
        "salida",
        "outing",
    ),
    SessionType.LEADERSHIP: (
        "lideratge",
        "lideratge comunitari",
        "liderazgo",
        "liderazgo comunitario",
        "community leadership",
    ),
    SessionType.INFORMATIVE_GROUP: (
        "grup informatiu",
        "grupo informativo",
        "sessio informativa",
        "sesion informativa",
    ),
    SessionType.COLLECTIVE_ADVICE: ("assessorament col·lectiu", "asesoramiento colectivo"),
    SessionType.COORDINATION_MEETING: (
        "reunio de coordinacio",
        "reunion de coordinacion",
        "coordinacio",
        "coordinacion",
        "coordination",
        "coordination meeting",
    ),
    SessionType.OTHER: ("altres", "altre", "otros", "otro", "other"),
}

_SESSION_STATUS_ALIASES: dict[SessionStatus, tuple[str, ...]] = {
    SessionStatus.PLANNED: (
        "prevista",
        "previst",
        "planificada",
        "programada",
        "pendent",
        "pendiente",
        "scheduled",
    ),
    SessionStatus.HELD: ("realitzada", "feta", "celebrada", "realizada", "hecha", "done"),
    SessionStatus.CANCELLED: ("cancel·lada", "anul·lada", "cancelada", "anulada", "canceled"),
}

_ATTENDANCE_STATUS_ALIASES: dict[AttendanceStatus, tuple[str, ...]] = {
    AttendanceStatus.ATTENDED: (
        "assisteix",
        "ha assistit",
        "assistit",
        "present",
        "presente",
        "asiste",
        "asistio",
        "ha asistido",
    ),
    AttendanceStatus.ABSENT: (
        "absent",
        "no assisteix",
        "no ha assistit",
        "ausente",
        "no asiste",
        "no asistio",
        "no ha asistido",
    ),
    AttendanceStatus.EXCUSED: (
        "justificada",
        "justificat",
        "excusat",
        "excusada",
        "absencia justificada",
        "ausencia justificada",
        "justificado",
        "excusado",
    ),
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


def _hhmm(value: dt.datetime | dt.time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"


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
        return _round_to_minute((dt.datetime.min + dt.timedelta(days=float(value))).time())
    text = _text(value)
    match = _TIME_TEXT.match(text)
    if not match:
        raise _InvalidValueError(
            _("{value!r} is not a time; write it as HH:MM.").format(value=text)
        )
    hour, minute, second = (int(g) if g else 0 for g in match.groups())
    if hour > 23 or minute > 59 or second > 59:
        raise _InvalidValueError(_("{value!r} is an impossible time.").format(value=text))
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
                value=_text(value)
            )
        )
    return int(number)


def _parse_choice(value: object, table: dict[str, Any], allowed: Sequence[str]) -> Any:
    if isinstance(value, bool) and value in table.values():
        return value
    found = table.get(_norm(_text(value)))
    if found is None:
        raise _InvalidValueError(
            _("Unknown value {value!r}; use one of: {allowed}.").format(
                value=_text(value), allowed=", ".join(allowed)
            )
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


def _type_choice(value: Any) -> SessionType:
    return SessionType(
        _parse_choice(value, _lookups().types, [_(label) for label in SESSION_TYPE_LABELS.values()])
    )


def _session_status_choice(value: Any) -> SessionStatus:
    if _is_blank(value):
        return SessionStatus.PLANNED
    return SessionStatus(
        _parse_choice(
            value,
            _lookups().session_statuses,
            [_(label) for label in SESSION_STATUS_LABELS.values()],
        )
    )


def _attendance_status_choice(value: Any) -> AttendanceStatus:
    if _is_blank(value):
        raise _InvalidValueError(_("The attendance status is missing."))
    return AttendanceStatus(
        _parse_choice(
            value,
            _lookups().attendance_statuses,
            [_(label) for label in ATTENDANCE_STATUS_LABELS.values()],
        )
    )


def _yes_no(value: Any) -> bool:
    if _is_blank(value):
        return False
    return bool(
        _parse_choice(value, _lookups().yes_no, [_(label) for label in _YES_NO_LABELS.values()])
    )


def _required(parse: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def wrapped(value: Any) -> Any:
        if _is_blank(value):
            raise _InvalidValueError(_("The value is missing."))
        return parse(value)

    return wrapped


def _codes_text(value: object) -> str:
    """Return a list of codes (or a text cell) as ``"A; B"`` text."""
    if isinstance(value, list | tuple | set):
        return "; ".join(str(v) for v in value)
    return _text(value)
