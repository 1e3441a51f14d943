"""The product's asset taxonomy: categories with their names and colours, accessibility labels."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from community_map.i18n import N_
from community_map.i18n import gettext as _
from community_map.models import Accessibility, AssetCategory

__all__ = [
    "ACCESSIBILITY_LABELS",
    "DEFAULT_CATEGORIES",
    "Category",
    "accessibility_label",
    "categories_frame",
    "category_names",
]

ACCESSIBILITY_LABELS: dict[str, str] = {
    Accessibility.ACCESSIBLE.value: N_("Accessible"),
    Accessibility.PARTIAL.value: N_("Partly accessible"),
    Accessibility.NOT_ACCESSIBLE.value: N_("Not accessible"),
    Accessibility.UNKNOWN.value: N_("Accessibility unknown"),
}


def accessibility_label(value: object) -> str:
    """Return the translated label of an accessibility value (unknown values: "unknown").

    Examples
    --------
    >>> accessibility_label("partial"), accessibility_label("nonsense")
    ('Partly accessible', 'Accessibility unknown')
    """
    return _(ACCESSIBILITY_LABELS.get(str(value), ACCESSIBILITY_LABELS["unknown"]))


@dataclass(frozen=True)
class Category:
    """A category of the asset taxonomy with its names and map colour."""

    code: str
    name_ca: str
    name_es: str
    name_en: str
    colour: str

    def name(self, language: str) -> str:
        """Return the category name in ``language`` (``ca``, ``es`` or ``en``).

        Examples
        --------
        >>> DEFAULT_CATEGORIES[1].name("ca"), DEFAULT_CATEGORIES[1].name("fr")
        ('Biblioteca', 'Library')
        """
        return {"ca": self.name_ca, "es": self.name_es}.get(language, self.name_en)


DEFAULT_CATEGORIES: tuple[Category, ...] = (
    Category("civic_centre", "Centre cívic", "Centro cívico", "Civic centre", "#1f77b4"),
    Category("library", "Biblioteca", "Biblioteca", "Library", "#9467bd"),
    Category(
        "health_centre",
        "Centre d'atenció primària",
        "Centro de atención primaria",
        "Primary health centre",
        "#d62728",
    ),
    Category("school", "Centre educatiu", "Centro educativo", "School", "#ff7f0e"),
    Category(
        "association",
        "Entitat o associació",
        "Entidad o asociación",
        "Association or entity",
        "#8c564b",
    ),
    Category("park", "Parc o jardí", "Parque o jardín", "Park or garden", "#2ca02c"),
    Category("market", "Mercat municipal", "Mercado municipal", "Municipal market", "#bcbd22"),
    Category(
        "elderly_centre",
        "Casal de gent gran",
        "Casal de personas mayores",
        "Elderly people's centre",
        "#e377c2",
    ),
    Category(
        "youth_centre", "Casal o espai jove", "Casal o espacio joven", "Youth centre", "#17becf"
    ),
    Category(
        "sports_centre", "Equipament esportiu", "Equipamiento deportivo", "Sports centre", "#7f7f7f"
    ),
    Category(
        "cultural_centre",
        "Equipament cultural",
        "Equipamiento cultural",
        "Cultural venue",
        "#6b3fa0",
    ),
    Category("community_garden", "Hort urbà", "Huerto urbano", "Community garden", "#4d8f3a"),
    Category(
        "employment_service",
        "Servei d'ocupació",
        "Servicio de empleo",
        "Employment service",
        "#005f73",
    ),
    Category(
        "social_services_centre",
        "Centre de serveis socials",
        "Centro de servicios sociales",
        "Social services centre",
        "#b5172f",
    ),
)


def categories_frame(session: Session) -> pd.DataFrame:
    """Return the asset taxonomy stored in the database, one row per category code.

    Parameters
    ----------
    session
        An open SQLAlchemy session.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``code``, with ``name_ca``, ``name_es``, ``name_en`` and ``colour``.

    Examples
    --------
    >>> with storage.session_scope(engine) as session:  # doctest: +SKIP
    ...     categories_frame(session).loc["library", "name_ca"]
    'Biblioteca'
    """
    rows = session.execute(select(AssetCategory)).scalars().all()
    return pd.DataFrame(
        [
            {
                "code": c.code,
                "name_ca": c.name_ca,
                "name_es": c.name_es,
                "name_en": c.name_en,
                "colour": c.colour,
            }
            for c in rows
        ],
        columns=["code", "name_ca", "name_es", "name_en", "colour"],
    ).set_index("code")


def category_names(categories: pd.DataFrame, language: str) -> dict[str, str]:
    """Category code → name in ``language`` (English when there is no such column).

    Parameters
    ----------
    categories
        The taxonomy indexed by code, as returned by :func:`categories_frame`.
    language
        ``"ca"``, ``"es"`` or ``"en"``.

    Examples
    --------
    >>> frame = pd.DataFrame({"name_ca": ["Biblioteca"], "name_en": ["Library"]},
    ...                      index=pd.Index(["library"], name="code"))
    >>> category_names(frame, "ca"), category_names(frame, "fr")
    ({'library': 'Biblioteca'}, {'library': 'Library'})
    """
    column = f"name_{language}" if f"name_{language}" in categories else "name_en"
    return {
        str(code): str(name)
        for code, name in zip(categories.index, categories[column], strict=True)
    }
