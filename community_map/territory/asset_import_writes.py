"""Audited import of asset tables: create or update many assets at once, all or nothing.

Rows are matched on their source and source id, so importing the same file again
updates the assets it created instead of duplicating them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from community_map._spatial import stored_units, unit_ids_for_points
from community_map._text import cell_text, is_missing
from community_map.errors import ValidationError
from community_map.i18n import gettext as _
from community_map.models import METRIC_SRID, Accessibility, Asset, UnitKind
from community_map.territory.asset_reads import category_codes
from community_map.trust import audit as services
from community_map.trust.permissions import Actor, Permission, require

__all__ = ["ImportResult", "apply_changes", "import_assets", "set_changed"]


@dataclass(frozen=True)
class ImportResult:
    """Counts of an import: rows created, updated and left unchanged."""

    created: int
    updated: int
    unchanged: int


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

    The audit log gets one entry per created asset (its values), one per changed asset
    (the before and after of the fields the import changed) and one with the counts.

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
    known_categories = category_codes(session)
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
    new_assets: list[Asset] = []
    changed: list[tuple[object, dict[str, object], dict[str, object]]] = []
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
            new_assets.append(
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
        before, after = apply_changes(asset, {**values, "is_active": True})
        if after:
            changed.append((asset.id, before, after))
            updated += 1
        else:
            unchanged += 1
        asset.last_verified = day
    session.add_all(new_assets)
    session.flush()
    services.record_many(
        session,
        actor,
        "create",
        "assets",
        [
            (a.id, None, {"source": a.source, "source_id": a.source_id, **values_of(a)})
            for a in new_assets
        ],
    )
    services.record_many(session, actor, "update", "assets", changed)
    services.record(
        session,
        actor,
        "import",
        "assets",
        None,
        after={"created": created, "updated": updated, "unchanged": unchanged, "note": note},
    )
    return ImportResult(created, updated, unchanged)


_IMPORTED = (
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
    "x",
    "y",
    "neighbourhood_id",
)


def values_of(asset: Asset) -> dict[str, object]:
    """Return the fields an import sets on an asset (for its audit entry)."""
    values = {name: getattr(asset, name) for name in _IMPORTED}
    return {k: v.item() if isinstance(v, np.generic) else v for k, v in values.items()}


def apply_changes(
    record: object, values: Mapping[str, object]
) -> tuple[dict[str, object], dict[str, object]]:
    """Set ``values`` on ``record``; return the changed fields' old and new values.

    Imports audit each changed row with these (an empty pair: the row was unchanged).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> unit = SimpleNamespace(name="Gràcia", population=1)
    >>> apply_changes(unit, {"name": "Gràcia", "population": 2}), unit.population
    (({'population': 1}, {'population': 2}), 2)
    >>> apply_changes(unit, {"name": "Gràcia"})
    ({}, {})
    """
    before = {k: getattr(record, k) for k, v in values.items() if getattr(record, k) != v}
    after = {k: values[k] for k in before}
    for key, value in after.items():
        setattr(record, key, value)
    return before, after


def set_changed(record: object, values: Mapping[str, object]) -> bool:
    """Set ``values`` on ``record`` if any of them differs from it; return whether one did.

    Used by the imports to tell updated rows from unchanged ones.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> unit = SimpleNamespace(name="Gràcia", population=1)
    >>> set_changed(unit, {"name": "Gràcia", "population": 2}), unit.population
    (True, 2)
    >>> set_changed(unit, {"name": "Gràcia"})
    False
    """
    if not any(getattr(record, key) != value for key, value in values.items()):
        return False
    for key, value in values.items():
        setattr(record, key, value)
    return True


def _missing_id(value: object) -> bool:
    return is_missing(value) or str(value) in {"", "None", "nan"}


def _place_key(name: object, x: float, y: float) -> str:
    """A stable id for a file row without one: its name and position to 10 m."""
    import hashlib
    import unicodedata

    folded = unicodedata.normalize("NFKD", str(name).casefold().strip())
    text = f"{folded}|{round(float(x) / 10)}|{round(float(y) / 10)}"
    return "auto-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]
