"""Attendance page: the register of a session, one tap per person, on a phone or a laptop."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from community_map import i18n
from community_map.activities import (
    absent_until,
    add_walk_in,
    attendance_rates,
    finalise_session,
    mark_all_present,
    mark_attendance,
    register_frame,
    reopen_session,
    sessions_frame,
    sign_in_sheet_html,
    week_with_sessions,
)
from community_map.errors import CommunityMapError
from community_map.i18n import gettext as _
from community_map.i18n import ngettext
from community_map.trust import Permission
from community_map.ui import shell

actor = shell.require_permission(Permission.TAKE_ATTENDANCE)
language = shell.setup_language()
STATUS = {"attended": _("Attended"), "absent": _("Absent"), "excused": _("Excused")}
st.title(_("Attendance register"))

if "register_week" not in st.session_state:  # open on a week with sessions
    with shell.db_session() as session:
        st.session_state["register_week"] = week_with_sessions(session, today=dt.date.today())
day = st.date_input(_("Sessions of the week starting"), format="DD/MM/YYYY", key="register_week")
with shell.db_session() as session:
    week = sessions_frame(
        session,
        start=dt.datetime.combine(day, dt.time()),
        end=dt.datetime.combine(day + dt.timedelta(days=7), dt.time()),
    )
week = week[week.status != "cancelled"]
if week.empty:
    st.info(_("No sessions that week."))
    st.stop()
labels = {
    r.session_id: f"{i18n.format_day(r.starts_at, 'EEE dd/MM HH:mm')} · {r.title} · {r.venue or ''}"
    for r in week.itertuples()
}
session_id = st.selectbox(
    _("Session"), list(labels), format_func=labels.__getitem__, key="register_session"
)
info = week.set_index("session_id").loc[session_id]


def _run(fn, **kwargs) -> None:  # type: ignore[no-untyped-def]
    try:
        with shell.db_session() as session:
            fn(session, actor=actor, session_id=int(session_id), **kwargs)
    except CommunityMapError as exc:
        shell.report_error(exc)
    else:
        st.rerun()


with shell.db_session() as session:
    register = register_frame(session, int(session_id), actor=actor)
    sheet = sign_in_sheet_html(session, int(session_id), actor=actor, language=language)
locked = bool(info["finalised"])
not_started = info["starts_at"] > dt.datetime.now()
if locked:
    st.info(_("This register is finalised."))
elif not_started:
    st.info(
        _(
            "This session has not started yet: absences and excuses can be recorded now; "
            "attendance, walk-ins and finalising once it has started."
        )
    )
if register.empty:
    st.info(_("No one is invited to this session yet: add walk-ins by code below."))


def _mark_one(participant_id: int, key: str) -> None:
    """Save one tap at once (radio callback)."""
    try:
        with shell.db_session() as session:
            mark_attendance(
                session,
                actor=actor,
                session_id=int(session_id),
                marks={participant_id: st.session_state[key]},
            )
    except CommunityMapError as exc:
        st.session_state["register_error"] = str(exc)


if problem := st.session_state.pop("register_error", None):
    st.error(shell.plain(problem))
# keyed on the stored statuses, so the radios show them again after every save
revision = abs(hash(tuple(register.status.fillna("").tolist()))) % 10**8
for row in register.itertuples():
    name = (
        row.code
        + (f" ({row.alias})" if row.alias else "")
        + (" ·" + _("walk-in") if row.walk_in else "")
    )
    widget_key = f"mark_{session_id}_{row.participant_id}_{revision}"
    st.radio(
        shell.plain(name),
        list(STATUS),
        format_func=STATUS.__getitem__,
        horizontal=True,
        index=list(STATUS).index(row.status) if row.status else None,
        key=widget_key,
        disabled=locked,
        on_change=_mark_one,
        args=(int(row.participant_id), widget_key),
    )
st.caption(_("Each tap is saved at once."))
cols = st.columns(3)
unmarked = int(register.status.isna().sum())
if cols[1].button(
    shell.plain(
        ngettext(
            "Mark {n} person without a mark as present",
            "Mark {n} people without a mark as present",
            unmarked,
        ).format(n=unmarked)
    ),
    disabled=locked or not_started or not unmarked,
    key="all_present",
    help=_("Marks already recorded (an absence, an excuse) are kept."),
):
    _run(mark_all_present)
if locked and actor.can(Permission.REOPEN_SESSIONS):
    why = cols[2].text_input(_("Reason for reopening"), key="reopen_reason")
    if cols[2].button(_("Reopen the register"), disabled=not why.strip(), key="reopen_register"):
        _run(reopen_session, reason=why)
elif cols[2].button(
    _("Finalise the register"), disabled=locked or not_started, key="finalise_register"
):
    _run(finalise_session)

with st.expander(_("Walk-in, absences and printable sheet")):
    code = st.text_input(_("Participant code of a walk-in"), key="walk_in_code")
    closed = locked or not_started or not code.strip()
    if st.button(_("Add walk-in"), disabled=closed, key="add_walk_in"):
        _run(add_walk_in, code=code)
    people = dict(zip(register.participant_id, register.code, strict=True))
    who = st.selectbox(
        _("Participant"), list(people), format_func=people.__getitem__, key="absent_who"
    )
    until = st.date_input(
        _("Excused until"),
        format="DD/MM/YYYY",
        key="absent_until",
        value=info["starts_at"].date() + dt.timedelta(weeks=4),
    )
    if st.button(_("Mark excused until that date"), key="absent_apply", disabled=who is None):
        _run(absent_until, participant_id=int(who), until=until)
    shell.personal_download(
        st,
        _("Printable sign-in sheet"),
        sheet.encode("utf-8"),
        f"sign_in_{session_id}.html",
        "text/html",
        key="sign_in_sheet",
        kind="sign_in_sheet",
        rows=len(register),
        filters={"session_id": int(session_id)},
    )

series_id, action_id = info["series_id"], info["action_id"]
if pd.notna(series_id) or pd.notna(action_id):
    st.subheader(_("Attendance rate over the series"))
    with shell.db_session() as session:
        rates = (
            attendance_rates(session, actor=actor, series_id=int(series_id))
            if pd.notna(series_id)
            else attendance_rates(session, actor=actor, action_id=int(action_id))
        )
    shell.show_table(
        rates,
        {"recorded": _("Sessions recorded"), "attended": _("Attended"), "rate": _("Rate")},
        index=True,
    )
