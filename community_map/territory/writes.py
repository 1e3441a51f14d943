"""Service-layer writes for the territory: boundaries and assets, validated and audited.

Every function takes the acting user, checks their permission, validates the whole
input before writing anything, and records what changed in the audit log. Asset edits
use optimistic concurrency: a save based on an old version is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from community_map._spatial import inside_catalonia, stored_units, unit_ids_for_points
from community_map._text import cell_text, is_missing
from community_map.errors import NotFoundError, ValidationError
from community_map.i18n import gettext as _
from community_map.models import (
    METRIC_SRID,
    Accessibility,
    Asset,
    AssetCategory,
    TerritoryUnit,
    UnitKind,
)
from community_map.trust import audit as services
from community_map.trust.permissions import Actor, Permission, require

__all__ = [
    "EDITABLE_FIELDS",
    "ImportResult",
    "create_asset",
    "import_assets",
    "lonlat_to_metric",
    "save_boundaries",
    "set_asset_active",
    "update_asset",
]

EDITABLE_FIELDS = (
    "name",
    "category_code",
    "tags",
    "description",
    "address",
    "phone",
    "email",
    "website",
    "accessibility",
    "opening_hours",
    "capacity",
    "x",
    "y",
)


@dataclass(frozen=True)
class ImportResult:
    """Counts of an import: rows created, updated and left unchanged."""

    created: int
    updated: int
    unchanged: int


def _categories(session: Session) -> set[str]:
    return set(session.scalars(select(AssetCategory.code)))


def _check_fields(session: Session, fields: Mapping[str, Any]) -> dict[str, Any]:
    clean = dict(fields)
    unknown = set(clean) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            _("These asset fields cannot be set: {fields}.").format(
                fields=", ".join(sorted(unknown))
            )
        )
    if "name" in clean:
        clean["name"] = str(clean["name"]).strip()
        if not clean["name"]:
            raise ValidationError(_("The asset needs a name."))
    if "category_code" in clean and clean["category_code"] not in _categories(session):
        raise ValidationError(
            _("Unknown category {code!r}; choose one of the taxonomy's categories.").format(
                code=clean["category_code"]
            )
        )
    if "accessibility" in clean and clean["accessibility"] not in {a.value for a in Accessibility}:
        raise ValidationError(
            _("Unknown accessibility value {value!r}.").format(value=clean["accessibility"])
        )
    if "tags" in clean:
        clean["tags"] = sorted({str(t).strip() for t in clean["tags"] if str(t).strip()})
    if "capacity" in clean and clean["capacity"] is not None:
        capacity = int(clean["capacity"])
        if capacity < 0:
            raise ValidationError(_("The capacity cannot be negative."))
        clean["capacity"] = capacity
    if "x" in clean or "y" in clean:
        if "x" not in clean or "y" not in clean:
            raise ValidationError(_("Give both coordinates of the asset."))
        x, y = float(clean["x"]), float(clean["y"])
        if not inside_catalonia(np.array([x]), np.array([y]))[0]:
            raise ValidationError(
                _(
                    "The point ({x:.0f}, {y:.0f}) is outside the territory; place the asset on "
                    "the map inside the city."
                ).format(x=x, y=y)
            )
        clean["x"], clean["y"] = round(x, 1), round(y, 1)
    return clean


def _neighbourhood_id(session: Session, x: float, y: float) -> int | None:
    units = stored_units(session, UnitKind.NEIGHBOURHOOD.value)
    if units.empty:
        return None
    found = int(unit_ids_for_points(units, np.array([x]), np.array([y]))[0])
    if found < 0:
        raise ValidationError(
            _(
                "The point is not inside any neighbourhood of the territory; place the asset "
                "inside the city."
            )
        )
    return found


def _snapshot(asset: Asset) -> dict[str, Any]:
    return {f: getattr(asset, f) for f in EDITABLE_FIELDS} | {"is_active": asset.is_active}


def lonlat_to_metric(lon: float, lat: float) -> tuple[float, float]:
    """Convert a WGS84 longitude/latitude to EPSG:25831 metres.

    Parameters
    ----------
    lon, lat
        Degrees (EPSG:4326).

    Returns
    -------
    tuple of float
        ``(x, y)`` in metres.

    Examples
    --------
    >>> x, y = lonlat_to_metric(2.1734, 41.3851)
    >>> round(x, -2), round(y, -2)
    (430900.0, 4581800.0)
    """
    point = gpd.GeoSeries([shapely.Point(lon, lat)], crs=4326).to_crs(METRIC_SRID).iloc[0]
    return float(point.x), float(point.y)


def create_asset(
    session: Session,
    *,
    actor: Actor,
    name: str,
    category_code: str,
    x: float,
    y: float,
    today: dt.date | None = None,
    **fields: Any,
) -> Asset:
    """Create an asset at (x, y) in EPSG:25831, placed in its neighbourhood; audited.

    Parameters
    ----------
    session
        An open SQLAlchemy session; the caller commits.
    actor
        The user doing it; needs the permission to edit assets.
    name, category_code
        The asset's name and taxonomy code.
    x, y
        Position in EPSG:25831 metres, inside Catalonia.
    today
        The verification date (default: today).
    **fields
        Other fields of :data:`EDITABLE_FIELDS`.

    Returns
    -------
    Asset
        The new, flushed asset.

    Raises
    ------
    ValidationError
        For an unknown category, an empty name or a point outside Catalonia.

    Examples
    --------
    >>> with storage.session_scope(engine) as session:  # doctest: +SKIP
    ...     create_asset(session, actor=admin, name="Casal", category_code="youth_centre",
    ...                  x=430_900, y=4_581_800)
    """
    require(actor, Permission.EDIT_ASSETS)
    clean = _check_fields(
        session, {"name": name, "category_code": category_code, "x": x, "y": y, **fields}
    )
    asset = Asset(
        **clean,
        srid=METRIC_SRID,
        source="manual",
        neighbourhood_id=_neighbourhood_id(session, clean["x"], clean["y"]),
        last_verified=today or dt.date.today(),
        is_active=True,
    )
    asset.tags = clean.get("tags", [])
    session.add(asset)
    session.flush()
    asset.source_id = f"manual-{asset.id}"
    services.record(session, actor, "create", "assets", asset.id, after=_jsonable(_snapshot(asset)))
    return asset


def update_asset(
    session: Session,
    *,
    actor: Actor,
    asset_id: int,
    version: int,
    today: dt.date | None = None,
    **changes: Any,
) -> Asset:
    """Change an asset's fields; refused if someone saved it since ``version`` was read.

    Saving also marks the asset as verified today.

    Parameters
    ----------
    session
        An open SQLAlchemy session; the caller commits.
    actor
        The user doing it; needs the permission to edit assets.
    asset_id, version
        The asset and the version the user read.
    today
        The verification date (default: today).
    **changes
        New values of :data:`EDITABLE_FIELDS`.

    Returns
    -------
    Asset
        The updated asset.

    Examples
    --------
    >>> with storage.session_scope(engine) as session:  # doctest: +SKIP
    ...     update_asset(session, actor=admin, asset_id=4, version=1, phone="932 000 000")
    """
    require(actor, Permission.EDIT_ASSETS)
    asset = _load_asset(session, asset_id, version)
    clean = _check_fields(session, changes)
    before = _snapshot(asset)
    for field, value in clean.items():
        setattr(asset, field, value)
    if "x" in clean:
        asset.neighbourhood_id = _neighbourhood_id(session, asset.x, asset.y)
    asset.last_verified = today or dt.date.today()
    session.flush()
    after = _snapshot(asset)
    changed = {k for k in after if after[k] != before[k]}
    services.record(
        session,
        actor,
        "update",
        "assets",
        asset.id,
        before=_jsonable({k: before[k] for k in changed}),
        after=_jsonable({k: after[k] for k in changed}),
    )
    return asset


def set_asset_active(
    session: Session, *, actor: Actor, asset_id: int, version: int, active: bool
) -> Asset:
    """Deactivate (hide from maps and lists) or reactivate an asset; audited.

    Parameters
    ----------
    session
        An open SQLAlchemy session; the caller commits.
    actor
        The user doing it; needs the permission to edit assets.
    asset_id, version
        The asset and the version the user read.
    active
        False to deactivate, True to reactivate.

    Examples
    --------
    >>> with storage.session_scope(engine) as session:  # doctest: +SKIP
    ...     set_asset_active(session, actor=admin, asset_id=4, version=2, active=False)
    """
    require(actor, Permission.EDIT_ASSETS)
    asset = _load_asset(session, asset_id, version)
    before = asset.is_active
    asset.is_active = active
    session.flush()
    services.record(
        session,
        actor,
        "update",
        "assets",
        asset.id,
        before={"is_active": before},
        after={"is_active": active},
    )
    return asset


def _load_asset(session: Session, asset_id: int, version: int) -> Asset:
    """Return the asset, refusing a save based on an outdated version."""
    asset = session.get(Asset, asset_id)
    if asset is None:
        raise NotFoundError(_("There is no asset {id}.").format(id=asset_id))
    if asset.version != version:
        raise ValidationError(
            _(
                "Someone else changed this asset since you opened it; reload it and make your "
                "change again. Nothing was saved."
            )
        )
    return asset


def _jsonable(values: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, (dt.date, dt.datetime)):
            out[key] = value.isoformat()
        elif isinstance(value, (np.integer, np.floating)):
            out[key] = value.item()
        else:
            out[key] = value
    return out


def import_assets(
    session: Session,
    *,
    actor: Actor,
    frame: pd.DataFrame,
    today: dt.date | None = None,
    note: str = "",
) -> ImportResult:
    """Create or update assets from a normalised import table, all or nothing.

    Rows are matched on (``source``, ``source_id``): a known asset is updated, never
    duplicated; rows without an id get one from their name and position to 10 m, so
    re-importing the same file matches them too. Every imported asset is marked verified
    ``today`` and placed in its neighbourhood by spatial join.

    Parameters
    ----------
    session
        An open SQLAlchemy session; the caller commits.
    actor
        The user doing it; needs the permission to edit assets.
    frame
        The columns of :data:`community_map.territory.asset_files.ASSET_COLUMNS` (x/y in
        EPSG:25831), e.g. :attr:`AssetImport.frame <community_map.territory.AssetImport>`.
    today
        The verification date (default: today).
    note
        A note for the audit log (e.g. the file name).

    Returns
    -------
    ImportResult
        Counts of created, updated and unchanged assets.

    Examples
    --------
    >>> read = assets_from_file("equipaments.csv")  # doctest: +SKIP
    >>> with storage.session_scope(engine) as session:  # doctest: +SKIP
    ...     import_assets(session, actor=admin, frame=read.frame, note="equipaments.csv")
    ImportResult(created=12, updated=0, unchanged=0)
    """
    require(actor, Permission.IMPORT_DATA)
    day = today or dt.date.today()
    known_categories = _categories(session)
    missing = frame["category"].isna() | ~frame["category"].isin(known_categories)
    if missing.any():
        first = frame[missing].iloc[0]
        raise ValidationError(
            _(
                "{n} assets have no category of the taxonomy (first: {name!r}, row {row}); map "
                "their source categories or choose a default category."
            ).format(n=int(missing.sum()), name=first["name"], row=first.get("row", "?"))
        )
    frame = frame.assign(
        source_id=[
            _place_key(r.name, r.x, r.y) if _missing_id(r.source_id) else str(r.source_id)
            for r in frame.itertuples(index=False)
        ]
    )
    frame = frame.drop_duplicates(subset=["source", "source_id"], keep="first")
    units = stored_units(session, UnitKind.NEIGHBOURHOOD.value)
    hood_ids = unit_ids_for_points(units, frame["x"].to_numpy(), frame["y"].to_numpy())
    existing = {
        (src, sid): asset
        for asset in session.scalars(select(Asset).where(Asset.source.in_(set(frame["source"]))))
        for src, sid in [(asset.source, asset.source_id)]
    }
    created = updated = unchanged = 0
    for i, row in enumerate(frame.itertuples(index=False)):
        values = {
            "name": str(row.name),
            "category_code": str(row.category),
            "tags": sorted(set(row.tags)) if isinstance(row.tags, (list, tuple)) else [],
            "description": cell_text(row.description),
            "address": cell_text(row.address),
            "phone": cell_text(row.phone),
            "email": cell_text(row.email),
            "website": cell_text(row.website),
            "accessibility": cell_text(row.accessibility) or Accessibility.UNKNOWN.value,
            "opening_hours": cell_text(row.opening_hours),
            "x": round(float(row.x), 1),
            "y": round(float(row.y), 1),
            "neighbourhood_id": int(hood_ids[i]) if hood_ids[i] >= 0 else None,
        }
        asset = existing.get((str(row.source), str(row.source_id)))
        if asset is None:
            session.add(
                Asset(
                    **values,
                    srid=METRIC_SRID,
                    source=str(row.source),
                    source_id=str(row.source_id),
                    last_verified=day,
                    is_active=True,
                )
            )
            created += 1
            continue
        if any(getattr(asset, k) != v for k, v in values.items()) or not asset.is_active:
            for key, value in values.items():
                setattr(asset, key, value)
            asset.is_active = True
            updated += 1
        else:
            unchanged += 1
        asset.last_verified = day
    session.flush()
    services.record(
        session,
        actor,
        "import",
        "assets",
        None,
        after={"created": created, "updated": updated, "unchanged": unchanged, "note": note},
    )
    return ImportResult(created, updated, unchanged)


def _missing_id(value: object) -> bool:
    return is_missing(value) or str(value) in {"", "None", "nan"}


def _place_key(name: object, x: float, y: float) -> str:
    """A stable id for a file row without one: its name and position to 10 m."""
    import hashlib
    import unicodedata

    folded = unicodedata.normalize("NFKD", str(name).casefold().strip())
    text = f"{folded}|{round(float(x) / 10)}|{round(float(y) / 10)}"
    return "auto-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


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
            session.add(TerritoryUnit(kind=kind, code=str(row.code), **values))
            created += 1
        elif any(getattr(unit, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(unit, key, value)
            updated += 1
        else:
            unchanged += 1
    session.flush()
    if kind == UnitKind.NEIGHBOURHOOD.value:
        _replace_assets(session)
    services.record(
        session,
        actor,
        "import",
        "territory_units",
        kind,
        after={"created": created, "updated": updated, "unchanged": unchanged, "source": source},
    )
    return ImportResult(created, updated, unchanged)


def _replace_assets(session: Session) -> None:
    units = stored_units(session, UnitKind.NEIGHBOURHOOD.value)
    rows = session.execute(select(Asset.id, Asset.x, Asset.y)).all()
    if not rows:
        return
    ids = np.array([r[0] for r in rows])
    found = unit_ids_for_points(
        units, np.array([r[1] for r in rows]), np.array([r[2] for r in rows])
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
