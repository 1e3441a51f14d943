"""App-side helpers of the Participants page: filters, the Excel panel and the edit form."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy.orm import Session

from community_map.activities import (
    create_participant,
    enrolment_rows,
    enrolments_frame,
    import_participants,
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
from community_map.trust import Actor, Permission
from community_map.ui import register_panels, shell

__all__ = ["edit_form", "excel", "filters", "gender_labels", "status_labels"]


def gender_labels() -> dict[str, str]:
    """Stored gender -> translated label."""
    return {str(k): _(v) for k, v in GENDER_LABELS.items()}


def status_labels() -> dict[str, str]:
    """Stored status -> translated label."""
    return {"active": _("Active"), "exited": _("Exited"), "not_enrolled": _("Not enrolled")}


def filters(lists: dict[str, dict[int, str]], *, sees_aliases: bool) -> dict[str, Any]:
    """The list's search box and filters; the keyword arguments of ``participants_frame``."""
    labels = status_labels()
    c1, c2, c3, c4, c5 = st.columns(5)
    search = c1.text_input(
        _("Search"),
        key="participants_search",
        placeholder=_("Code or alias") if sees_aliases else _("Code"),
    )

    def pick(column: Any, label: str, options: dict[Any, str], key: str) -> Any:
        return column.selectbox(
            shell.plain(label),
            [None, *options],
            format_func=lambda i: _("All") if i is None else options[i],
            key=key,
        )

    return {
        "search": search,
        "programme_id": pick(c2, _("Programme"), lists["programmes"], "participants_programme"),
        "action_id": pick(c3, _("Community action"), lists["actions"], "participants_action"),
        "neighbourhood_id": pick(
            c4, _("Neighbourhood"), lists["neighbourhoods"], "participants_hood"
        ),
        "status": pick(c5, _("Status"), labels, "participants_status"),
    }


def excel(actor: Actor) -> None:
    """The register's Excel panel: template; export and import for the roles that may."""

    def export(session: Session) -> bytes:
        return participants_to_excel(session, actor=actor)

    def load(session: Session, data: bytes, name: str, skip: bool) -> Any:
        return import_participants(session, data, actor=actor, path=name, skip_bad_rows=skip)

    with shell.db_session() as session:
        template = participants_template(session)
    register_panels.excel_panel(
        key="participants",
        file_stem="participants",
        template=lambda: template,
        export=export if actor.can(Permission.EXPORT_PERSONAL_DATA) else None,
        importer=load if actor.can(Permission.EDIT_PARTICIPANTS) else None,
    )


def edit_form(actor: Actor, lists: dict[str, dict[int, str]]) -> None:
    """Choose a participant (or a new one), edit every field and enrolment, save (audited)."""
    sees_aliases = actor.can(Permission.VIEW_ALIASES)
    genders = gender_labels()
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
        _save(
            actor,
            current,
            code,
            alias,
            edited,
            lists,
            reasons,
            groups,
            sees_aliases,
            {
                "birth_year": None if birth_year is None else int(birth_year),
                "age_band": "" if birth_year is not None else age_band,
                "gender": gender,
                "neighbourhood_id": neighbourhood,
                "consent_date": consent_date,
                "consent_processing": processing,
                "consent_survey": survey,
                "consent_images": images,
                "professional_ids": professionals,
            },
        )


def _save(
    actor: Actor,
    current: Any,
    code: str,
    alias: str | None,
    edited: pd.DataFrame,
    lists: dict[str, dict[int, str]],
    reasons: dict[str, str],
    groups: dict[str, str],
    sees_aliases: bool,
    fields: dict[str, Any],
) -> None:
    programme_ids = {v: k for k, v in lists["programmes"].items()}
    action_ids = {v: k for k, v in lists["actions"].items()}
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
