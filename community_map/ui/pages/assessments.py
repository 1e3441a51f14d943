"""Assessments page: record a participant's SSM-Cat (or other instrument) assessment."""

from __future__ import annotations

import datetime as dt
import functools

import streamlit as st

from community_map.errors import CommunityMapError
from community_map.evaluation import (
    PHASE_LABELS,
    assessment_choices,
    assessments_template,
    assessments_to_excel,
    available_instruments,
    create_assessment,
    delete_assessment,
    import_assessments,
    participant_history,
    update_assessment,
)
from community_map.i18n import get_language
from community_map.i18n import gettext as _
from community_map.trust import Permission
from community_map.ui import register_panels, shell

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


def _excel_panel() -> None:
    register_panels.excel_panel(
        key="assessments_excel",
        file_stem="assessments",
        template=assessments_template,
        export=(
            (lambda s: assessments_to_excel(s, actor=actor))
            if actor.can(Permission.EXPORT_PERSONAL_DATA)
            else None
        ),
        importer=lambda s, data, name, skip: import_assessments(
            s, data, actor=actor, path=name, skip_bad_rows=skip
        ),
    )


if participant is None:
    _excel_panel()
    st.stop()

with shell.db_session() as session:
    history = participant_history(session, participant, actor=actor)
rows = {int(r["id"]): r for r in history.to_dict("records")}
if rows:
    st.subheader(_("Assessments of {code}").format(code=participant))
    table = history[["assessed_on", "phase", "instrument", "assessor", "assessed"]].copy()
    table["phase"] = [_(PHASE_LABELS.get(p, p)) for p in table["phase"]]
    shell.show_table(
        table,
        {
            "assessed_on": _("Date"),
            "phase": _("Phase"),
            "instrument": _("Instrument"),
            "assessor": _("Assessor"),
            "assessed": _("Domains assessed"),
        },
    )
else:
    st.info(_("{code} has no assessments yet.").format(code=participant))


def _describe(chosen: int | None) -> str:
    if chosen is None:
        return _("New assessment")
    row = rows[chosen]
    when = row["assessed_on"].strftime("%d/%m/%Y")
    return f"{when} · {_(PHASE_LABELS.get(row['phase'], row['phase']))} · {row['instrument']}"


if st.session_state.pop("assessment_forget", False):
    st.session_state.pop("assessment_chosen", None)
if (after_save := st.session_state.pop("assessment_saved", None)) in rows:
    st.session_state["assessment_chosen"] = after_save
chosen = st.selectbox(
    _("Assessment to edit"), [None, *rows], format_func=_describe, key="assessment_chosen"
)
current = rows.get(chosen) if chosen is not None else None
codes_of_tools = sorted(instruments, key=lambda c: (c != "ssm-cat", c))
if current is not None and current["instrument"] in instruments:
    tool_code = str(current["instrument"])
    st.caption(_("Instrument: {name}").format(name=instruments[tool_code].title(language)))
else:
    tool_code = st.selectbox(
        _("Instrument"),
        codes_of_tools,
        format_func=lambda c: instruments[c].title(language),
        key="assessment_instrument",
    )
tool = instruments[tool_code]
suffix = f"{participant}_{chosen}_{current['version'] if current is not None else 0}_{tool_code}"
phases = list(PHASE_LABELS)
assessor_codes = [None, *assessors]


def _level_text(domain: str, level: int | None) -> str:
    if level is None:
        return _("Not assessed")
    text = f"{level} · {tool.level_label(level, language)}"
    if description := tool.level_description(domain, level, language):
        text += f": {description}"
    return text


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
        ).format(name=tool.title(language), days=tool.max_information_age_days),
        key=f"assessment_info_{suffix}",
    )
    st.markdown(_("**Level per domain**"))
    levels: dict[str, int | None] = {}
    options: list[int | None] = [None, *tool.levels]
    for domain in tool.domains:
        stored = current.get(domain) if current is not None else None
        stored = None if stored is None or stored != stored else int(stored)
        levels[domain] = st.selectbox(
            tool.domain_label(domain, language),
            options,
            index=options.index(stored) if stored in options else 0,
            format_func=functools.partial(_level_text, domain),
            key=f"assessment_level_{domain}_{suffix}",
        )
    note = st.text_area(
        _("Note"), current["note"] if current is not None else "", key=f"assessment_note_{suffix}"
    )
    save = st.form_submit_button(_("Save the assessment"), type="primary")
if save:
    try:
        with shell.db_session() as session:
            if current is None:
                saved = create_assessment(
                    session,
                    actor=actor,
                    code=participant,
                    on=on,
                    phase=phase,
                    levels=levels,
                    instrument=tool.code,
                    assessor_code=assessor,
                    information_on=information_on,
                    note=note,
                )
            else:
                saved = update_assessment(
                    session,
                    actor=actor,
                    assessment_id=int(current["id"]),
                    version=int(current["version"]),
                    on=on,
                    phase=phase,
                    levels=levels,
                    assessor_code=assessor,
                    information_on=information_on,
                    note=note,
                )
            saved_id = saved.id
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
_excel_panel()
