"""Calendar page: week, month and list views of the programme; Excel and iCalendar export."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from community_map.activities import (
    ATTENDANCE_COLUMNS,
    attendance_long_frame,
    import_programme,
    known_codes,
    month_calendar_html,
    programme_frame,
    programme_from_excel,
    programme_template_excel,
    programme_to_excel,
    programme_to_ical,
    sessions_frame,
    week_calendar_html,
    week_with_sessions,
)
from community_map.errors import CommunityMapError
from community_map.i18n import gettext as _
from community_map.models import SessionType
from community_map.trust import Permission
from community_map.ui import calendar_panels, map_panels, planner_forms, shell

actor = shell.require_actor()
language = shell.setup_language()
version = map_panels.data_version()
lists = planner_forms.choices(version)
territory = map_panels.load_territory(version, shell.settings().stale_after_days)
st.title(_("Calendar"))

views = calendar_panels.view_options()
c1, c2 = st.columns(2)
view = (
    c1.segmented_control(
        _("View"), list(views), format_func=views.__getitem__, default="week", key="calendar_view"
    )
    or "week"
)
if "calendar_day" not in st.session_state:  # open on a week with sessions
    with shell.db_session() as session:
        st.session_state["calendar_day"] = week_with_sessions(session, today=dt.date.today())
day = c2.date_input(_("Around the date"), format="DD/MM/YYYY", key="calendar_day")
with st.expander(_("Filters")):
    f1, f2 = st.columns(2)
    services_ = f1.multiselect(
        _("Centre or service"),
        list(lists["services"]),
        format_func=lists["services"].__getitem__,
        key="cal_services",
    )
    facilitators = f1.multiselect(
        _("Facilitator"),
        list(lists["professionals"]),
        format_func=lists["professionals"].__getitem__,
        key="cal_facilitators",
    )
    types = f2.multiselect(
        _("Type"),
        [t.value for t in SessionType],
        format_func=planner_forms.type_label,
        key="cal_types",
    )
    hoods = dict(
        zip(territory["neighbourhoods"]["id"], territory["neighbourhoods"]["name"], strict=True)
    )
    chosen_hoods = f2.multiselect(
        _("Neighbourhood"), list(hoods), format_func=hoods.__getitem__, key="cal_hoods"
    )

start, end = calendar_panels.period(view, day)
with shell.db_session() as session:
    frame = sessions_frame(
        session,
        start=dt.datetime.combine(start, dt.time()),
        end=dt.datetime.combine(end, dt.time()),
        service_ids=services_,
        facilitator_ids=facilitators,
        types=types,
        neighbourhood_ids=chosen_hoods,
    )
    programme = programme_frame(session, session_ids=frame.session_id.tolist())

if view == "week":
    st.html(week_calendar_html(frame, week_start=start, language=language))
elif view == "month":
    st.html(month_calendar_html(frame, month=start, language=language))
else:
    st.dataframe(calendar_panels.list_table(frame, actor=actor), hide_index=True, width="stretch")
st.caption(
    shell.plain(
        _("{n} sessions from {start} to {end}.").format(
            n=len(frame), start=f"{start:%d/%m/%Y}", end=f"{end - dt.timedelta(days=1):%d/%m/%Y}"
        )
    )
)

e1, e2, e3 = st.columns(3)
with shell.db_session() as session:
    # participant codes only for roles that may see participants; others get the programme
    attendance = (
        attendance_long_frame(session, actor=actor, session_ids=frame.session_id)
        if actor.can(Permission.EXPORT_PERSONAL_DATA)
        else pd.DataFrame(columns=ATTENDANCE_COLUMNS)
    )
# the attendance sheet holds participant codes: each download of it is audited
shell.personal_download(
    e1,
    _("Download programme (Excel)"),
    programme_to_excel(programme, attendance, language=language),
    f"programme_{start:%Y%m%d}.xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="export_programme_xlsx",
    kind="programme_workbook",
    rows=len(attendance),
    filters={
        "from": start,
        "to": end,
        "services": services_,
        "facilitators": facilitators,
        "types": types,
        "neighbourhoods": chosen_hoods,
    },
)
e2.download_button(
    _("Download calendar (.ics)"),
    programme_to_ical(programme, calendar_name="community_map"),
    f"programme_{start:%Y%m%d}.ics",
    "text/calendar",
    key="export_programme_ics",
)
e3.download_button(
    _("Download an empty template"),
    programme_template_excel(language=language),
    "programme_template.xlsx",
    key="programme_template",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)

if actor.can(Permission.PLAN_ACTIVITIES) and actor.can(Permission.TAKE_ATTENDANCE):
    upload = st.file_uploader(
        _("Import a programme and attendance (Excel)"),
        type=["xlsx"],
        key="programme_upload",
        max_upload_size=shell.upload_limit_mb(),
        help=shell.upload_help(),
    )
    if (
        upload is not None
        and st.button(_("Import the programme"), key="programme_import")
        and not shell.upload_too_large(upload)
    ):
        path = Path(tempfile.mkdtemp()) / Path(upload.name).name
        path.write_bytes(upload.getvalue())
        try:
            with shell.db_session() as session:
                read = programme_from_excel(path, display_name=upload.name, **known_codes(session))
                counts = import_programme(
                    session, actor=actor, programme=read, display_name=upload.name
                )
        except CommunityMapError as exc:
            shell.report_error(exc)
        else:
            st.success(
                shell.plain(
                    _(
                        "Imported: {created} new sessions, {updated} updated, {attendance} "
                        "attendance rows."
                    ).format(**counts)
                )
            )
            st.cache_data.clear()
