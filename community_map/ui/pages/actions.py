"""Community actions page: create actions with their motor group, follow them through phases."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from community_map.activities import (
    PHASE_LABELS,
    TYPOLOGY_LABELS,
    actions_frame,
    add_phase,
    create_action,
    phase_history,
)
from community_map.errors import CommunityMapError
from community_map.i18n import gettext as _
from community_map.models import Phase, Typology
from community_map.trust import Permission
from community_map.ui import map_panels, planner_forms, shell

actor = shell.require_permission(Permission.PLAN_ACTIVITIES)
shell.setup_language()
version = map_panels.data_version()
lists = planner_forms.choices(version)
hoods = map_panels.load_territory(version, shell.settings().stale_after_days)["neighbourhoods"]
hood_names = dict(zip(hoods["id"], hoods["name"], strict=True))
st.title(_("Community actions"))
if flash := st.session_state.pop("actions_flash", None):
    st.success(shell.plain(flash))

with shell.db_session() as session:
    table = actions_frame(session)
shell.show_table(
    table.assign(
        typology=table.typology.map(lambda t: _(TYPOLOGY_LABELS[Typology(t)])),
        phase=table.phase.map(lambda p: _(PHASE_LABELS[Phase(p)])),
    ).drop(columns=["id"]),
    {
        "code": _("Code"),
        "title": _("Title"),
        "typology": _("Typology"),
        "phase": _("Phase"),
        "objectives": _("Objectives"),
        "lead": _("Lead service"),
        "sessions": _("Sessions"),
    },
)

with st.expander(_("New community action")), st.form("new_action", clear_on_submit=True):
    title = st.text_input(_("Title"), key="action_title")
    typology = st.selectbox(
        _("Typology"),
        [t.value for t in Typology],
        key="action_typology",
        format_func=lambda t: _(TYPOLOGY_LABELS[Typology(t)]),
    )
    objectives = st.text_area(_("Objectives"), key="action_objectives", height=80)
    lead = st.selectbox(
        _("Lead centre or service"),
        [None, *lists["services"]],
        format_func=lambda s: "—" if s is None else lists["services"][s],
        key="action_lead",
    )
    targets = st.multiselect(
        _("Target neighbourhoods"),
        list(hood_names),
        format_func=hood_names.__getitem__,
        key="action_hoods",
    )
    pros = st.multiselect(
        _("Motor group: professionals"),
        list(lists["professionals"]),
        format_func=lists["professionals"].__getitem__,
        key="action_pros",
    )
    partners = st.multiselect(
        _("Motor group: services"),
        list(lists["services"]),
        format_func=lists["services"].__getitem__,
        key="action_services",
    )
    others = st.text_input(
        _("Motor group: entities and residents (separated by commas)"), key="action_others"
    )
    create = st.form_submit_button(_("Create the community action"), type="primary")
if create:
    members = (
        [{"member_kind": "professional", "professional_id": p} for p in pros]
        + [{"member_kind": "service", "service_id": s} for s in partners]
        + [{"member_kind": "entity", "name": n.strip()} for n in others.split(",") if n.strip()]
    )
    try:
        with shell.db_session() as session:
            action = create_action(
                session,
                actor=actor,
                title=title,
                typology=typology,
                objectives=objectives,
                lead_service_id=lead,
                neighbourhood_ids=targets,
                motor_group=members,
            )
            st.session_state["actions_flash"] = _("Community action {code} created.").format(
                code=action.code
            )
    except CommunityMapError as exc:
        shell.report_error(exc)
    else:
        st.cache_data.clear()
        st.rerun()

if not table.empty:
    st.subheader(_("Phases"))
    labels = dict(zip(table.id, table.code + " · " + table.title, strict=True))
    chosen = st.selectbox(
        _("Community action"), list(labels), format_func=labels.__getitem__, key="phase_action"
    )
    with shell.db_session() as session:
        history = phase_history(session, int(chosen))
    shell.show_table(
        history.assign(phase=history.phase.map(lambda p: _(PHASE_LABELS[Phase(p)]))),
        {"phase": _("Phase"), "started_on": _("Since"), "note": _("Note")},
    )
    with st.form("add_phase"):
        phase = st.selectbox(
            _("Next phase"),
            [p.value for p in Phase],
            key="phase_value",
            format_func=lambda p: _(PHASE_LABELS[Phase(p)]),
        )
        since = st.date_input(
            _("Since"), value=dt.date.today(), format="DD/MM/YYYY", key="phase_since"
        )
        note = st.text_input(_("Note"), key="phase_note")
        move = st.form_submit_button(_("Record the phase"))
    if move:
        try:
            with shell.db_session() as session:
                add_phase(
                    session,
                    actor=actor,
                    action_id=int(chosen),
                    phase=phase,
                    started_on=since,
                    note=note,
                )
        except CommunityMapError as exc:
            shell.report_error(exc)
        else:
            st.cache_data.clear()
            st.rerun()
