"""Calendar views: the sessions of a week or a month as an HTML fragment.

Pure functions over a sessions frame (as from :func:`community_map.activities.sessions_frame`);
the fragments carry inline styles and escape every value.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping
from typing import Any

import pandas as pd
from babel.dates import format_date, get_day_names

from community_map import i18n
from community_map._text import text_or_empty
from community_map.activities.reads import SESSION_TYPE_LABELS
from community_map.i18n import gettext as _
from community_map.models import SessionStatus, SessionType

__all__ = ["MONTH_LINES", "TYPE_COLOURS", "month_calendar_html", "week_calendar_html"]

MONTH_LINES = 4
"""Sessions listed per day in the month view before "+N more"."""

# One colour per session type (Okabe-Ito based, readable as a border on a light tint).
TYPE_COLOURS: dict[SessionType, str] = {
    SessionType.GROUP_DYNAMIC: "#0072B2",
    SessionType.WORKSHOP: "#E69F00",
    SessionType.CULTURAL_OUTING: "#009E73",
    SessionType.LEADERSHIP: "#CC79A7",
    SessionType.INFORMATIVE_GROUP: "#56B4E9",
    SessionType.COLLECTIVE_ADVICE: "#D55E00",
    SessionType.COORDINATION_MEETING: "#882255",
    SessionType.OTHER: "#6B7280",
}


_CALENDAR_STYLE = (
    "font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;font-size:14px;"
    "color:#1f2933;line-height:1.35"
)
_HEADING_STYLE = "font-size:1.15em;font-weight:600;margin:0 0 .5em 0"


def _esc(value: Any) -> str:
    """HTML-escape a cell; missing values become an empty string."""
    return html.escape(text_or_empty(value), quote=True)


def _locale(language: str) -> str:
    return language if language in i18n.LANGUAGES else i18n.FALLBACK_LANGUAGE


def _type_style(kind: Any) -> tuple[str, str]:
    """Return the colour and the translated label of a session type."""
    try:
        session_type = SessionType(str(kind))
    except ValueError:
        return TYPE_COLOURS[SessionType.OTHER], text_or_empty(kind)
    return TYPE_COLOURS[session_type], _(SESSION_TYPE_LABELS[session_type])


def _calendar_rows(sessions: pd.DataFrame, first: dt.date, last: dt.date) -> pd.DataFrame:
    """Sessions starting between ``first`` and ``last`` (inclusive), sorted, with ``day``."""
    columns = ["session_id", "title", "type", "starts_at", "ends_at", "venue", "status"]
    if sessions.empty:
        return pd.DataFrame(columns=[*columns, "day"])
    frame = sessions.reset_index(drop=True).copy()
    for name in columns:
        if name not in frame.columns:
            frame[name] = None
    frame["starts_at"] = pd.to_datetime(frame["starts_at"])
    frame["ends_at"] = pd.to_datetime(frame["ends_at"])
    frame = frame[frame["starts_at"].notna()]
    frame["day"] = frame["starts_at"].dt.date
    frame = frame[(frame["day"] >= first) & (frame["day"] <= last)]
    frame["_title"] = frame["title"].astype(str)
    return frame.sort_values(["starts_at", "_title"], kind="stable")


def _clock(value: Any) -> str:
    return "" if value is None or pd.isna(value) else f"{value:%H:%M}"


def _is_cancelled(status: Any) -> bool:
    return str(status) == SessionStatus.CANCELLED.value


def _legend(rows: pd.DataFrame) -> str:
    """A line of coloured chips for the session types shown."""
    present = [t for t in SessionType if t.value in set(rows["type"].astype(str))]
    if not present:
        return ""
    chips = "".join(
        f'<span style="display:inline-flex;align-items:center;gap:.3em;margin-right:1em">'
        f'<span style="width:.8em;height:.8em;border-radius:2px;background:{TYPE_COLOURS[t]}">'
        f"</span>{_esc(_(SESSION_TYPE_LABELS[t]))}</span>"
        for t in present
    )
    return f'<div class="cm-legend" style="margin-top:.6em;font-size:.85em">{chips}</div>'


def _week_event(item: Mapping[str, Any]) -> str:
    colour, label = _type_style(item["type"])
    cancelled = _is_cancelled(item["status"])
    strike = "text-decoration:line-through;opacity:.65;" if cancelled else ""
    status = ""
    if cancelled:
        cancelled_text = _esc(_("Cancelled"))
        status = (
            f' <span class="cm-status" style="font-size:.8em;font-weight:600;color:#9b1c1c">'
            f"{cancelled_text}</span>"
        )
    venue = _esc(item["venue"])
    venue_html = (
        f'<div class="cm-venue" style="font-size:.85em;color:#52606d;{strike}">{venue}</div>'
        if venue
        else ""
    )
    css_class = "cm-event cm-cancelled" if cancelled else "cm-event"
    return (
        f'<div class="{css_class}" data-session-id="{_esc(item["session_id"])}" '
        f'data-type="{_esc(item["type"])}" title="{_esc(label)}" '
        f'style="border-left:4px solid {colour};background:{colour}1f;border-radius:4px;'
        f'padding:.3em .45em;margin-top:.35em;overflow-wrap:anywhere">'
        f'<div class="cm-time" style="font-size:.8em;font-variant-numeric:tabular-nums;{strike}">'
        f"{_clock(item['starts_at'])}–{_clock(item['ends_at'])}</div>"
        f'<div class="cm-title" style="font-weight:600;{strike}">{_esc(item["title"])}</div>'
        f"{venue_html}{status}</div>"
    )


def week_calendar_html(sessions: pd.DataFrame, *, week_start: dt.date, language: str) -> str:
    """Return an HTML week calendar: seven day columns, Monday first, sessions as blocks.

    Each block lists the time, title and venue, is coloured by session type (see
    :data:`TYPE_COLOURS`), and is struck through and labelled when cancelled. Sessions
    appear on the day they start. On a narrow screen the week scrolls sideways. Every
    value from ``sessions`` is HTML-escaped; the styles are inline, so the fragment
    needs no stylesheet.

    Parameters
    ----------
    sessions
        ``session_id``, ``title``, ``type``, ``starts_at``, ``ends_at``, ``venue``
        (name) and ``status``; rows outside the week are left out.
    week_start
        Any day of the week to show (the calendar starts on that week's Monday).
    language
        ``ca``, ``es`` or ``en``, for day names and headings.

    Returns
    -------
    str
        A ``<div class="cm-calendar">`` fragment.

    Examples
    --------
    >>> frame = pd.DataFrame([{"session_id": 1, "title": "Taller <b>", "type": "workshop",
    ...     "starts_at": dt.datetime(2025, 3, 4, 10), "ends_at": dt.datetime(2025, 3, 4, 12),
    ...     "venue": "Casal", "status": "planned"}])
    >>> page = week_calendar_html(frame, week_start=dt.date(2025, 3, 3), language="ca")
    >>> page.count('class="cm-day"'), "dimarts" in page, "Taller &lt;b&gt;" in page
    (7, True, True)
    """
    locale = _locale(language)
    monday = week_start - dt.timedelta(days=week_start.weekday())
    days = [monday + dt.timedelta(days=i) for i in range(7)]
    rows = _calendar_rows(sessions, days[0], days[-1])
    by_day = {day: group for day, group in rows.groupby("day", sort=False)}
    names = get_day_names("wide", locale=locale)
    with i18n.language(locale):
        heading = _("Week of {date}").format(date=format_date(monday, "long", locale=locale))
        empty_text = _("No sessions")
        cells = []
        for day in days:
            group = by_day.get(day)
            events = (
                "".join(_week_event(item) for item in group.to_dict("records"))
                if group is not None
                else f'<div class="cm-empty" style="color:#7b8794;font-size:.85em;'
                f'margin-top:.35em">{_esc(empty_text)}</div>'
            )
            weekend = "background:#f5f7fa;" if day.weekday() >= 5 else "background:#fff;"
            cells.append(
                f'<div class="cm-day" data-date="{day.isoformat()}" '
                f'style="{weekend}border:1px solid #d9e2ec;border-radius:6px;padding:.4em;'
                f'min-width:0">'
                f'<div class="cm-day-head" style="font-weight:600;text-transform:capitalize">'
                f"{_esc(names[day.weekday()])}</div>"
                f'<div style="font-size:.8em;color:#52606d">'
                f"{_esc(format_date(day, 'd MMM', locale=locale))}</div>"
                f"{events}</div>"
            )
        legend = _legend(rows)
    return (
        f'<div class="cm-calendar cm-week" lang="{locale}" style="{_CALENDAR_STYLE}">'
        f'<div class="cm-heading" style="{_HEADING_STYLE}">{_esc(heading)}</div>'
        f'<div style="overflow-x:auto;-webkit-overflow-scrolling:touch">'
        f'<div class="cm-grid" style="display:grid;grid-template-columns:repeat(7,minmax(0,1fr));'
        f'gap:4px;min-width:56rem">{"".join(cells)}</div></div>{legend}</div>'
    )


def _month_line(item: Mapping[str, Any]) -> str:
    colour, label = _type_style(item["type"])
    cancelled = _is_cancelled(item["status"])
    strike = "text-decoration:line-through;opacity:.65;" if cancelled else ""
    tooltip = " · ".join(
        part
        for part in (
            f"{_clock(item['starts_at'])}–{_clock(item['ends_at'])}",
            text_or_empty(item["title"]),
            text_or_empty(item["venue"]),
            label,
            _("Cancelled") if cancelled else "",
        )
        if part
    )
    css_class = "cm-line cm-cancelled" if cancelled else "cm-line"
    return (
        f'<div class="{css_class}" data-session-id="{_esc(item["session_id"])}" '
        f'data-type="{_esc(item["type"])}" title="{_esc(tooltip)}" '
        f'style="white-space:nowrap;overflow:hidden;text-overflow:ellipsis;font-size:.8em;'
        f'border-left:3px solid {colour};padding-left:.3em;margin-top:2px;{strike}">'
        f'<span style="font-variant-numeric:tabular-nums">{_clock(item["starts_at"])}</span> '
        f"{_esc(item['title'])}</div>"
    )


def month_calendar_html(sessions: pd.DataFrame, *, month: dt.date, language: str) -> str:
    """Return an HTML month calendar: a grid of weeks (Monday first) with short lines.

    Each day lists its sessions as ``10:00 Title`` lines (cut with an ellipsis, the
    full details in the tooltip), coloured by type and struck through when cancelled;
    beyond four a "+N more" line says how many are hidden. The grid covers whole weeks,
    so days of the neighbouring months are shown (muted) with their sessions too. Every
    value from ``sessions`` is HTML-escaped; the styles are inline.

    Parameters
    ----------
    sessions
        ``session_id``, ``title``, ``type``, ``starts_at``, ``ends_at``, ``venue`` and
        ``status``.
    month
        Any day of the month to show.
    language
        ``ca``, ``es`` or ``en``, for month and day names and headings.

    Returns
    -------
    str
        A ``<div class="cm-calendar">`` fragment.

    Examples
    --------
    >>> empty = pd.DataFrame(columns=["session_id", "title", "type", "starts_at", "ends_at",
    ...                               "venue", "status"])
    >>> page = month_calendar_html(empty, month=dt.date(2021, 2, 10), language="es")
    >>> page.count("data-date="), "Febrero 2021" in page
    (28, True)
    """
    locale = _locale(language)
    first_of_month = month.replace(day=1)
    next_month = (first_of_month + dt.timedelta(days=32)).replace(day=1)
    start = first_of_month - dt.timedelta(days=first_of_month.weekday())
    last_of_month = next_month - dt.timedelta(days=1)
    stop = last_of_month + dt.timedelta(days=6 - last_of_month.weekday())
    days = [start + dt.timedelta(days=i) for i in range((stop - start).days + 1)]
    rows = _calendar_rows(sessions, start, stop)
    by_day = {day: group for day, group in rows.groupby("day", sort=False)}
    short_names = get_day_names("abbreviated", locale=locale)
    wide_names = get_day_names("wide", locale=locale)
    title = format_date(first_of_month, "LLLL y", locale=locale)
    title = title[:1].upper() + title[1:]
    with i18n.language(locale):
        head = "".join(
            f'<div class="cm-weekday" style="font-weight:600;font-size:.8em;color:#52606d;'
            f'text-align:center;text-transform:capitalize;padding:.2em 0">'
            f'<abbr title="{_esc(wide_names[i])}" style="text-decoration:none">'
            f"{_esc(short_names[i])}</abbr></div>"
            for i in range(7)
        )
        cells = []
        for day in days:
            group = by_day.get(day)
            items = group.to_dict("records") if group is not None else []
            lines = "".join(_month_line(item) for item in items[:MONTH_LINES])
            hidden = len(items) - MONTH_LINES
            if hidden > 0:
                more = _esc(_("+{count} more").format(count=hidden))
                lines += (
                    f'<div class="cm-more" style="font-size:.8em;color:#52606d;margin-top:2px">'
                    f"{more}</div>"
                )
            outside = day.month != first_of_month.month
            css_class = "cm-day cm-outside" if outside else "cm-day"
            colours = "background:#f5f7fa;color:#9aa5b1;" if outside else "background:#fff;"
            cells.append(
                f'<div class="{css_class}" data-date="{day.isoformat()}" '
                f'aria-label="{_esc(format_date(day, "full", locale=locale))}" '
                f'style="{colours}border:1px solid #d9e2ec;border-radius:4px;padding:.25em;'
                f'min-height:5.5em;min-width:0;overflow:hidden">'
                f'<div class="cm-day-number" style="font-size:.85em;font-weight:600">'
                f"{day.day}</div>{lines}</div>"
            )
        legend = _legend(rows)
    return (
        f'<div class="cm-calendar cm-month" lang="{locale}" style="{_CALENDAR_STYLE}">'
        f'<div class="cm-heading" style="{_HEADING_STYLE}">{_esc(title)}</div>'
        f'<div style="overflow-x:auto;-webkit-overflow-scrolling:touch">'
        f'<div class="cm-grid" style="display:grid;grid-template-columns:repeat(7,minmax(0,1fr));'
        f'gap:3px;min-width:42rem">{head}{"".join(cells)}</div></div>{legend}</div>'
    )
