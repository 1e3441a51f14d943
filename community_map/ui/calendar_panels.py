"""App-side helpers of the Calendar page: the views, the period shown and the list table."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from community_map import activities
from community_map.i18n import gettext as _
from community_map.trust import Actor, Permission, people_count
from community_map.ui import planner_forms

__all__ = ["LIST_COLUMNS", "list_table", "period", "view_options"]

#: The columns of the list view, in order.
LIST_COLUMNS = [
    "starts_at",
    "ends_at",
    "type",
    "title",
    "action",
    "venue",
    "status",
    "invited",
    "attended",
]


def view_options() -> dict[str, str]:
    """The calendar views: key → label."""
    return {"week": _("Week"), "month": _("Month"), "list": _("List")}


def period(view: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The days the ``view`` shows around ``day``: its week (Monday on), else its month.

    The end is excluded.

    Examples
    --------
    >>> period("week", dt.date(2025, 3, 13))
    (datetime.date(2025, 3, 10), datetime.date(2025, 3, 17))
    >>> period("list", dt.date(2025, 12, 13))
    (datetime.date(2025, 12, 1), datetime.date(2026, 1, 1))
    """
    if view == "week":
        start = day - dt.timedelta(days=day.weekday())
        return start, start + dt.timedelta(days=7)
    start = day.replace(day=1)
    return start, (start + dt.timedelta(days=32)).replace(day=1)


def list_table(frame: pd.DataFrame, *, actor: Actor) -> pd.DataFrame:
    """The sessions of ``frame`` as the list view shows them: named types and headers.

    Counts of people follow the disclosure rule for roles that only see aggregates.
    """
    if not actor.can(Permission.SEE_SMALL_COUNTS):
        frame = frame.assign(
            **{
                col: frame[col].map(lambda n: people_count(int(n), exact=False)[1])
                for col in ("invited", "attended")
            }
        )
    statuses = {s.value: _(label) for s, label in activities.SESSION_STATUS_LABELS.items()}
    return frame.assign(
        type=frame.type.map(planner_forms.type_label),
        status=frame.status.map(lambda s: statuses.get(str(s), str(s))),
    )[LIST_COLUMNS].rename(
        columns={
            "starts_at": _("Start"),
            "ends_at": _("End"),
            "type": _("Type"),
            "title": _("Title"),
            "action": _("Community action"),
            "venue": _("Venue"),
            "status": _("Status"),
            "invited": _("Invited"),
            "attended": _("Attended"),
        }
    )
