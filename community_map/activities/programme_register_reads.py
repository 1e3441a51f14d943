"""Reads of the programme register: programmes and their measurement points (named waves).

Programmes are e.g. Amunt! 2022-23 or a district plan; their measurement points are the
named waves networks and evaluation windows are chosen from.

Not to be confused with the *programme workbook* modules (``programme_reads``,
``programme_excel``...), which mean the programme of sessions of a community action.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from community_map.errors import NotFoundError
from community_map.i18n import gettext as _
from community_map.models import MeasurementPoint, Programme, Service

__all__ = [
    "PROGRAMME_FRAME_COLUMNS",
    "measurement_points",
    "programme_by_code",
    "programme_wave_options",
    "programme_waves",
    "programmes_frame",
    "wave_option",
]

#: The columns of :func:`programmes_frame`, in order.
PROGRAMME_FRAME_COLUMNS = [
    "id",
    "code",
    "name",
    "starts_on",
    "ends_on",
    "lead_service_id",
    "lead_service",
    "notes",
    "version",
    "points",
]


def programmes_frame(session: Session) -> pd.DataFrame:
    """Every programme, by start date then code, with its lead service and number of points.

    Examples
    --------
    >>> programmes_frame(session).loc[0, "code"]  # doctest: +SKIP
    'AMUNT-2022'
    """
    counts = dict(
        session.execute(
            select(MeasurementPoint.programme_id, func.count()).group_by(
                MeasurementPoint.programme_id
            )
        ).all()
    )
    rows = session.execute(
        select(
            Programme.id,
            Programme.code,
            Programme.name,
            Programme.starts_on,
            Programme.ends_on,
            Programme.lead_service_id,
            Service.name,
            Programme.notes,
            Programme.version,
        )
        .outerjoin(Service, Service.id == Programme.lead_service_id)
        .order_by(Programme.starts_on, Programme.code)
    ).all()
    frame = pd.DataFrame(
        [(*row, counts.get(row[0], 0)) for row in rows], columns=PROGRAMME_FRAME_COLUMNS
    )
    frame["lead_service"] = frame["lead_service"].fillna("")
    return frame


def measurement_points(session: Session, programme_id: int) -> pd.DataFrame:
    """The measurement points of a programme, by start date: ``name``, ``starts_on``, ``ends_on``.

    Examples
    --------
    >>> list(measurement_points(session, 1)["name"])  # doctest: +SKIP
    ['T0', 'T1', 'T2']
    """
    rows = session.execute(
        select(MeasurementPoint.name, MeasurementPoint.starts_on, MeasurementPoint.ends_on)
        .where(MeasurementPoint.programme_id == programme_id)
        .order_by(MeasurementPoint.starts_on, MeasurementPoint.name)
    ).all()
    return pd.DataFrame(rows, columns=["name", "starts_on", "ends_on"])


def programme_by_code(session: Session, code: str) -> Programme:
    """The programme whose code is ``code`` (case as stored, surrounding spaces ignored).

    Raises
    ------
    NotFoundError
        When there is none; the message says how to list the codes.
    """
    programme = session.scalar(select(Programme).where(Programme.code == code.strip()))
    if programme is None:
        raise NotFoundError(
            _(
                "There is no programme with code {code}; see the codes with "
                "'community-map programme list' or on the Programmes page."
            ).format(code=code)
        )
    return programme


def programme_waves(session: Session, code: str) -> dict[str, tuple[dt.date, dt.date]]:
    """The measurement points of programme ``code`` as named waves (name → first, last day).

    This is the ``waves`` argument the network windows take.

    Examples
    --------
    >>> programme_waves(session, "AMUNT-2022")["T0"]  # doctest: +SKIP
    (datetime.date(2022, 9, 1), datetime.date(2022, 12, 31))
    """
    programme = programme_by_code(session, code)
    points = measurement_points(session, programme.id)
    return {str(row.name): (row.starts_on, row.ends_on) for row in points.itertuples(index=False)}


def wave_option(name: str, first: dt.date, last: dt.date) -> str:
    """A wave written as the ``--wave`` option and the Networks page take it.

    Examples
    --------
    >>> import datetime as dt
    >>> wave_option("T0", dt.date(2022, 9, 1), dt.date(2022, 12, 31))
    'T0=2022-09-01..2022-12-31'
    """
    return f"{name}={first.isoformat()}..{last.isoformat()}"


def programme_wave_options(session: Session) -> dict[str, list[str]]:
    """Per programme with measurement points, ``"CODE: name"`` → its waves as ``--wave`` text.

    Programmes without points are left out (the Networks page then offers months and quarters).

    Examples
    --------
    >>> programme_wave_options(session)  # doctest: +SKIP
    {'AMUNT-2022: Amunt! 2022-23': ['T0=2022-09-01..2022-12-31', ...]}
    """
    options: dict[str, list[str]] = {}
    for row in programmes_frame(session).itertuples(index=False):
        points = measurement_points(session, int(row.id))
        if points.empty:
            continue
        options[f"{row.code}: {row.name}"] = [
            wave_option(str(p.name), p.starts_on, p.ends_on) for p in points.itertuples(index=False)
        ]
    return options
