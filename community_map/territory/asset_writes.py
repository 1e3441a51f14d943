"""Audited writes of single assets: create, edit and deactivate, validated first.

Every function takes the acting user, checks their permission, validates the whole
input before writing anything, and records what changed in the audit log. Asset edits
use optimistic concurrency: a save based on an old version is refused. Imports of whole
asset files are in :mod:`~community_map.territory.asset_import_writes`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from community_map._limits import CAPACITY_MAX, INT_MAX, check_number, check_text, column_length
from community_map._spatial import inside_catalonia, stored_units, unit_ids_for_points
from community_map._text import trim
from community_map.errors import ConcurrentEditError, NotFoundError, ValidationError
from community_map.i18n import gettext as _
from community_map.models import ASSET_CONTACT_FIELDS, METRIC_SRID, Accessibility, Asset, UnitKind
from community_map.territory.asset_reads import category_codes
from community_map.trust import audit as services
from community_map.trust.permissions import Actor, Permission, require

__all__ = ["EDITABLE_FIELDS", "create_asset", "set_asset_active", "update_asset"]

EDITABLE_FIELDS = (
    "name",
    "category_code",
    "tags",
    "description",
    *ASSET_CONTACT_FIELDS,
    "capacity",
    "x",
    "y",
)


def _check_fields(session: Session, fields: Mapping[str, Any]) -> dict[str, Any]:
    clean = dict(fields)
    unknown = set(clean) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            _("These asset fields cannot be set: {fields}.").format(
                fields=", ".join(sorted(unknown))
            )
        )
    for key in ("name", "description", *ASSET_CONTACT_FIELDS):
        if isinstance(clean.get(key), str):
            check_text(clean[key], limit=column_length(Asset, key), column=key)
    if "name" in clean:
        clean["name"] = trim(str(clean["name"]))
        if not clean["name"]:
            raise ValidationError(_("The asset needs a name."))
    if "category_code" in clean and clean["category_code"] not in category_codes(session):
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
        check_number(float(clean["capacity"]), low=-INT_MAX, high=CAPACITY_MAX, column="capacity")
        capacity = int(clean["capacity"])
        if capacity < 0:
            raise ValidationError(_("The capacity cannot be negative."))
        clean["capacity"] = capacity
    if "x" in clean or "y" in clean:
        if "x" not in clean or "y" not in clean:
            raise ValidationError(_("Give both coordinates of the asset."))
        x, y = float(clean["x"]), float(clean["y"])
        inside = np.isfinite([x, y]).all() and inside_catalonia(np.array([x]), np.array([y]))[0]
        if not inside:
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


_Values = Mapping[str, Any]


def _snapshot(asset: Asset) -> dict[str, Any]:
    return {f: getattr(asset, f) for f in EDITABLE_FIELDS} | {"is_active": asset.is_active}


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
    _record_update(
        session,
        actor,
        asset,
        _jsonable({k: before[k] for k in changed}),
        _jsonable({k: after[k] for k in changed}),
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
    _record_update(session, actor, asset, {"is_active": before}, {"is_active": active})
    return asset


def _record_update(
    session: Session, actor: Actor, asset: Asset, before: _Values, after: _Values
) -> None:
    """Record in the audit log that ``actor`` changed ``asset`` from ``before`` to ``after``."""
    services.record(session, actor, "update", "assets", asset.id, before=before, after=after)


def _load_asset(session: Session, asset_id: int, version: int) -> Asset:
    """Return the asset, refusing a save based on an outdated version."""
    asset = session.get(Asset, asset_id)
    if asset is None:
        raise NotFoundError(_("There is no asset {id}.").format(id=asset_id))
    if asset.version != version:
        raise ConcurrentEditError(
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
