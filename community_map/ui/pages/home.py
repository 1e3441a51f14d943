"""Home page: live figures from the database and a short guide to the pages."""

from __future__ import annotations

import streamlit as st

from community_map import evaluation
from community_map.i18n import gettext as _
from community_map.trust import Permission
from community_map.ui import shell
from community_map.ui.page_table import pages_for

actor = shell.require_actor()
threshold = shell.settings().small_count_threshold

st.title(_("Home"))
st.write(shell.plain(_("Welcome, {name}.").format(name=actor.display_name or actor.username)))

with shell.db_session() as session:
    figures = evaluation.home_figures(session, actor=actor, threshold=threshold)
    by_district = evaluation.district_figures(session, actor=actor, threshold=threshold)
    approximate = evaluation.boundaries_are_approximate(session)

columns = st.columns(len(figures))
for column, figure in zip(columns, figures, strict=True):
    column.metric(shell.plain(figure.label), figure.shown)

if not actor.can(Permission.SEE_SMALL_COUNTS):
    st.caption(
        shell.plain(
            _(
                "To protect privacy, counts of people below {n} are shown as '< {n}' and the "
                "others are rounded to a multiple of {base}."
            ).format(n=threshold, base=shell.settings().count_rounding_base)
        )
    )

st.subheader(_("By district"))
st.dataframe(by_district, width="stretch")
if approximate:
    st.caption(
        _(
            "District and neighbourhood boundaries here are approximate: they were built "
            "from neighbourhood centre points and a simplified city outline. The official "
            "boundaries are published by Open Data BCN (CC BY 4.0) and replace these when "
            "imported."
        )
    )

st.subheader(_("Guide"))
for page in pages_for(actor):
    st.markdown(f"**{_(page.title)}**: {_(page.guide)}")
