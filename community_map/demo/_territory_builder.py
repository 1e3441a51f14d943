"""The demo's territory, assets, services and professionals.

Private to :mod:`community_map.demo`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import shapely

from community_map.demo import _barcelona as bcn
from community_map.demo import _names
from community_map.demo._builder_base import (
    BuilderBase,
    bcn_catchments,
)
from community_map.models import (
    Accessibility,
    Asset,
    FieldOfWork,
    LegalNature,
    Professional,
    Service,
    TerritoryUnit,
    UnitKind,
)

__all__ = ["TerritoryBuilder"]


class TerritoryBuilder(BuilderBase):
    """Districts, neighbourhoods, assets, catchments, services and their staff."""

    # territory -----------------------------------------------------------------------

    def territory(self) -> None:
        self.district_ids = {}
        for code, name in bcn.DISTRICTS:
            geom = self.district_shapes.loc[code, "geometry"]
            self.district_ids[code] = self.add(
                TerritoryUnit,
                dict(
                    kind=UnitKind.DISTRICT.value,
                    code=code,
                    name=name,
                    parent_id=None,
                    population=int(
                        self.cells.loc[self.cells.district_code == code, "population"].sum()
                    ),
                    geometry_wkt=shapely.to_wkt(geom, rounding_precision=1),
                    srid=25831,
                    source="demo",
                    is_approximate=True,
                ),
            )
        self.nb_ids = {}
        for code, row in self.cells.iterrows():
            self.nb_ids[str(code)] = self.add(
                TerritoryUnit,
                dict(
                    kind=UnitKind.NEIGHBOURHOOD.value,
                    code=str(code),
                    name=row["name"],
                    parent_id=self.district_ids[row["district_code"]],
                    population=int(row["population"]),
                    geometry_wkt=shapely.to_wkt(row["geometry"], rounding_precision=1),
                    srid=25831,
                    source="demo",
                    is_approximate=True,
                ),
            )

    def _points_in(self, geom: shapely.Geometry, n: int) -> np.ndarray:
        minx, miny, maxx, maxy = geom.bounds
        out: list[np.ndarray] = []
        found = 0
        while found < n:
            cand = self.rng.uniform((minx, miny), (maxx, maxy), size=(max(8, 2 * (n - found)), 2))
            inside = cand[shapely.contains_xy(geom, cand[:, 0], cand[:, 1])]
            out.append(inside)
            found += len(inside)
        return np.vstack(out)[:n]

    # assets and services -------------------------------------------------------------

    def assets(self) -> None:
        self.venues = []
        self.venue_capacity = {}
        self.css_asset_ids = []
        for i, (name, nb_code, x, y) in enumerate(self.css):
            asset_id = self.add(
                Asset,
                self._asset_row(
                    name, "social_services_centre", x, y, nb_code, f"CSS-{i + 1:02d}", capacity=30
                ),
            )
            self.css_asset_ids.append(asset_id)
            self.venues.append(asset_id)
            self.venue_capacity[asset_id] = 30
        share = _names.CATEGORY_SHARE
        generic = self.scale.assets - len(self.css_asset_ids)
        weights = self.cells["population"].to_numpy(dtype=float)
        weights /= weights.sum()
        codes = self.cells.index.to_list()
        counter = 0
        for cat, frac in share.items():
            n = max(1, round(generic * frac))
            nb_pick = self.rng.choice(len(codes), size=n, p=weights)
            for nb_index in np.unique(nb_pick):
                k = int((nb_pick == nb_index).sum())
                code = codes[int(nb_index)]
                pts = self._points_in(self.cells.loc[code, "geometry"], k)
                for j in range(k):
                    counter += 1
                    name = _names.asset_name(cat, self.cells.loc[code, "name"], j, self.rng)
                    cap = _names.CAPACITY.get(cat)
                    capacity = int(self.rng.integers(cap[0], cap[1])) if cap else None
                    asset_id = self.add(
                        Asset,
                        self._asset_row(
                            name,
                            cat,
                            float(pts[j, 0]),
                            float(pts[j, 1]),
                            code,
                            f"A-{counter:05d}",
                            capacity=capacity,
                        ),
                    )
                    if capacity is not None:
                        self.venues.append(asset_id)
                        self.venue_capacity[asset_id] = capacity
        self.venue_nb = {a["id"]: a["neighbourhood_id"] for a in self.rows[Asset]}

    def _asset_row(
        self,
        name: str,
        cat: str,
        x: float,
        y: float,
        nb_code: str,
        source_id: str,
        *,
        capacity: int | None,
    ) -> dict[str, Any]:
        acc = self.choice(
            [
                Accessibility.ACCESSIBLE,
                Accessibility.PARTIAL,
                Accessibility.NOT_ACCESSIBLE,
                Accessibility.UNKNOWN,
            ],
            p=[0.55, 0.2, 0.1, 0.15],
        )
        street = self.choice(_names.STREETS)
        tags = list(_names.TAGS.get(cat, ()))
        if tags:
            tags = sorted(self.rng.choice(tags, size=min(len(tags), 2), replace=False).tolist())
        # about one asset in three was last verified more than a year ago (stale)
        verified = self.today - dt.timedelta(days=int(self.rng.integers(0, 540)))
        return dict(
            name=name,
            category_code=cat,
            tags=tags,
            description="",
            x=round(x, 1),
            y=round(y, 1),
            srid=25831,
            address=f"{street}, {int(self.rng.integers(1, 240))}, Barcelona",
            phone="",
            email="",
            website="",
            accessibility=acc.value,
            opening_hours=_names.HOURS.get(cat, ""),
            capacity=capacity,
            neighbourhood_id=self.nb_ids[nb_code],
            source="demo",
            source_id=source_id,
            last_verified=verified,
            is_active=True,
            version=1,
        )

    def organisations(self) -> None:
        self.service_ids = {}
        self.css_service_ids = []
        catch = bcn_catchments(self.css_points)
        for i, (name, _nb, _x, _y) in enumerate(self.css):
            unit_id = self.add(
                TerritoryUnit,
                dict(
                    kind=UnitKind.CATCHMENT.value,
                    code=f"CSS-{i + 1:02d}",
                    name=name,
                    parent_id=None,
                    population=None,
                    geometry_wkt=shapely.to_wkt(catch[i], rounding_precision=1),
                    srid=25831,
                    source="demo",
                    is_approximate=True,
                ),
            )
            sid = self.add(
                Service,
                dict(
                    code=f"CSS-{i + 1:02d}",
                    name=name,
                    field_of_work=FieldOfWork.SOCIAL_CARE.value,
                    legal_nature=LegalNature.PUBLIC.value,
                    organisation="IMSS",
                    asset_id=self.css_asset_ids[i],
                    catchment_id=unit_id,
                    is_active=True,
                ),
            )
            self.css_service_ids.append(sid)
        for code, name, field, nature, org in _names.AMUNT_SERVICES:
            self.service_ids[code] = self.add(
                Service,
                dict(
                    code=code,
                    name=name,
                    field_of_work=field,
                    legal_nature=nature,
                    organisation=org,
                    asset_id=None,
                    catchment_id=None,
                    is_active=True,
                ),
            )
        self.staff = {}
        counter = 0
        for code, role, n in _names.AMUNT_STAFF:
            for _k in range(n):
                counter += 1
                pid = self._professional(counter, role, self.service_ids[code])
                self.staff.setdefault(code, []).append(pid)
        for sid in self.css_service_ids:
            for role in ("director", "social worker", "social worker", "social educator"):
                counter += 1
                pid = self._professional(counter, role, sid)
                self.staff.setdefault(f"css:{sid}", []).append(pid)

    def _professional(self, number: int, role: str, service_id: int) -> int:
        """Add the ``number``-th professional (code PRO-0001...) with an invented name."""
        return self.add(
            Professional,
            dict(
                code=f"PRO-{number:04d}",
                display_name=_names.staff_name(self.rng),
                role=role,
                service_id=service_id,
                is_active=True,
            ),
        )
