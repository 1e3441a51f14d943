"""Source category labels of asset files mapped to the product's taxonomy codes.

:data:`DEFAULT_CATEGORY_MAP` covers the Open Data BCN labels and common Catalan, Spanish and
English labels; :func:`map_category` looks labels up ignoring case, spacing and accents.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from community_map._text import fold
from community_map.territory.taxonomy import DEFAULT_CATEGORIES

__all__ = ["DEFAULT_CATEGORY_MAP", "CategoryLookup", "label_key", "map_category"]


def _taxonomy_labels() -> dict[str, str]:
    labels: dict[str, str] = {}
    for category in DEFAULT_CATEGORIES:
        for label in (category.code, category.name_ca, category.name_es, category.name_en):
            labels[label.strip().lower()] = category.code
    return labels


DEFAULT_CATEGORY_MAP: dict[str, str] = {
    # The taxonomy's own codes and names (ca/es/en) map to themselves.
    **_taxonomy_labels(),
    # --- Open Data BCN equipment list, education (secondary_filters_name and its path).
    "educació": "school",
    "educacio": "school",  # the theme in the file name opendatabcn_llista-equipaments_educacio
    "ensenyament infantil": "school",
    "ensenyament infantil (0-3 anys)": "school",
    "ensenyament infantil (3-6 anys)": "school",
    "escoles bressol municipals": "school",
    "ensenyament reglat": "school",
    "educació primària": "school",
    "educació secundària": "school",
    "formació professional": "school",
    "universitats": "school",
    "ensenyament no reglat": "school",
    "idiomes": "school",
    "adults": "school",
    "caps": "health_centre",
    "esports": "sports_centre",
    "instal·lacions esportives": "sports_centre",
    "esports individuals": "sports_centre",
    "altres esports": "sports_centre",
    "gimnàstica": "sports_centre",
    "ioga": "sports_centre",
    "fitness": "sports_centre",
    "biblioteques": "library",
    "teatres": "cultural_centre",
    "cinemes, teatres, auditoris": "cultural_centre",
    "residències gent gran": "elderly_centre",
    # --- Open Data BCN CKAN, health (udd_hospitals): no hospital code in the taxonomy, so
    # hospitals and clinics go to the only health code.
    "hospitals i centres d'atenció primària": "health_centre",
    "centres atenció primària - cap": "health_centre",
    "atenció primària": "health_centre",
    "centres urgències (cuaps)": "health_centre",
    "centres d'urgències d'atenció primària (cuap)": "health_centre",
    "hospitals i clíniques": "health_centre",
    "assistència hospitalària": "health_centre",
    # --- Open Data BCN CKAN, social services and older people.
    "centres de serveis socials": "social_services_centre",
    "centres de dia gent gran": "elderly_centre",
    "centres de dia per a gent gran": "elderly_centre",
    "residències per la gent gran": "elderly_centre",
    # --- Open Data BCN CKAN, ICUB culture equipments (TipusEquipament, TipusGeneral).
    "cultura": "cultural_centre",  # theme of opendatabcn_llista-equipaments_cultura
    "centres cívics": "civic_centre",
    "biblioteques de barcelona": "library",
    "museus i col·leccions": "cultural_centre",
    "museus i espais d'exposicions": "cultural_centre",
    "centres d'exposicions": "cultural_centre",
    "sales d'arts escèniques": "cultural_centre",
    "espais d'arts escèniques": "cultural_centre",
    "sales de música en viu": "cultural_centre",
    "espais de concerts": "cultural_centre",
    "grans auditoris": "cultural_centre",
    "cinemes": "cultural_centre",
    "sales de cinema": "cultural_centre",
    "ateneus": "cultural_centre",
    "arxius": "cultural_centre",
    "arxius (sense dades)": "cultural_centre",
    "arxius i biblioteques patrimonials": "cultural_centre",
    "fàbriques de creació": "cultural_centre",
    "espais de creació": "cultural_centre",
    "espais d'interès arquitectònic": "cultural_centre",
    # --- Open Data BCN CKAN, markets.
    "mercats municipals": "market",
    # --- Common labels in hand-made lists (Catalan, Spanish, English).
    "centre cívic": "civic_centre",
    "centro cívico": "civic_centre",
    "centros cívicos": "civic_centre",
    "biblioteca": "library",
    "bibliotecas": "library",
    "cap": "health_centre",
    "centre d'atenció primària": "health_centre",
    "centro de atención primaria": "health_centre",
    "centro de salud": "health_centre",
    "health centre": "health_centre",
    "escola": "school",
    "escuela": "school",
    "colegio": "school",
    "institut": "school",
    "instituto": "school",
    "escola bressol": "school",
    "associació": "association",
    "associacions": "association",
    "entitat": "association",
    "entitats": "association",
    "asociación": "association",
    "entidad": "association",
    "parc": "park",
    "parcs": "park",
    "parque": "park",
    "jardí": "park",
    "jardín": "park",
    "parcs i jardins": "park",
    "mercat": "market",
    "mercats": "market",
    "mercado": "market",
    "mercados municipales": "market",
    "casal de gent gran": "elderly_centre",
    "casals de gent gran": "elderly_centre",
    "casal de mayores": "elderly_centre",
    "centre de dia": "elderly_centre",
    "casal de joves": "youth_centre",
    "casals de joves": "youth_centre",
    "espai jove": "youth_centre",
    "espais joves": "youth_centre",
    "centro juvenil": "youth_centre",
    "casal infantil": "youth_centre",
    "poliesportiu": "sports_centre",
    "poliesportius": "sports_centre",
    "polideportivo": "sports_centre",
    "centre esportiu municipal": "sports_centre",
    "camp de futbol": "sports_centre",
    "hort urbà": "community_garden",
    "horts urbans": "community_garden",
    "hort comunitari": "community_garden",
    "huerto urbano": "community_garden",
    "servei d'ocupació": "employment_service",
    "oficina de treball": "employment_service",
    "servicio de empleo": "employment_service",
    "centre de serveis socials": "social_services_centre",
    "centro de servicios sociales": "social_services_centre",
}
"""Source category labels (lower-cased, stripped) → taxonomy code.

Covers every label in the Open Data BCN files in ``shared/data/real/barcelona_equipments``
that belongs to a taxonomy code, common Catalan/Spanish/English labels, and the taxonomy's
own codes and names. Generic parents such as "Serveis socials", "Sanitat", "Cultura i lleure"
or "Mercats i centres comercials" are left out on purpose: they also hold places outside
the taxonomy (sheltered housing, pharmacies, discos, shopping centres).
"""


def label_key(label: str) -> str:
    """Normalise a category label for lookups: one space, case folded, Catalan ``l·l`` unified.

    Parameters
    ----------
    label
        A source category label.

    Returns
    -------
    str
        The lookup key.

    Examples
    --------
    >>> label_key("  Museus i  Col.leccions ")
    'museus i col·leccions'
    """
    text = " ".join(str(label).replace("’", "'").replace("ŀl", "l·l").replace("l.l", "l·l").split())
    return text.casefold()


class CategoryLookup:
    """A category map keyed by normalised labels, with an accent-insensitive fallback.

    Parameters
    ----------
    category_map
        Source label → taxonomy code; empty codes are left out.

    Examples
    --------
    >>> lookup = CategoryLookup({"Biblioteca": "library"})
    >>> lookup.get("BIBLIOTECA"), lookup.first(["Discoteca", "biblioteca"])
    ('library', 'library')
    """

    def __init__(self, category_map: Mapping[str, str]) -> None:
        self.exact: dict[str, str] = {}
        self.folded: dict[str, str] = {}
        for label, code in category_map.items():
            if not code:
                continue
            key = label_key(label)
            self.exact[key] = code
            self.folded.setdefault(fold(key), code)

    def get(self, label: str) -> str | None:
        key = label_key(label)
        return self.exact.get(key) or self.folded.get(fold(key))

    def first(self, labels: Iterable[str]) -> str | None:
        for label in labels:
            if label and (code := self.get(label)):
                return code
        return None


def map_category(labels: Iterable[str], category_map: Mapping[str, str]) -> str | None:
    """Return the taxonomy code of the first label that ``category_map`` maps.

    Parameters
    ----------
    labels
        Source category labels, most specific first.
    category_map
        Label → taxonomy code. Labels are compared after lower-casing, trimming and
        collapsing spaces; accents are ignored when there is no exact match.

    Returns
    -------
    str or None
        The code, or ``None`` when no label maps.

    Examples
    --------
    >>> map_category(["Educació primària", "Educació"], DEFAULT_CATEGORY_MAP)
    'school'
    >>> map_category(["Discoteques"], DEFAULT_CATEGORY_MAP) is None
    True
    """
    return CategoryLookup(category_map).first(labels)
