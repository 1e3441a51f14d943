"""Models of the services and professionals registers (re-exported by models).

Kept apart from :mod:`community_map.models` only for size; import them from there.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from community_map.models import Base, _enum_check
from community_map.vocabulary import FieldOfWork, LegalNature

__all__ = ["Professional", "Service"]


class Service(Base):
    """An organisational actor: a social services centre, Làbora, an entity, a residents' group.

    Its field of work (social care, employment...) and its legal nature (public, third
    sector...) are two separate attributes, so a third-sector employment service is both.
    """

    __tablename__ = "services"
    __table_args__ = (
        _enum_check("field_of_work", FieldOfWork),
        _enum_check("legal_nature", LegalNature),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    field_of_work: Mapped[str] = mapped_column(String(32))
    legal_nature: Mapped[str] = mapped_column(String(32), default=LegalNature.PUBLIC.value)
    organisation: Mapped[str] = mapped_column(String(200), default="")
    asset_id: Mapped[int | None] = mapped_column(ForeignKey("assets.id"), nullable=True)
    catchment_id: Mapped[int | None] = mapped_column(
        ForeignKey("territory_units.id"), nullable=True
    )
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class Professional(Base):
    """A member of staff (code or name), their profession, service and active period."""

    __tablename__ = "professionals"
    __table_args__ = (
        CheckConstraint(
            "starts_on IS NULL OR ends_on IS NULL OR starts_on <= ends_on", name="period_order"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(100))
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), index=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    starts_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    ends_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
