"""Community actions, their sessions and attendance.

The public face of the activities domain: the web app and the command line import from
here, never from the modules. Reads (labels, tables, planner choices, programme tables)
and audited writes (``action_writes``, ``session_writes``, ``attendance_writes``,
``programme_writes``; the registers' ``programme_register_*`` and
``participant_register_*``) are kept in separate modules; scheduling is split into recurrence,
opening hours, conflict checks and calendar views, and the programme files into database
reads, the Excel writer (``programme_excel``), the Excel reader (``programme_import``,
``programme_sheets``, ``programme_import_rows``), their columns and cell parsers
(``programme_columns``, ``programme_cells``) and the iCalendar export.
"""

from __future__ import annotations

from community_map.activities.action_writes import add_phase, create_action
from community_map.activities.attendance_writes import (
    absent_until,
    add_walk_in,
    finalise_session,
    mark_all_present,
    mark_attendance,
    reopen_session,
)
from community_map.activities.calendar_views import (
    MONTH_LINES,
    TYPE_COLOURS,
    month_calendar_html,
    week_calendar_html,
)
from community_map.activities.conflict_reads import check_conflicts
from community_map.activities.conflicts import Conflict, ConflictKind, find_conflicts
from community_map.activities.icalendar_export import TIMEZONE, programme_to_ical, session_uid
from community_map.activities.import_results import (
    ImportProblem,
    ProgrammeImport,
    ProgrammeImportError,
)
from community_map.activities.opening_hours import OpeningHours, is_open, parse_opening_hours
from community_map.activities.participant_register_excel import (
    ENROLMENT_COLUMNS,
    PARTICIPANT_COLUMNS,
    enrolment_rows,
    import_participants,
    participants_template,
    participants_to_excel,
)
from community_map.activities.participant_register_reads import (
    ENROLMENT_FRAME_COLUMNS,
    PARTICIPANT_FRAME_COLUMNS,
    ParticipantStatus,
    enrolments_frame,
    participant_by_code,
    participant_register_choices,
    participants_frame,
)
from community_map.activities.participant_register_writes import (
    PARTICIPANT_CODE_PREFIX,
    EnrolmentRow,
    age_band_for,
    create_participant,
    next_participant_code,
    set_enrolments,
    update_participant,
)
from community_map.activities.planner_reads import cohort, planner_choices, session_details
from community_map.activities.programme_columns import (
    ATTENDANCE_COLUMNS,
    ATTENDANCE_IMPORT_COLUMNS,
    ATTENDANCE_STATUS_LABELS,
    PROGRAMME_COLUMNS,
    SESSION_IMPORT_COLUMNS,
    SESSION_STATUS_LABELS,
)
from community_map.activities.programme_excel import programme_template_excel, programme_to_excel
from community_map.activities.programme_import import programme_from_excel
from community_map.activities.programme_reads import (
    attendance_long_frame,
    known_codes,
    programme_frame,
)
from community_map.activities.programme_register_excel import (
    PROGRAMME_SHEET,
    import_programmes,
    programmes_template,
    programmes_to_excel,
)
from community_map.activities.programme_register_reads import (
    PROGRAMME_FRAME_COLUMNS,
    measurement_points,
    programme_by_code,
    programme_wave_options,
    programme_waves,
    programmes_frame,
    wave_option,
)
from community_map.activities.programme_register_writes import (
    PointRow,
    create_programme,
    points_from_rows,
    set_measurement_points,
    update_programme,
    validate_points,
)
from community_map.activities.programme_writes import import_programme
from community_map.activities.reads import (
    PHASE_LABELS,
    SESSION_TYPE_LABELS,
    TYPOLOGY_LABELS,
    actions_frame,
    attendance_frame,
    attendance_rates,
    itinerary,
    phase_history,
    register_frame,
    sessions_frame,
    sessions_held_count,
    sign_in_sheet_html,
    week_with_sessions,
)
from community_map.activities.recurrence import MAX_OCCURRENCES, occurrences, series_rule
from community_map.activities.session_writes import (
    ConflictError,
    SessionPlan,
    cancel_sessions,
    plan_sessions,
    update_sessions,
)

__all__ = [
    "ATTENDANCE_COLUMNS",
    "ATTENDANCE_IMPORT_COLUMNS",
    "ATTENDANCE_STATUS_LABELS",
    "ENROLMENT_COLUMNS",
    "ENROLMENT_FRAME_COLUMNS",
    "MAX_OCCURRENCES",
    "MONTH_LINES",
    "PARTICIPANT_CODE_PREFIX",
    "PARTICIPANT_COLUMNS",
    "PARTICIPANT_FRAME_COLUMNS",
    "PHASE_LABELS",
    "PROGRAMME_COLUMNS",
    "PROGRAMME_FRAME_COLUMNS",
    "PROGRAMME_SHEET",
    "SESSION_IMPORT_COLUMNS",
    "SESSION_STATUS_LABELS",
    "SESSION_TYPE_LABELS",
    "TIMEZONE",
    "TYPE_COLOURS",
    "TYPOLOGY_LABELS",
    "Conflict",
    "ConflictError",
    "ConflictKind",
    "EnrolmentRow",
    "ImportProblem",
    "OpeningHours",
    "ParticipantStatus",
    "PointRow",
    "ProgrammeImport",
    "ProgrammeImportError",
    "SessionPlan",
    "absent_until",
    "actions_frame",
    "add_phase",
    "add_walk_in",
    "age_band_for",
    "attendance_frame",
    "attendance_long_frame",
    "attendance_rates",
    "cancel_sessions",
    "check_conflicts",
    "cohort",
    "create_action",
    "create_participant",
    "create_programme",
    "enrolment_rows",
    "enrolments_frame",
    "finalise_session",
    "find_conflicts",
    "import_participants",
    "import_programme",
    "import_programmes",
    "is_open",
    "itinerary",
    "known_codes",
    "mark_all_present",
    "mark_attendance",
    "measurement_points",
    "month_calendar_html",
    "next_participant_code",
    "occurrences",
    "parse_opening_hours",
    "participant_by_code",
    "participant_register_choices",
    "participants_frame",
    "participants_template",
    "participants_to_excel",
    "phase_history",
    "plan_sessions",
    "planner_choices",
    "points_from_rows",
    "programme_by_code",
    "programme_frame",
    "programme_from_excel",
    "programme_template_excel",
    "programme_to_excel",
    "programme_to_ical",
    "programme_wave_options",
    "programme_waves",
    "programmes_frame",
    "programmes_template",
    "programmes_to_excel",
    "register_frame",
    "reopen_session",
    "series_rule",
    "session_details",
    "session_uid",
    "sessions_frame",
    "sessions_held_count",
    "set_enrolments",
    "set_measurement_points",
    "sign_in_sheet_html",
    "update_participant",
    "update_programme",
    "update_sessions",
    "validate_points",
    "wave_option",
    "week_calendar_html",
    "week_with_sessions",
]
