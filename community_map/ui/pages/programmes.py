"""Programmes page: programmes (Amunt! 2022-23, a district plan) and their measurement points."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from community_map.activities import (
    create_programme,
    import_programmes,
    measurement_points,
    points_from_rows,
    programmes_frame,
    programmes_template,
    programmes_to_excel,
    update_programme,
)
from community_map.errors import CommunityMapError
from community_map.i18n import gettext as _
from community_map.trust import Permission
from community_map.ui import map_panels, planner_forms, register_panels, shell

actor = shell.require_permission(Permission.PLAN_ACTIVITIES)
shell.setup_language()
lists = planner_forms.choices(map_panels.data_version())
st.title(_("Programmes"))
st.caption(
    _(
        "A programme has a period, a lead service and measurement points (named waves, e.g. "
        "T0 baseline survey). The Networks page and 'community-map network export --programme' "
        "offer a programme's measurement points as windows."
    )
)
if flash := st.session_state.pop("programmes_flash", None):
    st.success(shell.plain(flash))

with shell.db_session() as session:
    table = programmes_frame(session)
shell.show_table(
    table.drop(columns=["id", "lead_service_id", "version"]),
    {
        "code": _("Code"),
        "name": _("Name"),
        "starts_on": _("From"),
        "ends_on": _("To"),
        "lead_service": _("Lead service"),
        "notes": _("Notes"),
        "points": _("Measurement points"),
    },
)

rows = {int(row.id): row for row in table.itertuples(index=False)}
if (after_save := st.session_state.pop("programme_saved", None)) in rows:
    st.session_state["programme_chosen"] = after_save
chosen = st.selectbox(
    _("Programme to edit"),
    [None, *rows],
    format_func=lambda i: _("New programme") if i is None else f"{rows[i].code} · {rows[i].name}",
    key="programme_chosen",
)
current = rows.get(chosen) if chosen is not None else None
if current is not None:
    with shell.db_session() as session:
        points = measurement_points(session, int(current.id))
else:
    empty = pd.Series([], dtype="datetime64[ns]")
    points = pd.DataFrame(
        {"name": pd.Series([], dtype=object), "starts_on": empty, "ends_on": empty}
    )
today = dt.date.today()
suffix = f"{chosen}_{current.version if current is not None else 0}"
with st.form(f"programme_{suffix}"):
    code = st.text_input(
        _("Code"),
        current.code if current is not None else "",
        disabled=current is not None,
        placeholder="AMUNT-2022",
        key=f"programme_code_{suffix}",
    )
    name = st.text_input(
        _("Name"), current.name if current is not None else "", key=f"programme_name_{suffix}"
    )
    c1, c2 = st.columns(2)
    starts_on = c1.date_input(
        _("From"),
        current.starts_on if current is not None else today,
        format="DD/MM/YYYY",
        key=f"prog_from_{suffix}",
    )
    ends_on = c2.date_input(
        _("To"),
        current.ends_on if current is not None else today,
        format="DD/MM/YYYY",
        key=f"prog_to_{suffix}",
    )
    services = lists["services"]
    lead_now = current.lead_service_id if current is not None else None
    lead_ids = [None, *services]
    lead = st.selectbox(
        _("Lead centre or service"),
        lead_ids,
        index=lead_ids.index(int(lead_now)) if lead_now is not None and lead_now in services else 0,
        format_func=lambda s: "—" if s is None else services[s],
        key=f"programme_lead_{suffix}",
    )
    notes = st.text_area(
        _("Notes"), current.notes if current is not None else "", key=f"prog_notes_{suffix}"
    )
    st.markdown(
        shell.plain(
            _(
                "Measurement points (both days included). Two empty rows are offered each time "
                "you save; clear a name to delete its point."
            )
        )
    )
    edited = []
    blank = {"name": "", "starts_on": None, "ends_on": None}
    for i, point in enumerate([*points.to_dict("records"), blank, blank]):
        p1, p2, p3 = st.columns([2, 1, 1])
        edited.append(
            {
                "name": p1.text_input(
                    shell.plain(_("Name of point {n}").format(n=i + 1)),
                    point["name"],
                    max_chars=60,
                    key=f"point_name_{i}_{suffix}",
                ),
                "starts_on": p2.date_input(
                    _("From"),
                    point["starts_on"],
                    format="DD/MM/YYYY",
                    key=f"point_from_{i}_{suffix}",
                ),
                "ends_on": p3.date_input(
                    _("To"), point["ends_on"], format="DD/MM/YYYY", key=f"point_to_{i}_{suffix}"
                ),
            }
        )
    save = st.form_submit_button(_("Save the programme"), type="primary")
if save:
    try:
        with shell.db_session() as session:
            given = points_from_rows(edited)
            if current is None:
                saved = create_programme(
                    session,
                    actor=actor,
                    code=code,
                    name=name,
                    starts_on=starts_on,
                    ends_on=ends_on,
                    lead_service_id=lead,
                    notes=notes,
                    points=given,
                )
            else:
                saved = update_programme(
                    session,
                    actor=actor,
                    programme_id=int(current.id),
                    version=int(current.version),
                    name=name,
                    starts_on=starts_on,
                    ends_on=ends_on,
                    lead_service_id=lead,
                    notes=notes,
                    points=given,
                )
            st.session_state["programmes_flash"] = _("Programme {code} saved.").format(
                code=saved.code
            )
            st.session_state["programme_saved"] = saved.id
    except CommunityMapError as exc:
        shell.report_error(exc)
    else:
        st.cache_data.clear()
        st.rerun()

register_panels.excel_panel(
    key="programmes_xlsx",
    file_stem="programmes",
    template=programmes_template,
    export=lambda s: programmes_to_excel(s, actor=actor),
    importer=lambda s, data, name, skip: import_programmes(
        s, data, actor=actor, path=name, skip_bad_rows=skip
    ),
)
