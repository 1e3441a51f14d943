"""Tie surveys page: record on a phone who answered at a measurement point and whom they named.

One column, big controls: choose the programme, measurement point and question, the
respondent and the people they named, then save. Below, the answers of that point with
the response rate, a search, and the Excel template, export and import.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from community_map.errors import CommunityMapError
from community_map.i18n import gettext as _
from community_map.models import SURVEY_QUESTION_LABELS
from community_map.networks import (
    delete_survey_response,
    record_survey_response,
    response_rate,
    responses_frame,
    survey_participant_codes,
    survey_point_options,
)
from community_map.trust import Permission
from community_map.ui import shell, survey_panels

actor = shell.require_permission(Permission.RECORD_ASSESSMENTS)
shell.setup_language()
st.title(_("Tie surveys"))
st.caption(
    _(
        "Record each respondent's answer at a measurement point: the people they named, or "
        "nobody. A participant without an answer counts as 'no answer', never as isolated."
    )
)
if flash := st.session_state.pop("surveys_flash", None):
    st.success(shell.plain(flash))

with shell.db_session() as session:
    points = survey_point_options(session)
    people = survey_participant_codes(session, actor=actor)
if points.empty:
    st.info(
        _(
            "No programme has measurement points yet: add a programme and its points on the "
            "Programmes page first."
        )
    )
    st.stop()

programmes = dict(zip(points["programme"], points["programme_name"], strict=False))
programme = st.selectbox(
    _("Programme"),
    list(programmes),
    format_func=lambda code: f"{code} · {programmes[code]}",
    key="survey_programme",
)
of_programme = points[points["programme"] == programme]
point_rows = {int(row.id): row for row in of_programme.itertuples(index=False)}


def _point_label(row: object) -> str:
    name, first, last = (getattr(row, f) for f in ("point", "starts_on", "ends_on"))
    return f"{name} ({first:%d/%m/%Y}-{last:%d/%m/%Y})"


point_id = st.selectbox(
    _("Measurement point"),
    list(point_rows),
    index=len(point_rows) - 1,
    format_func=lambda i: _point_label(point_rows[i]),
    key=f"survey_point_{programme}",
)
point = point_rows[int(point_id)]
questions = {str(k.value): v for k, v in SURVEY_QUESTION_LABELS.items()}
question = st.selectbox(
    _("Question"), list(questions), format_func=lambda q: _(questions[q]), key="survey_question"
)
consenting = [code for code, ok in people.items() if ok]
respondent = st.selectbox(
    _("Respondent code"),
    consenting,
    index=None,
    placeholder=_("Type or choose a code"),
    help=_("Only participants who consented to the network survey are listed."),
    key="survey_respondent",
)

with shell.db_session() as session:
    answers = responses_frame(session, actor=actor, point_id=int(point_id))
    rate = response_rate(session, actor=actor, point_id=int(point_id))

if respondent is not None:
    mine = answers[(answers["respondent"] == respondent) & (answers["question"] == question)]
    existing = mine.iloc[0] if not mine.empty else None
    version = int(existing["version"]) if existing is not None else 0
    if existing is not None:
        st.info(
            shell.plain(
                _("{code} already answered on {day}: saving replaces that answer.").format(
                    code=respondent, day=existing["answered_on"].strftime("%d/%m/%Y")
                )
            )
        )
    today = dt.date.today()
    default_day = (
        existing["answered_on"]
        if existing is not None
        else min(max(today, point.starts_on), point.ends_on)
    )
    suffix = f"{point_id}_{respondent}_{question}_{version}"
    with st.form(f"survey_form_{suffix}"):
        named = st.multiselect(
            _("People named"),
            [code for code in consenting if code != respondent],
            default=list(existing["named"]) if existing is not None else [],
            placeholder=_("Type or choose codes; leave empty if they named nobody"),
            key=f"survey_named_{suffix}",
        )
        answered_on = st.date_input(
            _("Answered on"),
            default_day,
            min_value=point.starts_on,
            max_value=point.ends_on,
            format="DD/MM/YYYY",
            key=f"survey_day_{suffix}",
        )
        save = st.form_submit_button(_("Save the answer"), type="primary", width="stretch")
    if save:
        try:
            with shell.db_session() as session:
                _saved, outcome = record_survey_response(
                    session,
                    actor=actor,
                    point_id=int(point_id),
                    respondent_code=respondent,
                    named_codes=named,
                    answered_on=answered_on,
                    question=question,
                    version=version,
                )
        except CommunityMapError as exc:
            shell.report_error(exc)
        else:
            message = (
                _("Answer of {code} saved: named nobody.")
                if not named
                else _("Answer of {code} saved: {n} people named.")
            )
            st.session_state["surveys_flash"] = message.format(code=respondent, n=len(named))
            st.cache_data.clear()
            st.rerun()
    if existing is not None and st.button(
        _("Delete this answer (the respondent becomes 'no answer')"),
        key=f"survey_delete_{suffix}",
        width="stretch",
    ):
        try:
            with shell.db_session() as session:
                delete_survey_response(
                    session, actor=actor, response_id=int(existing["id"]), version=version
                )
        except CommunityMapError as exc:
            shell.report_error(exc)
        else:
            st.session_state["surveys_flash"] = _("Answer of {code} deleted.").format(
                code=respondent
            )
            st.cache_data.clear()
            st.rerun()

survey_panels.answers_panel(actor, point.point, rate, answers, questions)
