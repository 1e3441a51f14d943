"""Home page: live figures from the database and a short guide to the pages."""

from __future__ import annotations

import streamlit as st

import appkit
from community_map import overview
from community_map.auth import Permission
from community_map.i18n import gettext as _

actor = appkit.require_actor()
threshold = appkit.settings().small_count_threshold

st.title(_("Home"))
st.write(_("Welcome, {name}.").format(name=actor.display_name or actor.username))

with appkit.db_session() as session:
    figures = overview.home_figures(session, actor=actor, threshold=threshold)
    by_district = overview.district_figures(session, actor=actor, threshold=threshold)
    approximate = overview.boundaries_are_approximate(session)

columns = st.columns(len(figures))
for column, figure in zip(columns, figures, strict=True):
    column.metric(figure.label, figure.shown)

if not actor.can(Permission.SEE_SMALL_COUNTS):
    st.caption(_("Counts of people below {n} are shown as '< {n}' to protect privacy.").format(
        n=threshold))

st.subheader(_("By district"))
st.dataframe(by_district, width="stretch")
if approximate:
    st.caption(_("District and neighbourhood boundaries here are approximate: they were built "
                 "from neighbourhood centre points and a simplified city outline. The official "
                 "boundaries are published by Open Data BCN (CC BY 4.0) and replace these when "
                 "imported."))

st.subheader(_("Guide"))
guide = [(_("Home"), _("Headline figures for the whole territory and for each district.")),
         (_("Map"), _("The assets of the territory by category, with filters, neighbourhood "
                      "indicators and social services centres' catchment areas; add, edit "
                      "and export assets.")),
         (_("Coverage"), _("Which neighbourhoods lack an asset of a kind within walking "
                           "distance."))]
guide.append((_("Calendar"), _("The programme of sessions by week, month or list; export to "
                               "Excel and calendar programs.")))
if actor.can(Permission.PLAN_ACTIVITIES):
    guide.append((_("Community actions"), _("Create community actions and follow their "
                                            "phases.")))
    guide.append((_("Planner"), _("Plan sessions and series with conflict checks.")))
if actor.can(Permission.TAKE_ATTENDANCE):
    guide.append((_("Attendance"), _("Take attendance and follow each series.")))
if actor.can(Permission.VIEW_PARTICIPANTS):
    guide.append((_("Itinerary"), _("A participant's sessions across the whole catalogue.")))
if actor.can(Permission.VIEW_NETWORKS):
    guide.append((_("Networks"), _("Participants' ties and collaboration between services, "
                                   "window by window, with exports for Gephi.")))
if actor.can(Permission.IMPORT_DATA):
    guide.append((_("Data"), _("Import boundaries and assets from the files you have, "
                               "including Open Data BCN's.")))
if actor.can(Permission.MANAGE_USERS):
    guide.append((_("Users"), _("Create accounts, assign roles and deactivate accounts.")))
if actor.can(Permission.VIEW_AUDIT):
    guide.append((_("Audit log"), _("Who changed what, and when.")))
for title, text in guide:
    st.markdown(f"**{title}**: {text}")
