"""The demo generator's sizes, period and builder state shared by the table builders.

Private to :mod:`community_map.demo`; the table builders are in ``_territory_builder``,
``_activity_builder`` and ``_outcome_builder``, put together in ``_builder``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely

from community_map.demo import _barcelona as bcn
from community_map.models import (
    Base,
)

__all__ = [
    "CSS_TOTAL",
    "PERIOD_END",
    "PERIOD_START",
    "SCALES",
    "BuilderBase",
    "DemoScale",
    "Progress",
    "bcn_catchments",
    "social_services_centres",
]

Progress = Callable[[float, str], None]

PERIOD_START = dt.date(2022, 9, 1)
PERIOD_END = dt.date(2023, 9, 30)


@dataclass(frozen=True)
class DemoScale:
    """Sizes of a demo database."""

    name: str
    participants: int
    assets: int
    actions: int
    sessions_per_action: tuple[int, int]
    cohort_size: tuple[int, int]
    community_share: float


SCALES: dict[str, DemoScale] = {
    # Amunt!: 283 of 829 people joined community actions; here about 2 in 3 of 300.
    "default": DemoScale("default", 300, 760, 22, (10, 18), (9, 16), 0.7),
    "city": DemoScale("city", 20_000, 10_000, 300, (13, 17), (18, 24), 0.45),
}


CSS_TOTAL = 40


def social_services_centres(total: int = CSS_TOTAL) -> list[tuple[str, str, float, float]]:
    """Return the real centres of the reference table, completed to ``total`` with invented ones.

    Barcelona has about 40 social services centres; the public list behind the reference
    table has fewer. The missing ones are placed, one at a time, at the centre of the
    neighbourhood farthest from every centre placed so far, and named after it.
    """
    centres = list(bcn.SOCIAL_SERVICES_CENTRES)
    hoods = [(code, name, x, y) for code, name, _d, x, y, _p in bcn.NEIGHBOURHOODS]
    taken = {c[1] for c in centres}
    while len(centres) < total:
        points = np.array([(c[2], c[3]) for c in centres])
        best = max(
            (h for h in hoods if h[0] not in taken),
            key=lambda h: float(np.min(np.hypot(points[:, 0] - h[2], points[:, 1] - h[3]))),
        )
        centres.append((f"Centre de Serveis Socials {best[1]}", best[0], best[2], best[3]))
        taken.add(best[0])
    return centres


def bcn_catchments(points: np.ndarray) -> list[shapely.Geometry]:
    """Approximate catchment areas: Voronoi cells of the centres clipped to the city."""
    outline = bcn.city_outline()
    cells = shapely.voronoi_polygons(shapely.multipoints(points), extend_to=outline)
    by_point = []
    polys = list(shapely.get_parts(cells))
    for x, y in points:
        p = shapely.Point(x, y)
        cell = next(c for c in polys if c.covers(p))
        by_point.append(shapely.make_valid(cell.intersection(outline)))
    return by_point


class BuilderBase:
    """Shared state of the table builders: sizes, random generator, rows and ids so far.

    The table builders fill the ids below in the order :func:`community_map.demo.generate_demo`
    calls them (territory, assets, organisations, participants, actions, ...).
    """

    # filled by the territory builder
    district_ids: dict[str, int]
    nb_ids: dict[str, int]
    venues: list[int]
    venue_capacity: dict[int, int]
    venue_nb: dict[int, int]
    css_asset_ids: list[int]
    service_ids: dict[str, int]
    css_service_ids: list[int]
    staff: dict[str, list[int]]
    # filled by the activity builder
    participant_ids: list[int]
    participant_nb: dict[int, str]
    # filled by the outcome builder's programmes()
    programme_id: int
    attendance_by_session: dict[int, list[int]]
    cohorts: list[tuple[np.ndarray, np.ndarray]]

    def __init__(self, scale: DemoScale, seed: int, today: dt.date) -> None:
        self.scale = scale
        self.today = today
        self.rng = np.random.default_rng(seed)
        #: draws added later (enrolments, tandems) use their own generator, so the rest of
        #: the demo keeps the values it had
        self.register_rng = np.random.default_rng([seed, 8])
        self.rows: dict[type[Base], list[dict[str, Any]]] = {}
        self.cells = bcn.neighbourhood_cells().set_index("code")
        self.district_shapes = bcn.district_shapes().set_index("code")
        self.css = social_services_centres()
        self.css_points = np.array([(x, y) for _n, _c, x, y in self.css])

    def add(self, model: type[Base], row: dict[str, Any]) -> int:
        """Append a row of ``model`` (with the next id if the table has one); return its id."""
        rows = self.rows.setdefault(model, [])
        if "id" in model.__table__.c and "id" not in row:
            row["id"] = len(rows) + 1
        rows.append(row)
        return int(row.get("id", len(rows)))

    def choice(self, seq: Any, p: Any = None) -> Any:
        """Return one item of ``seq`` drawn with the builder's generator (weights ``p``)."""
        return seq[int(self.rng.choice(len(seq), p=p))]
