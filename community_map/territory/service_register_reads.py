"""The services and professionals registers: lists with search and filters.

Services and professionals are organisations and staff, not participants: their lists
need no personal-data permission; they are what the inter-service networks are made of.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from community_map.models import Asset, Professional, Service, TerritoryUnit

__all__ = ["PROFESSIONAL_COLUMNS", "SERVICE_COLUMNS", "professionals_frame", "services_frame"]

SERVICE_COLUMNS = (
    "id",
    "code",
    "name",
    "field_of_work",
    "legal_nature",
    "organisation",
    "asset_id",
    "asset",
    "catchment_id",
    "catchment",
    "is_active",
    "version",
)
PROFESSIONAL_COLUMNS = (
    "id",
    "code",
    "display_name",
    "role",
    "service_id",
    "service",
    "starts_on",
    "ends_on",
    "is_active",
    "version",
)


def services_frame(
    session: Session,
    *,
    field_of_work: str | None = None,
    legal_nature: str | None = None,
    active_only: bool = False,
) -> pd.DataFrame:
    """Every service with its linked asset's name and catchment code, sorted by code.

    Examples
    --------
    >>> services_frame(session, legal_nature="third_sector")[["code", "name"]]  # doctest: +SKIP
    """
    catchment = aliased(TerritoryUnit)
    query = (
        select(
            Service.id,
            Service.code,
            Service.name,
            Service.field_of_work,
            Service.legal_nature,
            Service.organisation,
            Service.asset_id,
            Asset.name.label("asset"),
            Service.catchment_id,
            catchment.code.label("catchment"),
            Service.is_active,
            Service.version,
        )
        .outerjoin(Asset, Asset.id == Service.asset_id)
        .outerjoin(catchment, catchment.id == Service.catchment_id)
        .order_by(Service.code)
    )
    if field_of_work:
        query = query.where(Service.field_of_work == field_of_work)
    if legal_nature:
        query = query.where(Service.legal_nature == legal_nature)
    if active_only:
        query = query.where(Service.is_active.is_(True))
    return pd.DataFrame(session.execute(query).all(), columns=list(SERVICE_COLUMNS))


def professionals_frame(
    session: Session, *, service_id: int | None = None, active_on: dt.date | None = None
) -> pd.DataFrame:
    """Every professional with their service's code; optionally of one service, or those
    active on a day (inside their active period and not deactivated).

    Examples
    --------
    >>> professionals_frame(session, active_on=dt.date(2023, 3, 1))  # doctest: +SKIP
    """
    query = (
        select(
            Professional.id,
            Professional.code,
            Professional.display_name,
            Professional.role,
            Professional.service_id,
            Service.code.label("service"),
            Professional.starts_on,
            Professional.ends_on,
            Professional.is_active,
            Professional.version,
        )
        .join(Service, Service.id == Professional.service_id)
        .order_by(Professional.code)
    )
    if service_id is not None:
        query = query.where(Professional.service_id == service_id)
    if active_on is not None:
        query = query.where(
            Professional.is_active.is_(True),
            (Professional.starts_on.is_(None)) | (Professional.starts_on <= active_on),
            (Professional.ends_on.is_(None)) | (Professional.ends_on >= active_on),
        )
    return pd.DataFrame(session.execute(query).all(), columns=list(PROFESSIONAL_COLUMNS))


def places_without_service(session: Session) -> pd.DataFrame:
    """Per asset category: how many active places have no service yet, in the active language.

    Columns ``category``, ``label`` and ``places``; categories with none are left out.

    Examples
    --------
    >>> places_without_service(session)  # doctest: +SKIP
                     category                      label  places
    0  social_services_centre  Centre de serveis socials      24
    """
    from community_map import i18n
    from community_map.models import AssetCategory

    linked = select(Service.asset_id).where(Service.asset_id.is_not(None))
    name = {
        "ca": AssetCategory.name_ca,
        "es": AssetCategory.name_es,
        "en": AssetCategory.name_en,
    }.get(i18n.get_language(), AssetCategory.name_en)
    rows = session.execute(
        select(Asset.category_code, name, func.count(Asset.id))
        .join(AssetCategory, AssetCategory.code == Asset.category_code)
        .where(Asset.is_active.is_(True), Asset.id.not_in(linked))
        .group_by(Asset.category_code, name)
        .order_by(func.count(Asset.id).desc())
    ).all()
    return pd.DataFrame(rows, columns=["category", "label", "places"])
