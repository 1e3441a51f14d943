"""Community actions, their sessions and attendance.

The public face of the activities domain: labels and tables (reads).
"""

from __future__ import annotations

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
)

__all__ = [
    "PHASE_LABELS",
    "SESSION_TYPE_LABELS",
    "TYPOLOGY_LABELS",
    "actions_frame",
    "attendance_frame",
    "attendance_rates",
    "itinerary",
    "phase_history",
    "register_frame",
    "sessions_frame",
    "sessions_held_count",
    "sign_in_sheet_html",
]
