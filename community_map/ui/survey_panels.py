"""The answers panel of the Tie surveys page: response rate, answers with search, Excel."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from community_map.i18n import gettext as _
from community_map.networks import import_surveys, surveys_template, surveys_to_excel
from community_map.trust import Actor
from community_map.ui import register_panels, shell

__all__ = ["answers_panel"]


def answers_panel(
    actor: Actor, point: str, rate: Any, answers: pd.DataFrame, questions: dict[str, str]
) -> None:
    """The answers at ``point``: response rate, counts, a searchable table and the Excel panel."""
    st.subheader(shell.plain(_("Answers at {point}").format(point=point)))
    st.metric(
        _("Response rate"),
        f"{rate.rate:.0%}" if rate.participants else "—",
        help=_(
            "Respondents out of the programme's participants: people who attended a session of "
            "its lead service's community actions during the programme, and every respondent."
        ),
    )
    st.caption(
        shell.plain(
            _(
                "{respondents} answered, {no_answer} no answer, {isolated} respondents isolated "
                "(named nobody and named by nobody)."
            ).format(respondents=rate.respondents, no_answer=rate.no_answer, isolated=rate.isolated)
        )
    )
    listed = answers.assign(
        named_text=answers["named"].map(", ".join),
        question_text=answers["question"].map(lambda q: _(questions.get(str(q), str(q)))),
    )
    found = register_panels.searched(listed, ["respondent", "named_text"], key="surveys")
    shell.show_table(
        found[["respondent", "question_text", "answered_on", "named_text"]],
        {
            "respondent": _("Respondent code"),
            "question_text": _("Question"),
            "answered_on": _("Answered on"),
            "named_text": _("Named codes"),
        },
    )

    def _template() -> bytes:
        with shell.db_session() as session:  # drop-downs of this database's programmes and points
            return surveys_template(session)

    register_panels.excel_panel(
        key="surveys_excel",
        file_stem="surveys",
        template=_template,
        export=lambda session: surveys_to_excel(session, actor=actor),
        importer=lambda session, data, name, skip: import_surveys(
            session, data, actor=actor, path=name, skip_bad_rows=skip
        ),
    )
