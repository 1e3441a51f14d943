"""Columns, labels and recognised words of programme workbooks (shared by writer and reader).

The column lists of the programme and attendance tables, the translated labels and
the words recognised in hand-written spreadsheets (Catalan, Spanish, English), gathered
in matching tables by :func:`programme_lookups`. The parsers of cell values (dates,
times, capacities, choices) are in :mod:`~community_map.activities.programme_cells`.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

from community_map import i18n
from community_map._text import match_key, sheet_cell_text
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
    "BLOCK_KEYS",
    "DATE_FORMAT",
    "HEADER_LABELS",
    "LISTS_SHEET",
    "MAX_LISTED_PROBLEMS",
    "PROGRAMME_COLUMNS",
    "SESSION_IMPORT_COLUMNS",
    "SESSION_STATUS_LABELS",
    "SHEET_LABELS",
    "TIME_FORMAT",
    "YES_NO_LABELS",
    "ProgrammeLookups",
    "SessionKey",
    "attendance_status_label",
    "programme_lookups",
    "session_status_label",
    "session_type_label",
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

HEADER_LABELS: dict[str, str] = {
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

SHEET_LABELS: dict[str, str] = {
    "programme": N_("Programme"),
    "attendance": N_("Attendance"),
    "instructions": N_("Instructions"),
}

YES_NO_LABELS: dict[bool, str] = {True: N_("Yes"), False: N_("No")}

# Words recognised in spreadsheets written by hand, in Catalan, Spanish and English. They
# are matched after folding case and accents and dropping articles (see ``match_key``); the
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

BLOCK_KEYS = ("action_code", "action_title", "date", "start", "venue_code", "venue", "type")

SessionKey = tuple[str, dt.date, dt.time, str, str]
"""A session's identity in a workbook: action code, date, start, venue code, type."""


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
            table[match_key(word)] = value
    for value, label in labels.items():
        if codes:
            table[match_key(value)] = value
        for text in _translations(label):
            table[match_key(text)] = value
    table.pop("", None)
    return table


@dataclass(frozen=True)
class ProgrammeLookups:
    """Matching tables from a folded word (see :func:`~community_map._text.match_key`)."""

    headers: dict[str, str]
    sheets: dict[str, str]
    types: dict[str, SessionType]
    session_statuses: dict[str, SessionStatus]
    attendance_statuses: dict[str, AttendanceStatus]
    yes_no: dict[str, bool]


@functools.cache
def programme_lookups() -> ProgrammeLookups:
    """The matching tables of headers, sheet names and choices (built once)."""
    return ProgrammeLookups(
        # column names such as ``venue_code`` are accepted as headers too
        headers=_lookup(_HEADER_ALIASES, HEADER_LABELS),
        sheets=_lookup(_SHEET_ALIASES, SHEET_LABELS, codes=False),
        types=_lookup(_TYPE_ALIASES, SESSION_TYPE_LABELS),
        session_statuses=_lookup(_SESSION_STATUS_ALIASES, SESSION_STATUS_LABELS),
        attendance_statuses=_lookup(_ATTENDANCE_STATUS_ALIASES, ATTENDANCE_STATUS_LABELS),
        yes_no=_lookup(_YES_NO_ALIASES, YES_NO_LABELS, codes=False),
    )


def session_type_label(value: object) -> str:
    """The translated label of a session type (the value itself when unknown)."""
    try:
        return _(SESSION_TYPE_LABELS[SessionType(str(value))])
    except ValueError:
        return sheet_cell_text(value)


def session_status_label(value: object) -> str:
    """The translated label of a session status (the value itself when unknown)."""
    try:
        return _(SESSION_STATUS_LABELS[SessionStatus(str(value))])
    except ValueError:
        return sheet_cell_text(value)


def attendance_status_label(value: object) -> str:
    """The translated label of an attendance status (the value itself when unknown)."""
    try:
        return _(ATTENDANCE_STATUS_LABELS[AttendanceStatus(str(value))])
    except ValueError:
        return sheet_cell_text(value)
