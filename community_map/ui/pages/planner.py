"""Planner page: plan sessions (single or recurring) with conflict checks; edit or cancel them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from community_map.activities import (
    ConflictError,
    SessionPlan,
    cancel_sessions,
    plan_sessions,
    sessions_frame,
    update_sessions,
)
from community_map.errors import CommunityMapError
from community_map.i18n import gettext as _
from community_map.trust import Permission
from community_map.ui import map_panels, planner_forms, shell

actor = shell.require_permission(Permission.PLAN_ACTIVITIES)
shell.setup_language()
lists = planner_forms.choices(map_panels.data_version())
st.title(_("Plan sessions"))

actions = lists["actions"]
action_id = st.selectbox(
    _("Community action"),
    [None, *actions],
    key="planner_action",
    format_func=lambda a: _("None (e.g. a coordination meeting)") if a is None else actions[a],
)


def _save(plan: SessionPlan, scope: str, target: dict[str, Any] | None, note: str | None) -> None:
    with shell.db_session() as session:
        if target is None:
            rows = plan_sessions(session, actor=actor, plan=plan, save_anyway_note=note)
            st.session_state["planner_flash"] = _("{n} sessions saved.").format(n=len(rows))
        else:
            rows = update_sessions(
                session,
                actor=actor,
                session_id=target["id"],
                version=target["version"],
                plan=plan,
                scope=scope,
                save_anyway_note=note,
            )
            st.session_state["planner_flash"] = _("{n} sessions changed.").format(n=len(rows))
    st.session_state.pop(planner_forms.pending_key(), None)
    st.cache_data.clear()


def _attempt(plan: SessionPlan, scope: str, target: dict[str, Any] | None) -> None:
    try:
        _save(plan, scope, target, None)
    except ConflictError as exc:
        planner_forms.remember(plan, exc.conflicts, scope, target)
    except CommunityMapError as exc:
        st.session_state["planner_error"] = str(exc)


if flash := st.session_state.pop("planner_flash", None):
    st.success(shell.plain(flash))
if problem := st.session_state.pop("planner_error", None):
    st.error(shell.plain(problem))
pending = st.session_state.get(planner_forms.pending_key())
if pending:
    st.warning(_("Conflicts found; nothing was saved yet:"))
    for conflict in pending["conflicts"]:
        st.markdown("- " + shell.plain(conflict.message))
    note = st.text_input(_("Why save anyway? (kept with the session)"), key="conflict_note")
    left, right = st.columns(2)
    if left.button(_("Save anyway"), disabled=not note.strip(), key="save_anyway"):
        try:
            _save(pending["plan"], pending["scope"], pending["target"], note)
        except CommunityMapError as exc:
            shell.report_error(exc)
        else:
            st.rerun()
    if right.button(_("Change the plan"), key="discard_pending"):
        st.session_state.pop(planner_forms.pending_key(), None)
        st.rerun()

st.subheader(_("New session"))
submitted = planner_forms.session_form("new_session", lists, action_id=action_id)
if submitted is not None:
    _attempt(submitted[0], "one", None)
    st.rerun()

st.subheader(_("Change or cancel a session"))
with shell.db_session() as session:
    upcoming = sessions_frame(
        session,
        start=dt.datetime.combine(dt.date.today(), dt.time()),
        action_ids=[action_id] if action_id else (),
    )
upcoming = upcoming[upcoming.status != "cancelled"]
if upcoming.empty:
    st.info(_("No sessions planned from today on."))
else:
    labels = {
        r.session_id: f"{r.starts_at:%d/%m/%Y %H:%M} · {r.title} · {r.venue or ''}"
        for r in upcoming.itertuples()
    }
    chosen = st.selectbox(
        _("Session"), list(labels), format_func=labels.__getitem__, key="planner_edit_session"
    )
    row = planner_forms.details(actor, int(chosen))
    edited = planner_forms.session_form(
        f"edit_{chosen}_{row['version']}", lists, action_id=row["action_id"], row=row
    )
    if edited is not None:
        _attempt(edited[0], edited[1], {"id": int(chosen), "version": int(row["version"])})
        st.rerun()
    reason = st.text_input(_("Reason for cancelling"), key="cancel_reason")
    if st.button(_("Cancel this session"), disabled=not reason.strip(), key="cancel_session"):
        try:
            with shell.db_session() as session:
                cancel_sessions(
                    session,
                    actor=actor,
                    session_id=int(chosen),
                    version=int(row["version"]),
                    reason=reason,
                )
        except CommunityMapError as exc:
            shell.report_error(exc)
        else:
            st.cache_data.clear()
            st.rerun()
