"""Audited writes of the services and professionals registers, and services made from
imported places (importing Barcelona's social services centres creates services).

Every write checks the actor, validates its values before anything is written and
records the before and after of what changed in the audit log; updates carry the version
the user read, so a change made on a stale copy is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from community_map._registers import CellError, versioned_row
from community_map._spatial import stored_units, unit_ids_for_points
from community_map.i18n import gettext as _
from community_map.models import (
    FIELD_OF_WORK_LABELS,
    LEGAL_NATURE_LABELS,
    Asset,
    FieldOfWork,
    LegalNature,
    Professional,
    Service,
    TerritoryUnit,
)
from community_map.trust.audit import changes, record, record_many
from community_map.trust.permissions import Actor, Permission, require

__all__ = [
    "PROFESSIONAL_FIELDS",
    "SERVICE_FIELDS",
    "ServicesFromAssets",
    "save_professional",
    "save_service",
    "services_for_imported_centres",
    "services_from_assets",
    "services_from_category",
]

SERVICE_FIELDS = (
    "code",
    "name",
    "field_of_work",
    "legal_nature",
    "organisation",
    "asset_id",
    "catchment_id",
    "is_active",
)
PROFESSIONAL_FIELDS = (
    "code",
    "display_name",
    "role",
    "service_id",
    "starts_on",
    "ends_on",
    "is_active",
)


def _state(row: Service | Professional, fields: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(row, name) for name in fields}


def _check_code(
    session: Session, model: type[Service] | type[Professional], code: str, own: int | None
) -> None:
    if not code:
        raise CellError("code", _("Give a code (for example CSS-RAVAL)."))
    other = session.scalar(select(model.id).where(model.code == code))
    if other is not None and other != own:
        raise CellError(
            "code", _("The code {code} is already used; choose another.").format(code=code)
        )


def _checked_service(
    session: Session, values: Mapping[str, Any], own: int | None
) -> dict[str, Any]:
    clean: dict[str, Any] = {name: values.get(name) for name in SERVICE_FIELDS}
    clean["code"] = str(clean["code"] or "").strip()
    clean["name"] = str(clean["name"] or "").strip()
    clean["organisation"] = str(clean["organisation"] or "").strip()
    clean["is_active"] = True if clean["is_active"] is None else bool(clean["is_active"])
    _check_code(session, Service, clean["code"], own)
    if not clean["name"]:
        raise CellError("name", _("Give the service's name."))
    if clean["field_of_work"] not in {f.value for f in FieldOfWork}:
        raise CellError(
            "field_of_work",
            _("Choose a field of work: {choices}.").format(
                choices=", ".join(_(label) for label in FIELD_OF_WORK_LABELS.values())
            ),
        )
    if not clean["legal_nature"]:
        clean["legal_nature"] = LegalNature.PUBLIC.value
    if clean["legal_nature"] not in {n.value for n in LegalNature}:
        raise CellError(
            "legal_nature",
            _("Choose a legal nature: {choices}.").format(
                choices=", ".join(_(label) for label in LEGAL_NATURE_LABELS.values())
            ),
        )
    if clean["asset_id"] is not None and session.get(Asset, clean["asset_id"]) is None:
        raise CellError(
            "asset_id", _("There is no place {id} on the map.").format(id=clean["asset_id"])
        )
    if (
        clean["catchment_id"] is not None
        and session.get(TerritoryUnit, clean["catchment_id"]) is None
    ):
        raise CellError(
            "catchment_id", _("There is no area {id}.").format(id=clean["catchment_id"])
        )
    return clean


def save_service(
    session: Session,
    *,
    actor: Actor,
    values: Mapping[str, Any],
    service_id: int | None = None,
    version: int | None = None,
) -> Service:
    """Create a service (``service_id`` None) or update one; audited.

    ``values`` holds :data:`SERVICE_FIELDS` (``asset_id`` links a place on the map,
    ``catchment_id`` a territorial unit). ``version`` is the one the user read.

    Raises
    ------
    PermissionDeniedError
        Unless the actor may edit services.
    ValidationError
        For a used code, an empty name, an unknown field of work or legal nature, or
        when someone else saved the service since it was read.

    Examples
    --------
    >>> save_service(session, actor=admin, values={"code": "CSS-1", "name": "CSS Raval",
    ...     "field_of_work": "social_care", "legal_nature": "public"})  # doctest: +SKIP
    """
    require(actor, Permission.EDIT_SERVICES)
    if service_id is None:
        clean = _checked_service(session, values, None)
        added = Service(**clean)
        session.add(added)
        session.flush()
        record(session, actor, "create", "services", added.id, after=clean)
        return added
    missing = _("There is no service {id}.").format(id=service_id)
    service: Service = versioned_row(
        session, Service, service_id, version, missing=missing, what=_("this service")
    )
    clean = _checked_service(session, {**_state(service, SERVICE_FIELDS), **values}, service.id)
    before, after = changes(_state(service, SERVICE_FIELDS), clean)
    if after:
        for name, value in after.items():
            setattr(service, name, value)
        session.flush()
        record(session, actor, "update", "services", service.id, before=before, after=after)
    return service


def _checked_professional(
    session: Session, values: Mapping[str, Any], own: int | None
) -> dict[str, Any]:
    clean: dict[str, Any] = {name: values.get(name) for name in PROFESSIONAL_FIELDS}
    clean["code"] = str(clean["code"] or "").strip()
    clean["display_name"] = str(clean["display_name"] or "").strip()
    clean["role"] = str(clean["role"] or "").strip()
    clean["is_active"] = True if clean["is_active"] is None else bool(clean["is_active"])
    _check_code(session, Professional, clean["code"], own)
    if not clean["role"]:
        raise CellError("role", _("Give the profession (for example social worker)."))
    if clean["service_id"] is None or session.get(Service, clean["service_id"]) is None:
        raise CellError("service_id", _("Choose the service this professional works in."))
    first, last = clean["starts_on"], clean["ends_on"]
    if isinstance(first, dt.date) and isinstance(last, dt.date) and last < first:
        raise CellError("ends_on", _("The active period ends before it starts."))
    return clean


def save_professional(
    session: Session,
    *,
    actor: Actor,
    values: Mapping[str, Any],
    professional_id: int | None = None,
    version: int | None = None,
) -> Professional:
    """Create a professional (``professional_id`` None) or update one; audited.

    ``values`` holds :data:`PROFESSIONAL_FIELDS`: code, display name (staff may be named),
    profession (``role``), service, active period and whether active.

    Examples
    --------
    >>> save_professional(session, actor=admin, values={"code": "TS-1", "role": "Social worker",
    ...     "service_id": 1, "starts_on": dt.date(2022, 9, 1)})  # doctest: +SKIP
    """
    require(actor, Permission.EDIT_SERVICES)
    if professional_id is None:
        clean = _checked_professional(session, values, None)
        added = Professional(**clean)
        session.add(added)
        session.flush()
        record(session, actor, "create", "professionals", added.id, after=clean)
        return added
    missing = _("There is no professional {id}.").format(id=professional_id)
    professional: Professional = versioned_row(
        session,
        Professional,
        professional_id,
        version,
        missing=missing,
        what=_("this professional"),
    )
    now = _state(professional, PROFESSIONAL_FIELDS)
    clean = _checked_professional(session, {**now, **values}, professional.id)
    before, after = changes(now, clean)
    if after:
        for name, value in after.items():
            setattr(professional, name, value)
        session.flush()
        record(
            session, actor, "update", "professionals", professional.id, before=before, after=after
        )
    return professional


@dataclass(frozen=True)
class ServicesFromAssets:
    """Services created from places, and places that already had one."""

    created: int
    already: int


def services_from_assets(
    session: Session,
    asset_ids: Iterable[int],
    *,
    actor: Actor,
    field_of_work: str = FieldOfWork.SOCIAL_CARE.value,
    legal_nature: str = LegalNature.PUBLIC.value,
    organisation: str = "",
) -> ServicesFromAssets:
    """Create one service per place that has none yet (importing centres creates services).

    The service takes the place's name, is linked to it, and gets the catchment area that
    contains the place when catchment areas are stored. Its code is ``S-`` and the
    place's source id (or its id). Audited, one entry per service.

    Examples
    --------
    >>> services_from_assets(session, [12, 13], actor=admin)  # doctest: +SKIP
    ServicesFromAssets(created=2, already=0)
    """
    require(actor, Permission.EDIT_SERVICES)
    wanted = sorted(set(asset_ids))
    linked = set(
        session.scalars(select(Service.asset_id).where(Service.asset_id.in_(wanted))).all()
    )
    assets = [
        a for a in session.scalars(select(Asset).where(Asset.id.in_(wanted))) if a.id not in linked
    ]
    catchments = stored_units(session, "catchment")
    inside = unit_ids_for_points(
        catchments,
        np.array([a.x for a in assets], dtype=float),
        np.array([a.y for a in assets], dtype=float),
    )
    used = set(session.scalars(select(Service.code)).all())
    created: list[Service] = []
    for asset, unit in zip(assets, inside, strict=True):
        base = f"S-{asset.source_id or asset.id}"[:36]
        code, n = base, 1
        while code in used:
            n += 1
            code = f"{base}-{n}"
        used.add(code)
        values = {
            "code": code,
            "name": asset.name[:300],
            "field_of_work": field_of_work,
            "legal_nature": legal_nature,
            "organisation": organisation,
            "asset_id": asset.id,
            "catchment_id": int(unit) if unit >= 0 else None,
            "is_active": True,
        }
        created.append(Service(**_checked_service(session, values, None)))
    session.add_all(created)
    session.flush()
    record_many(
        session,
        actor,
        "create",
        "services",
        [(s.id, None, _state(s, SERVICE_FIELDS)) for s in created],
    )
    return ServicesFromAssets(len(created), len(linked))


def services_from_category(
    session: Session,
    category: str,
    *,
    actor: Actor,
    field_of_work: str = FieldOfWork.SOCIAL_CARE.value,
    legal_nature: str = LegalNature.PUBLIC.value,
    organisation: str = "",
) -> ServicesFromAssets:
    """:func:`services_from_assets` for every active place of an asset category.

    Examples
    --------
    >>> services_from_category(session, "social_services_centre", actor=admin)  # doctest: +SKIP
    ServicesFromAssets(created=24, already=0)
    """
    ids = session.scalars(
        select(Asset.id).where(Asset.category_code == category, Asset.is_active.is_(True))
    ).all()
    return services_from_assets(
        session,
        ids,
        actor=actor,
        field_of_work=field_of_work,
        legal_nature=legal_nature,
        organisation=organisation,
    )


CENTRE_CATEGORY = "social_services_centre"
"""The asset category whose imported places become services (social care, public)."""


def services_for_imported_centres(
    session: Session, frame: pd.DataFrame, *, actor: Actor
) -> ServicesFromAssets:
    """After an asset import, make a service of each imported social services centre.

    ``frame`` is the imported table (``source``, ``source_id``, ``category``); centres that
    already have a service keep it. Importing Barcelona's list of social services centres
    thus gives 24 services linked to their 24 places.

    Examples
    --------
    >>> read = assets_from_file("udd_centres_serveis_socials.json")  # doctest: +SKIP
    >>> import_assets(session, actor=admin, frame=read.frame)  # doctest: +SKIP
    >>> services_for_imported_centres(session, read.frame, actor=admin)  # doctest: +SKIP
    ServicesFromAssets(created=24, already=0)
    """
    centres = frame[frame["category"] == CENTRE_CATEGORY]
    if centres.empty:
        return ServicesFromAssets(0, 0)
    keys = {(str(s), str(i)) for s, i in zip(centres["source"], centres["source_id"], strict=True)}
    ids = [
        asset_id
        for asset_id, source, source_id in session.execute(
            select(Asset.id, Asset.source, Asset.source_id).where(
                Asset.category_code == CENTRE_CATEGORY
            )
        )
        if (source, source_id) in keys
    ]
    return services_from_assets(
        session,
        ids,
        actor=actor,
        field_of_work=FieldOfWork.SOCIAL_CARE.value,
        legal_nature=LegalNature.PUBLIC.value,
    )
