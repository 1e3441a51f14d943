"""Assessments page: record a participant's SSM-Cat (or other instrument) assessment."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from community_map.errors import CommunityMapError
from community_map.evaluation import (
    PHASE_LABELS,
    assessment_choices,
    available_instruments,
    delete_assessment,
    describe_assessment,
    history_table,
    participant_history,
    save_assessment,
)
from community_map.i18n import get_language
from community_map.i18n import gettext as _
from community_map.trust import Permission
from community_map.ui import assessment_panels, shell

actor = shell.require_permission(Permission.RECORD_ASSESSMENTS)
shell.setup_language()
language = get_language()
st.title(_("Assessments"))
st.caption(
    _(
        "Rate a participant on every domain of the instrument (SSM-Cat: 1 acute problem to "
        "5 fully self-sufficient) at reception, follow-up or closure. Leave a domain as "
        "'Not assessed' when you have no recent information: it is never counted as a score."
    )
)
if flash := st.session_state.pop("assessments_flash", None):
    st.success(shell.plain(flash))

with shell.db_session() as session:
    codes, assessors = assessment_choices(session, actor=actor)
    instruments = available_instruments(session)

participant = st.selectbox(
    _("Participant"),
    codes,
    index=None,
    placeholder=_("Choose a participant code"),
    key="assessment_participant",
    help=_("Only participants who consented to assessments are listed."),
)
if participant is None:
    assessment_panels.excel(actor)
    st.stop()

with shell.db_session() as session:
    history = participant_history(session, participant, actor=actor)
rows = {int(r["id"]): r for r in history.to_dict("records")}
if rows:
    st.subheader(shell.plain(_("Assessments of {code}").format(code=participant)))
    shell.show_table(
        history_table(history),
        {
            "assessed_on": _("Date"),
            "phase": _("Phase"),
            "instrument": _("Instrument"),
            "assessor": _("Assessor"),
            "assessed": _("Domains assessed"),
        },
    )
else:
    st.info(shell.plain(_("{code} has no assessments yet.").format(code=participant)))
if st.session_state.pop("assessment_forget", False):
    st.session_state.pop("assessment_chosen", None)
if (after_save := st.session_state.pop("assessment_saved", None)) in rows:
    st.session_state["assessment_chosen"] = after_save
chosen = st.selectbox(
    _("Assessment to edit"),
    [None, *rows],
    format_func=lambda i: _("New assessment") if i is None else describe_assessment(rows[i]),
    key="assessment_chosen",
)
current = rows.get(chosen) if chosen is not None else None
codes_of_tools = sorted(instruments, key=lambda c: (c != "ssm-cat", c))
if current is not None and current["instrument"] in instruments:
    tool_code = str(current["instrument"])
    st.caption(
        shell.plain(_("Instrument: {name}").format(name=instruments[tool_code].name_in(language)))
    )
else:
    tool_code = st.selectbox(
        _("Instrument"),
        codes_of_tools,
        format_func=lambda c: instruments[c].name_in(language),
        key="assessment_instrument",
    )
tool = instruments[tool_code]
suffix = f"{participant}_{chosen}_{current['version'] if current is not None else 0}_{tool_code}"
phases = list(PHASE_LABELS)
assessor_codes = [None, *assessors]

with st.form(f"assessment_{suffix}"):
    c1, c2 = st.columns(2)
    on = c1.date_input(
        _("Assessment date"),
        current["assessed_on"] if current is not None else dt.date.today(),
        format="DD/MM/YYYY",
        key=f"assessment_on_{suffix}",
    )
    phase = c2.selectbox(
        _("Phase"),
        phases,
        index=phases.index(current["phase"]) if current is not None else 0,
        format_func=lambda p: _(PHASE_LABELS[p]),
        key=f"assessment_phase_{suffix}",
    )
    c3, c4 = st.columns(2)
    now_assessor = current["assessor"] if current is not None else None
    assessor = c3.selectbox(
        _("Assessor"),
        assessor_codes,
        index=assessor_codes.index(now_assessor) if now_assessor in assessor_codes else 0,
        format_func=lambda c: "—" if c is None else assessors[c],
        key=f"assessment_assessor_{suffix}",
    )
    information_on = c4.date_input(
        _("Date of the oldest information used"),
        current["information_on"] if current is not None else None,
        format="DD/MM/YYYY",
        help=_(
            "{name} leaves out information more than {days} days older than the assessment."
        ).format(name=tool.name_in(language), days=tool.max_information_age_days),
        key=f"assessment_info_{suffix}",
    )
    st.markdown(_("**Level per domain**"))
    levels = assessment_panels.level_inputs(tool, current, key=suffix, language=language)
    note = st.text_area(
        _("Note"), current["note"] if current is not None else "", key=f"assessment_note_{suffix}"
    )
    save = st.form_submit_button(_("Save the assessment"), type="primary")
if save:
    try:
        with shell.db_session() as session:
            saved_id = save_assessment(
                session,
                actor=actor,
                assessment_id=None if current is None else int(current["id"]),
                version=None if current is None else int(current["version"]),
                code=participant,
                instrument=tool.code,
                on=on,
                phase=phase,
                levels=levels,
                assessor_code=assessor,
                information_on=information_on,
                note=note,
            ).id
        st.session_state["assessments_flash"] = _("Assessment of {code} saved.").format(
            code=participant
        )
        st.session_state["assessment_saved"] = saved_id
    except CommunityMapError as exc:
        shell.report_error(exc)
    else:
        st.cache_data.clear()
        st.rerun()

if current is not None:
    with st.expander(_("Delete this assessment")):
        sure = st.checkbox(_("Yes, delete it"), key=f"assessment_delete_sure_{suffix}")
        if st.button(_("Delete"), disabled=not sure, key=f"assessment_delete_{suffix}"):
            try:
                with shell.db_session() as session:
                    delete_assessment(
                        session,
                        actor=actor,
                        assessment_id=int(current["id"]),
                        version=int(current["version"]),
                    )
            except CommunityMapError as exc:
                shell.report_error(exc)
            else:
                st.session_state["assessments_flash"] = _("Assessment deleted.")
                st.session_state["assessment_forget"] = True
                st.rerun()
assessment_panels.excel(actor)
