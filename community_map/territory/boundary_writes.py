"""Audited writes of territory units (districts, neighbourhoods, catchment areas).

Importing neighbourhoods also re-places every asset in the neighbourhood that contains it.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from community_map._spatial import stored_units, unit_ids_for_points
from community_map.errors import ValidationError
from community_map.i18n import gettext as _
from community_map.models import METRIC_SRID, Asset, TerritoryUnit, UnitKind
from community_map.territory.asset_import_writes import ImportResult, apply_changes
from community_map.trust import audit as services
from community_map.trust.permissions import Actor, Permission, require

__all__ = ["save_boundaries"]


def save_boundaries(
    session: Session,
    *,
    actor: Actor,
    frame: gpd.GeoDataFrame,
    kind: str,
    source: str,
) -> ImportResult:
    """Create or update territory units of ``kind`` from an imported boundary table.

    Units are matched on (kind, code). Neighbourhoods get their district from
    ``parent_code`` when given, else from the stored district containing their
    representative point. Afterwards, neighbourhood imports re-place every asset.

    Parameters
    ----------
    session
        An open SQLAlchemy session; the caller commits.
    actor
        The user doing it; needs the permission to edit the territory.
    frame
        ``code``, ``name``, optional ``parent_code`` and ``population`` and polygon
        geometry, e.g. :attr:`BoundaryImport.frame <community_map.territory.BoundaryImport>`.
    kind
        ``"district"``, ``"neighbourhood"`` or ``"catchment"``.
    source
        Where the boundaries come from (e.g. the file name).

    Returns
    -------
    ImportResult
        Counts of created, updated and unchanged units.

    Examples
    --------
    >>> units = boundaries_from_file("districtes.geojson", kind="district")  # doctest: +SKIP
    >>> with storage.session_scope(engine) as session:  # doctest: +SKIP
    ...     save_boundaries(session, actor=admin, frame=units.frame, kind="district",
    ...                     source="districtes.geojson")
    ImportResult(created=10, updated=0, unchanged=0)
    """
    require(actor, Permission.EDIT_TERRITORY)
    try:
        kind = UnitKind(kind).value
    except ValueError:
        raise ValidationError(
            _(
                "Unknown kind of territory unit {kind!r}; use district, neighbourhood or catchment."
            ).format(kind=kind)
        ) from None
    frame = frame.to_crs(METRIC_SRID)
    parent_ids: dict[str, int] = {}
    if kind == UnitKind.NEIGHBOURHOOD.value:
        districts = stored_units(session, UnitKind.DISTRICT.value)
        parent_ids = dict(zip(districts["code"], districts["id"], strict=True))
        codes = frame.get("parent_code")
        if (codes is None or codes.isna().all()) and not districts.empty:
            centres = frame.geometry.representative_point()
            found = unit_ids_for_points(districts, centres.x.to_numpy(), centres.y.to_numpy())
            by_id = dict(zip(districts["id"], districts["code"], strict=True))
            frame = frame.assign(parent_code=[by_id.get(int(i)) for i in found])
    existing = {
        u.code: u for u in session.scalars(select(TerritoryUnit).where(TerritoryUnit.kind == kind))
    }
    created = updated = unchanged = 0
    new_units: list[TerritoryUnit] = []
    changed: list[tuple[object, dict[str, object], dict[str, object]]] = []
    for row in frame.itertuples(index=False):
        parent_code = getattr(row, "parent_code", None)
        population = getattr(row, "population", None)
        values = {
            "name": str(row.name),
            "geometry_wkt": shapely.to_wkt(row.geometry, rounding_precision=2),
            "srid": METRIC_SRID,
            "parent_id": parent_ids.get(str(parent_code)) if parent_code else None,
            "population": None if population is None or pd.isna(population) else int(population),
            "source": source,
            "is_approximate": False,
        }
        unit = existing.get(str(row.code))
        if unit is None:
            new_units.append(TerritoryUnit(kind=kind, code=str(row.code), **values))
            created += 1
            continue
        before, after = apply_changes(unit, values)
        if after:
            changed.append((unit.id, _readable(before), _readable(after)))
            updated += 1
        else:
            unchanged += 1
    session.add_all(new_units)
    session.flush()
    services.record_many(
        session,
        actor,
        "create",
        "territory_units",
        [
            (u.id, None, _readable({"kind": u.kind, "code": u.code, **_fields(u)}))
            for u in new_units
        ],
    )
    services.record_many(session, actor, "update", "territory_units", changed)
    if kind == UnitKind.NEIGHBOURHOOD.value:
        _replace_assets(session, actor)
    services.record(
        session,
        actor,
        "import",
        "territory_units",
        kind,
        after={"created": created, "updated": updated, "unchanged": unchanged, "source": source},
    )
    return ImportResult(created, updated, unchanged)


_UNIT_FIELDS = ("name", "geometry_wkt", "srid", "parent_id", "population", "source")


def _fields(unit: TerritoryUnit) -> dict[str, object]:
    return {name: getattr(unit, name) for name in _UNIT_FIELDS}


def _readable(values: dict[str, object]) -> dict[str, object]:
    """Audit values with the boundary as its area and a digest instead of the whole WKT."""
    values = {k: v.item() if isinstance(v, np.generic) else v for k, v in values.items()}
    wkt = values.pop("geometry_wkt", None)
    if isinstance(wkt, str):
        import hashlib

        values["geometry"] = {
            "area_m2": round(float(shapely.from_wkt(wkt).area)),
            "sha1": hashlib.sha1(wkt.encode("utf-8")).hexdigest()[:12],
        }
    return values


def _replace_assets(session: Session, actor: Actor) -> None:
    """Place every asset in the neighbourhood containing it; audit each asset that moved."""
    units = stored_units(session, UnitKind.NEIGHBOURHOOD.value)
    rows = session.execute(select(Asset.id, Asset.x, Asset.y, Asset.neighbourhood_id)).all()
    if not rows:
        return
    ids = np.array([r[0] for r in rows])
    found = unit_ids_for_points(
        units, np.array([r[1] for r in rows]), np.array([r[2] for r in rows])
    )
    services.record_many(
        session,
        actor,
        "update",
        "assets",
        [
            (r[0], {"neighbourhood_id": r[3]}, {"neighbourhood_id": new})
            for r, f in zip(rows, found, strict=True)
            for new in [int(f) if f >= 0 else None]
            if new != r[3]
        ],
    )
    groups = pd.Series(ids).groupby(found)
    for unit_id, members in groups:
        for start in range(0, len(members), 500):
            session.execute(
                update(Asset)
                .where(Asset.id.in_(members.iloc[start : start + 500].tolist()))
                .values(neighbourhood_id=int(unit_id) if unit_id >= 0 else None)
                .execution_options(synchronize_session=False)
            )
