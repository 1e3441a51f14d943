"""App-side helpers of the activity pages: cached choice lists and the session form."""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from community_map import activities
from community_map.activities import SESSION_TYPE_LABELS, SessionPlan
from community_map.i18n import gettext as _
from community_map.models import SessionType
from community_map.trust import Actor
from community_map.ui import shell

__all__ = [
    "choices",
    "cohort",
    "details",
    "pending_key",
    "remember",
    "session_form",
    "type_label",
]


@st.cache_data(show_spinner=False, max_entries=8)
def _choices(version: int, role: str, _actor: Actor) -> dict[str, dict[int, Any]]:
    with shell.db_session() as session:
        return activities.planner_choices(session, actor=_actor)


def choices(version: int) -> dict[str, dict[int, Any]]:
    """Labels of venues, professionals, services, participants and actions by id.

    Cached per data version and role: participant codes only for roles that may see them.
    """
    actor = shell.require_actor()
    return _choices(version, actor.role.value, actor)


def cohort(action_id: int | None) -> list[int]:
    """Participants invited to the action's latest session: the default invitation list."""
    with shell.db_session() as session:
        return activities.cohort(session, action_id, actor=shell.require_actor())


def _own_facilitator(professionals: dict[int, str]) -> list[int]:
    """A new session is facilitated by the planner, when their account is a professional."""
    own = shell.require_actor().professional_id
    return [own] if own is not None and own in professionals else []


def type_label(value: str) -> str:
    return _(SESSION_TYPE_LABELS[SessionType(value)])


def details(actor: Actor, session_id: int) -> dict[str, Any]:
    """Every field of a session the edit form loads (and saves)."""
    with shell.db_session() as session:
        return activities.session_details(session, actor=actor, session_id=session_id)


def _with(options: dict[int, str], chosen: list[int] | int | None, label: str) -> dict[int, str]:
    """The options plus the chosen ones missing from them (so a save keeps them)."""
    wanted = chosen if isinstance(chosen, list) else [] if chosen is None else [chosen]
    missing = {i: label or f"#{i}" for i in wanted if i not in options}
    return {**options, **missing}


def session_form(
    key: str,
    lists: dict[str, dict[int, str]],
    *,
    action_id: int | None,
    row: dict[str, Any] | None = None,
) -> tuple[SessionPlan, str] | None:
    """Draw the session form; return the plan and the recurrence scope when submitted.

    ``row`` (from :func:`details`) fills every field for an edit: what the form does not
    show would be lost on saving.
    """
    types = [t.value for t in SessionType]
    venues = _with(
        lists["venues"],
        None if row is None else row["venue_id"],
        "" if row is None else row["venue"],
    )
    people = _with(lists["participants"], [] if row is None else row["participant_ids"], "")
    professionals = _with(lists["professionals"], [] if row is None else row["facilitator_ids"], "")
    services = _with(lists["services"], [] if row is None else row["partner_service_ids"], "")
    with st.form(key):
        c1, c2 = st.columns(2)
        stype = c1.selectbox(
            _("Type"),
            types,
            format_func=type_label,
            key=f"{key}_type",
            index=types.index(row["type"]) if row is not None else 1,
        )
        title = c2.text_input(
            _("Title"), key=f"{key}_title", value="" if row is None else row["title"]
        )
        c3, c4, c5 = st.columns(3)
        start = (
            row["starts_at"]
            if row is not None
            else dt.datetime.combine(dt.date.today() + dt.timedelta(days=7), dt.time(10, 0))
        )
        day = c3.date_input(_("Date"), value=start.date(), key=f"{key}_date", format="DD/MM/YYYY")
        begins = c4.time_input(_("Start"), value=start.time(), key=f"{key}_start")
        ends = c5.time_input(
            _("End"),
            key=f"{key}_end",
            value=(row["ends_at"] if row is not None else start + dt.timedelta(hours=2)).time(),
        )
        venue = st.selectbox(
            _("Venue (name · capacity · accessibility)"),
            list(venues),
            format_func=venues.__getitem__,
            key=f"{key}_venue",
            index=list(venues).index(row["venue_id"])
            if row is not None and row["venue_id"] in venues
            else None,
            placeholder=_("Search a venue by name"),
        )
        facilitators = st.multiselect(
            _("Facilitators"),
            list(professionals),
            format_func=professionals.__getitem__,
            key=f"{key}_facilitators",
            default=_own_facilitator(professionals) if row is None else row["facilitator_ids"],
        )
        partners = st.multiselect(
            _("Partner services"),
            list(services),
            format_func=services.__getitem__,
            key=f"{key}_partners",
            default=[] if row is None else row["partner_service_ids"],
        )
        invited = st.multiselect(
            _("Invited participants"),
            list(people),
            format_func=people.__getitem__,
            key=f"{key}_invited_{action_id}",
            default=[p for p in cohort(action_id) if p in people]
            if row is None
            else row["participant_ids"],
        )
        c6, c7, c8 = st.columns(3)
        capacity = c6.number_input(
            _("Places"),
            min_value=0,
            step=1,
            value=None if row is None else row["capacity"],
            key=f"{key}_capacity",
        )
        every = c7.number_input(
            _("Repeat every N weeks (0: no)"),
            min_value=0,
            max_value=8,
            value=0,
            step=1,
            key=f"{key}_every",
            disabled=row is not None,
        )
        until = c8.date_input(
            _("Repeat until"),
            value=day + dt.timedelta(weeks=8),
            key=f"{key}_until",
            format="DD/MM/YYYY",
            disabled=row is not None,
        )
        notes = st.text_area(
            _("Notes"), key=f"{key}_notes", height=68, value="" if row is None else row["notes"]
        )
        scope = "one"
        if row is not None and row["series_id"] is not None:
            scope = st.radio(
                _("Apply to"),
                ["one", "following"],
                horizontal=True,
                key=f"{key}_scope",
                format_func=lambda s: (
                    _("This session only") if s == "one" else _("This and the following sessions")
                ),
            )
        submitted = st.form_submit_button(_("Check and save"), type="primary")
    if not submitted:
        return None
    plan = SessionPlan(
        action_id=action_id,
        type=stype,
        title=title,
        starts_at=dt.datetime.combine(day, begins),
        ends_at=dt.datetime.combine(day, ends),
        venue_asset_id=venue,
        capacity=None if capacity is None else int(capacity),
        facilitator_ids=facilitators,
        partner_service_ids=partners,
        participant_ids=invited,
        notes=notes,
        every_weeks=int(every) or None,
        until=until if every else None,
    )
    return plan, scope


def pending_key() -> str:
    return "planner_pending"


def remember(
    plan: SessionPlan, conflicts: list[Any], scope: str, target: dict[str, Any] | None
) -> None:
    st.session_state[pending_key()] = {
        "plan": plan,
        "conflicts": conflicts,
        "scope": scope,
        "target": target,
    }
