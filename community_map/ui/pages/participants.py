"""Participants page: the register of participants, their enrolments, consent and referents."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy.orm import Session

from community_map._registers import RegisterImport
from community_map.activities import (
    create_participant,
    enrolment_rows,
    enrolments_frame,
    import_participants,
    participant_register_choices,
    participants_frame,
    participants_template,
    participants_to_excel,
    update_participant,
)
from community_map.errors import CommunityMapError
from community_map.i18n import gettext as _
from community_map.models import (
    AGE_BANDS,
    EVALUATION_GROUP_LABELS,
    EXIT_REASON_LABELS,
    GENDER_LABELS,
)
from community_map.trust import Permission
from community_map.ui import register_panels, shell

actor = shell.require_permission(Permission.VIEW_PARTICIPANTS)
shell.setup_language()
can_edit = actor.can(Permission.EDIT_PARTICIPANTS)
sees_aliases = actor.can(Permission.VIEW_ALIASES)
st.title(_("Participants"))
st.caption(
    _(
        "Participants are pseudonymous codes: never write a full name. A code is generated "
        "when you leave it empty. Enrolments in programmes and community actions, consent "
        "and reference professionals are kept here."
    )
)
if flash := st.session_state.pop("participants_flash", None):
    st.success(shell.plain(flash))

with shell.db_session() as session:
    lists = participant_register_choices(session)
status_labels = {
    "active": _("Active"),
    "exited": _("Exited"),
    "not_enrolled": _("Not enrolled"),
}
c1, c2, c3, c4, c5 = st.columns(5)
search = c1.text_input(_("Search"), key="participants_search", placeholder=_("Code or alias"))
programme = c2.selectbox(
    _("Programme"),
    [None, *lists["programmes"]],
    format_func=lambda i: _("All") if i is None else lists["programmes"][i],
    key="participants_programme",
)
action = c3.selectbox(
    _("Community action"),
    [None, *lists["actions"]],
    format_func=lambda i: _("All") if i is None else lists["actions"][i],
    key="participants_action",
)
hood = c4.selectbox(
    _("Neighbourhood"),
    [None, *lists["neighbourhoods"]],
    format_func=lambda i: _("All") if i is None else lists["neighbourhoods"][i],
    key="participants_hood",
)
status = c5.selectbox(
    _("Status"),
    [None, *status_labels],
    format_func=lambda s: _("All") if s is None else status_labels[s],
    key="participants_status",
)
with shell.db_session() as session:
    table = participants_frame(
        session,
        actor=actor,
        programme_id=programme,
        action_id=action,
        neighbourhood_id=hood,
        status=status,
        search=search,
    )
genders = {str(k): _(v) for k, v in GENDER_LABELS.items()}
shown = table.assign(
    gender=table["gender"].map(lambda g: genders.get(g, g)),
    status=table["status"].map(status_labels),
)
st.caption(_("{n} participants").format(n=len(table)))
shell.show_table(
    shown.drop(
        columns=["id", "neighbourhood_id", "neighbourhood_code", "professional_ids", "version"]
    ),
    {
        "code": _("Code"),
        "alias": _("Alias"),
        "birth_year": _("Year of birth"),
        "age_band": _("Age band"),
        "gender": _("Gender"),
        "neighbourhood": _("Neighbourhood"),
        "consent_date": _("Consent date"),
        "consent_processing": _("Data processing"),
        "consent_survey": _("Network survey"),
        "consent_images": _("Images"),
        "professionals": _("Reference professionals"),
        "programmes": _("Programmes"),
        "actions": _("Community actions"),
        "status": _("Status"),
    },
)


def _export(session: Session) -> bytes:
    return participants_to_excel(session, actor=actor)


def _import(session: Session, data: bytes, name: str, skip: bool) -> RegisterImport:
    return import_participants(session, data, actor=actor, path=name, skip_bad_rows=skip)


with shell.db_session() as session:
    template = participants_template(session)
register_panels.excel_panel(
    key="participants",
    file_stem="participants",
    template=lambda: template,
    export=_export if actor.can(Permission.EXPORT_PERSONAL_DATA) else None,
    importer=_import if can_edit else None,
)

if not can_edit:
    st.stop()

st.subheader(_("Create or edit a participant"))
with shell.db_session() as session:
    everyone = participants_frame(session, actor=actor)
rows = {int(row.id): row for row in everyone.itertuples(index=False)}
if (after_save := st.session_state.pop("participant_saved", None)) in rows:
    st.session_state["participant_chosen"] = after_save
chosen = st.selectbox(
    _("Participant to edit"),
    [None, *rows],
    format_func=lambda i: _("New participant") if i is None else rows[i].code,
    key="participant_chosen",
)
current = rows.get(chosen) if chosen is not None else None
programme_codes, action_codes = lists["programmes"], lists["actions"]
reasons = {str(k): _(v) for k, v in EXIT_REASON_LABELS.items()}
groups = {str(k): _(v) for k, v in EVALUATION_GROUP_LABELS.items()}
if current is not None:
    with shell.db_session() as session:
        mine = enrolments_frame(session, actor=actor, participant_id=int(current.id))
    enrolled = pd.DataFrame(
        {
            "programme": mine["programme"],
            "action": mine["action"],
            "starts_on": pd.to_datetime(mine["starts_on"]),
            "ends_on": pd.to_datetime(mine["ends_on"]),
            "exit_reason": mine["exit_reason"].map(lambda r: reasons.get(r)),
            "evaluation_group": mine["evaluation_group"].map(lambda g: groups.get(g)),
        }
    )
else:
    empty_days = pd.Series([], dtype="datetime64[ns]")
    enrolled = pd.DataFrame(
        {
            "programme": pd.Series([], dtype=object),
            "action": pd.Series([], dtype=object),
            "starts_on": empty_days,
            "ends_on": empty_days,
            "exit_reason": pd.Series([], dtype=object),
            "evaluation_group": pd.Series([], dtype=object),
        }
    )
suffix = f"{chosen}_{current.version if current is not None else 0}"
this_year = dt.date.today().year
with st.form(f"participant_{suffix}"):
    code = st.text_input(
        _("Code"),
        current.code if current is not None else "",
        disabled=current is not None,
        placeholder=_("Empty: a code is generated (P-00001...)"),
        key=f"participant_code_{suffix}",
    )
    alias = (
        st.text_input(
            _("Alias (staff only; never a full name)"),
            (current.alias or "") if current is not None else "",
            max_chars=100,
            key=f"participant_alias_{suffix}",
        )
        if sees_aliases
        else None
    )
    c1, c2, c3 = st.columns(3)
    year_now = current.birth_year if current is not None else None
    birth_year = c1.number_input(
        _("Year of birth"),
        min_value=1900,
        max_value=this_year,
        value=None if year_now is None or pd.isna(year_now) else int(year_now),
        step=1,
        key=f"participant_year_{suffix}",
        help=_("With a year of birth the age band is worked out from it."),
    )
    bands = ["", *AGE_BANDS]
    band_now = current.age_band if current is not None else ""
    age_band = c2.selectbox(
        _("Age band"),
        bands,
        index=bands.index(band_now) if band_now in bands else 0,
        format_func=lambda b: b or "—",
        key=f"participant_band_{suffix}",
    )
    gender_options = ["", *genders]
    gender_now = current.gender if current is not None else ""
    gender = c3.selectbox(
        _("Gender"),
        gender_options,
        index=gender_options.index(gender_now) if gender_now in gender_options else 0,
        format_func=lambda g: genders.get(g, "—"),
        key=f"participant_gender_{suffix}",
    )
    hoods = lists["neighbourhoods"]
    hood_now = current.neighbourhood_id if current is not None else None
    hood_ids = [None, *hoods]
    neighbourhood = st.selectbox(
        _("Home neighbourhood"),
        hood_ids,
        index=hood_ids.index(int(hood_now))
        if hood_now is not None and not pd.isna(hood_now) and int(hood_now) in hoods
        else 0,
        format_func=lambda i: "—" if i is None else hoods[i],
        key=f"participant_hood_{suffix}",
    )
    staff = lists["professionals"]
    professionals = st.multiselect(
        _("Reference professionals"),
        list(staff),
        default=[
            p for p in (current.professional_ids if current is not None else []) if p in staff
        ],
        format_func=lambda p: staff[p],
        key=f"participant_staff_{suffix}",
    )
    st.markdown(_("**Consent**"))
    k1, k2, k3, k4 = st.columns(4)
    consent_now = current.consent_date if current is not None else None
    consent_date = k1.date_input(
        _("Consent date"),
        None if consent_now is None or pd.isna(consent_now) else consent_now,
        format="DD/MM/YYYY",
        key=f"participant_consent_on_{suffix}",
    )
    processing = k2.checkbox(
        _("Data processing"),
        bool(current.consent_processing) if current is not None else False,
        key=f"participant_processing_{suffix}",
    )
    survey = k3.checkbox(
        _("Network survey"),
        bool(current.consent_survey) if current is not None else False,
        key=f"participant_survey_{suffix}",
    )
    images = k4.checkbox(
        _("Images"),
        bool(current.consent_images) if current is not None else False,
        key=f"participant_images_{suffix}",
    )
    st.markdown(_("**Enrolments** (a programme or a community action on each row)"))
    edited = st.data_editor(
        enrolled,
        num_rows="dynamic",
        hide_index=True,
        column_config={
            "programme": st.column_config.SelectboxColumn(
                _("Programme"), options=list(programme_codes.values())
            ),
            "action": st.column_config.SelectboxColumn(
                _("Community action"), options=list(action_codes.values())
            ),
            "starts_on": st.column_config.DateColumn(_("Start"), format="DD/MM/YYYY"),
            "ends_on": st.column_config.DateColumn(_("Exit date"), format="DD/MM/YYYY"),
            "exit_reason": st.column_config.SelectboxColumn(
                _("Exit reason"), options=list(reasons.values())
            ),
            "evaluation_group": st.column_config.SelectboxColumn(
                _("Evaluation group"), options=list(groups.values())
            ),
        },
        key=f"participant_enrolments_{suffix}",
    )
    save = st.form_submit_button(_("Save the participant"), type="primary")
if save:
    programme_ids = {v: k for k, v in programme_codes.items()}
    action_ids = {v: k for k, v in action_codes.items()}
    reason_values = {v: k for k, v in reasons.items()}
    group_values = {v: k for k, v in groups.items()}
    given = [
        {
            "programme_id": programme_ids.get(row.get("programme")),
            "action_id": action_ids.get(row.get("action")),
            "starts_on": row.get("starts_on"),
            "ends_on": row.get("ends_on"),
            "exit_reason": reason_values.get(row.get("exit_reason"), ""),
            "evaluation_group": group_values.get(row.get("evaluation_group"), ""),
        }
        for row in edited.to_dict("records")
    ]
    fields: dict[str, Any] = {
        "birth_year": None if birth_year is None else int(birth_year),
        "age_band": "" if birth_year is not None else age_band,
        "gender": gender,
        "neighbourhood_id": neighbourhood,
        "consent_date": consent_date,
        "consent_processing": processing,
        "consent_survey": survey,
        "consent_images": images,
        "professional_ids": professionals,
    }
    try:
        with shell.db_session() as session:
            enrolments = enrolment_rows(given)
            if current is None:
                saved = create_participant(
                    session, actor=actor, code=code, alias=alias, enrolments=enrolments, **fields
                )
            else:
                saved = update_participant(
                    session,
                    actor=actor,
                    participant_id=int(current.id),
                    version=int(current.version),
                    alias=alias,
                    keep_alias=not sees_aliases,
                    enrolments=enrolments,
                    **fields,
                )
            st.session_state["participants_flash"] = _("Participant {code} saved.").format(
                code=saved.code
            )
            st.session_state["participant_saved"] = saved.id
    except CommunityMapError as exc:
        shell.report_error(exc)
    else:
        st.cache_data.clear()
        st.rerun()
