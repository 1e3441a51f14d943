"""Vocabulary of the demo data: names, catalogues and the patterns taken from the seeds.

Demo records are data, written in Catalan as the teams in Barcelona would write them;
they are not interface strings and are not translated.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from community_map.models import (
    CollaborationKind,
    FieldOfWork,
    LegalNature,
    SessionType,
    Typology,
)

__all__ = [
    "ACTION_PLANS",
    "AMUNT_SERVICES",
    "AMUNT_STAFF",
    "ASSET_NAME_PATTERNS",
    "ASSOCIATION_KINDS",
    "CANCEL_REASONS",
    "CAPACITY",
    "CATEGORY_SHARE",
    "CK",
    "COLLABORATION_PATTERN",
    "COORDINATION_TITLE",
    "DEMO_DISPLAY_NAMES",
    "ENTITIES",
    "FIRST_NAMES",
    "HOURS",
    "INFORMATIVE_TITLE",
    "PEOPLE",
    "REFERRAL",
    "SSM_RECEPTION_MEANS",
    "ST",
    "STREETS",
    "SURNAMES",
    "TAGS",
    "ActionPlan",
    "asset_name",
    "pseudonymous_codes",
    "staff_name",
]

CK = CollaborationKind

PEOPLE = (
    "Mercè Rodoreda",
    "Pau Casals",
    "Joan Miró",
    "Montserrat Roig",
    "Clara Campoamor",
    "Frederica Montseny",
    "Salvador Espriu",
    "Maria Aurèlia Capmany",
    "Jacint Verdaguer",
    "Àngel Guimerà",
    "Rosa Sensat",
    "Ildefons Cerdà",
    "Teresa Pàmies",
    "Josep Trueta",
    "Caterina Albert",
    "Joan Maragall",
    "Anna Murià",
    "Carme Serrallonga",
    "Neus Català",
    "Enric Granados",
    "Francesc Ferrer i Guàrdia",
    "Dolors Aleu",
    "Lola Anglada",
    "Josep Pla",
    "Maria Montessori",
    "Pere Calders",
    "Remedios Varo",
    "Victòria dels Àngels",
)

ASSOCIATION_KINDS = (
    "Associació de Veïns i Veïnes",
    "Associació Cultural",
    "Associació de Dones",
    "Associació Juvenil",
    "Casal d'Entitats",
    "Associació de Famílies",
    "Associació Intercultural",
    "Club Esportiu",
    "Coral",
    "Banc del Temps",
    "Xarxa d'Intercanvi",
    "Associació de Comerciants",
)

STREETS = (
    "Carrer de Sants",
    "Carrer Gran de Gràcia",
    "Passeig de Sant Joan",
    "Carrer de Mallorca",
    "Carrer de Pujades",
    "Rambla del Raval",
    "Carrer de Provença",
    "Via Júlia",
    "Passeig de Fabra i Puig",
    "Carrer Gran de Sant Andreu",
    "Carrer del Taulat",
    "Rambla del Poblenou",
    "Carrer de Numància",
    "Carrer de Còrsega",
    "Carrer d'Aragó",
    "Avinguda Meridiana",
    "Carrer de la Marina",
    "Carrer de Ganduxer",
    "Carrer Major de Sarrià",
    "Passeig de la Vall d'Hebron",
    "Carrer de Cartagena",
    "Carrer de Sant Antoni Maria Claret",
    "Carrer de Viladomat",
    "Carrer de Blai",
    "Carrer de la Riera Blanca",
)

# share of each category among generated assets (social services centres come apart)
CATEGORY_SHARE: dict[str, float] = {
    "association": 0.26,
    "school": 0.16,
    "park": 0.09,
    "civic_centre": 0.07,
    "library": 0.055,
    "health_centre": 0.075,
    "market": 0.05,
    "elderly_centre": 0.075,
    "youth_centre": 0.04,
    "sports_centre": 0.05,
    "cultural_centre": 0.045,
    "community_garden": 0.02,
    "employment_service": 0.01,
}

CAPACITY: dict[str, tuple[int, int]] = {
    "civic_centre": (25, 120),
    "library": (15, 60),
    "elderly_centre": (15, 60),
    "youth_centre": (15, 50),
    "cultural_centre": (40, 300),
    "sports_centre": (20, 100),
    "association": (10, 40),
}

HOURS: dict[str, str] = {
    "civic_centre": "Mo-Fr 09:00-22:00; Sa 10:00-14:00",
    "library": "Mo-Fr 10:00-20:30; Sa 10:00-14:00",
    "health_centre": "Mo-Fr 08:00-20:00",
    "school": "Mo-Fr 08:00-17:00",
    "market": "Mo-Sa 08:00-14:00",
    "elderly_centre": "Mo-Fr 10:00-19:00",
    "youth_centre": "Mo-Fr 16:00-21:00",
    "sports_centre": "Mo-Su 07:00-23:00",
    "cultural_centre": "Tu-Su 10:00-20:00",
    "park": "Mo-Su 10:00-21:00",
    "employment_service": "Mo-Fr 09:00-14:00",
    "social_services_centre": "Mo-Fr 09:00-14:00; Tu,Th 15:00-18:00",
}

TAGS: dict[str, tuple[str, ...]] = {
    "civic_centre": ("sales", "tallers", "wifi", "casal d'estiu"),
    "library": ("club de lectura", "wifi", "ordinadors", "activitats familiars"),
    "health_centre": ("salut comunitària", "atenció primària"),
    "school": ("pati obert", "AFA", "primària", "secundària"),
    "association": ("veïnal", "cultura", "dones", "joves", "gent gran", "migració"),
    "park": ("zona infantil", "pipicà", "ombra"),
    "market": ("alimentació", "comerç de proximitat"),
    "elderly_centre": ("gent gran", "tallers", "soledat"),
    "youth_centre": ("joves", "música", "assessorament"),
    "sports_centre": ("piscina", "gimnàs", "pistes"),
    "cultural_centre": ("teatre", "exposicions", "música"),
    "community_garden": ("horts", "medi ambient"),
    "employment_service": ("ocupació", "formació"),
}


# How the first asset of a kind in a neighbourhood is named, and how the others are ({n}:
# the neighbourhood, {p}: a person's name, {i}: the asset's number in the neighbourhood).
ASSET_NAME_PATTERNS: dict[str, tuple[str, str]] = {
    "civic_centre": ("Centre Cívic {n}", "Centre Cívic {p}"),
    "library": ("Biblioteca {n}", "Biblioteca {p}"),
    "health_centre": ("CAP {n}", "CAP {n} {letter}"),
    "market": ("Mercat de {n}", "Mercat {p}"),
    "elderly_centre": ("Casal de Gent Gran {n}", "Casal de Gent Gran {p}"),
    "youth_centre": ("Casal de Joves {n}", "Espai Jove {p}"),
    "sports_centre": ("Poliesportiu {n}", "CEM {p}"),
    "cultural_centre": ("Ateneu {n}", "Sala {p}"),
    "community_garden": ("Hort urbà {n}", "Hort urbà {n} {i}"),
    "employment_service": ("Barcelona Activa – punt d'atenció {n}",) * 2,
}


def asset_name(category: str, neighbourhood: str, index: int, rng: np.random.Generator) -> str:
    """Return a plausible Catalan name for the ``index``-th asset of a kind in a neighbourhood."""
    person = PEOPLE[int(rng.integers(len(PEOPLE)))]
    first = index == 0
    if category == "school":
        return f"{'Escola' if rng.random() < 0.65 else 'Institut'} {person}"
    if category == "association":
        kind = ASSOCIATION_KINDS[int(rng.integers(len(ASSOCIATION_KINDS)))]
        return f"{kind} {neighbourhood}" + ("" if first else f" {index + 1}")
    if category == "park":
        kind = ("Parc", "Jardins", "Plaça")[int(rng.integers(3))]
        return f"{kind} de {person}"
    if category in ASSET_NAME_PATTERNS:
        pattern = ASSET_NAME_PATTERNS[category][0 if first else 1]
        return pattern.format(n=neighbourhood, p=person, i=index + 1, letter=chr(65 + index))
    return f"{category} {neighbourhood} {index + 1}"


AMUNT_SERVICES: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "IMSS-AMUNT",
        "Equip d'atenció social Amunt! (IMSS)",
        FieldOfWork.SOCIAL_CARE.value,
        LegalNature.PUBLIC.value,
        "Institut Municipal de Serveis Socials",
    ),
    (
        "SAC",
        "Servei d'Acció Comunitària (SAC)",
        FieldOfWork.COMMUNITY_ACTION.value,
        LegalNature.PUBLIC.value,
        "Ajuntament de Barcelona",
    ),
    (
        "BA",
        "Barcelona Activa – orientació laboral",
        FieldOfWork.EMPLOYMENT.value,
        LegalNature.PUBLIC.value,
        "Barcelona Activa",
    ),
    (
        "CEB",
        "Consorci d'Educació de Barcelona (CEB)",
        FieldOfWork.EDUCATION.value,
        LegalNature.PUBLIC.value,
        "Consorci d'Educació de Barcelona",
    ),
    (
        "ECAS",
        "Làbora – ECAS",
        FieldOfWork.EMPLOYMENT.value,
        LegalNature.THIRD_SECTOR.value,
        "Programa Làbora",
    ),
    (
        "FEICAT",
        "Làbora – FEICAT",
        FieldOfWork.EMPLOYMENT.value,
        LegalNature.THIRD_SECTOR.value,
        "Programa Làbora",
    ),
    (
        "CREU-ROJA",
        "Làbora – Creu Roja",
        FieldOfWork.EMPLOYMENT.value,
        LegalNature.THIRD_SECTOR.value,
        "Programa Làbora",
    ),
)

# Amunt!: each social care professional works in tandem with a job guidance counsellor;
# three municipal social educators ran the community actions.
AMUNT_STAFF: tuple[tuple[str, str, int], ...] = (
    ("IMSS-AMUNT", "coordinator", 1),
    ("IMSS-AMUNT", "social worker", 10),
    ("IMSS-AMUNT", "psychologist", 3),
    ("SAC", "social educator", 3),
    ("BA", "job guidance counsellor", 12),
    ("CEB", "trainer", 4),
    ("ECAS", "labour integration technician", 3),
    ("FEICAT", "labour integration technician", 3),
    ("CREU-ROJA", "labour integration technician", 3),
)

# (service a, service b, records per year at default scale, intensity levels, kinds).
# The Amunt! paper: social care - job guidance strongest (tandem), then social care -
# community action; Barcelona Activa close to Làbora, less to CEB; CEB and community
# action poorly connected.
#: In the pattern below, a referral (kept in the referral register, not as a collaboration).
REFERRAL = "referral"

COLLABORATION_PATTERN: tuple[tuple[str, str, int, tuple[int, ...], tuple[str, ...]], ...] = (
    (
        "IMSS-AMUNT",
        "BA",
        120,
        (3, 3, 4, 4, 2),
        (CK.JOINT_CASE, REFERRAL, CK.COORDINATION_MEETING, CK.INFORMATION_EXCHANGE),
    ),
    (
        "IMSS-AMUNT",
        "SAC",
        55,
        (2, 3, 3),
        (REFERRAL, CK.JOINT_CASE, CK.CO_LED_ACTIVITY, CK.JOINT_PROJECT),
    ),
    ("BA", "ECAS", 22, (2, 3), (REFERRAL, CK.INFORMATION_EXCHANGE)),
    ("BA", "FEICAT", 20, (2, 3), (REFERRAL, CK.INFORMATION_EXCHANGE)),
    ("BA", "CREU-ROJA", 20, (2, 3), (REFERRAL, CK.INFORMATION_EXCHANGE)),
    ("IMSS-AMUNT", "ECAS", 12, (2, 3), (REFERRAL, CK.INFORMATION_EXCHANGE)),
    ("IMSS-AMUNT", "FEICAT", 10, (2, 3), (REFERRAL, CK.INFORMATION_EXCHANGE)),
    ("IMSS-AMUNT", "CREU-ROJA", 10, (2, 3), (REFERRAL, CK.INFORMATION_EXCHANGE)),
    ("BA", "CEB", 9, (1, 2), (REFERRAL, CK.INFORMATION_EXCHANGE)),
    ("IMSS-AMUNT", "CEB", 5, (1, 2), (REFERRAL, CK.INFORMATION_EXCHANGE)),
    ("CEB", "FEICAT", 2, (1, 2), (CK.INFORMATION_EXCHANGE,)),
    ("SAC", "BA", 2, (1,), (CK.INFORMATION_EXCHANGE,)),
    ("SAC", "CEB", 1, (1,), (CK.INFORMATION_EXCHANGE,)),
)


class ActionPlan(NamedTuple):
    title: str
    typology: str
    objectives: str
    session_types: tuple[SessionType, ...]


ST = SessionType
ACTION_PLANS: tuple[ActionPlan, ...] = (
    ActionPlan(
        "Dinàmiques de grup: teixint xarxa",
        Typology.AMUNT_COMMUNITY.value,
        "Reforçar els vincles socials i trencar l'aïllament.",
        (ST.GROUP_DYNAMIC, ST.GROUP_DYNAMIC, ST.WORKSHOP, ST.CULTURAL_OUTING),
    ),
    ActionPlan(
        "Sortides culturals: coneixem la ciutat",
        Typology.AMUNT_COMMUNITY.value,
        "Conèixer el territori i els seus equipaments; arrelament.",
        (ST.CULTURAL_OUTING, ST.GROUP_DYNAMIC),
    ),
    ActionPlan(
        "Sessions de lideratge comunitari",
        Typology.AMUNT_COMMUNITY.value,
        "Capacitat d'autoorganització col·lectiva.",
        (ST.LEADERSHIP, ST.GROUP_DYNAMIC, ST.LEADERSHIP, ST.CULTURAL_OUTING),
    ),
    ActionPlan(
        "Taller de competències digitals",
        Typology.AMUNT_TRAINING.value,
        "Autonomia en tràmits i recerca de feina en línia.",
        (ST.WORKSHOP,),
    ),
    ActionPlan(
        "Cura i benestar emocional",
        Typology.AMUNT_SOCIAL.value,
        "Millorar el benestar emocional i la xarxa de suport.",
        (ST.GROUP_DYNAMIC, ST.WORKSHOP),
    ),
    ActionPlan(
        "Recerca de feina en grup",
        Typology.AMUNT_EMPLOYMENT.value,
        "Suport mutu en la recerca de feina.",
        (ST.WORKSHOP, ST.COLLECTIVE_ADVICE),
    ),
    ActionPlan(
        "Espai de conversa",
        Typology.CONVERSATION_SPACE.value,
        "Un espai estable per parlar i fer comunitat.",
        (ST.GROUP_DYNAMIC, ST.GROUP_DYNAMIC, ST.CULTURAL_OUTING),
    ),
    ActionPlan(
        "Escoltar individualment, respondre col·lectivament",
        Typology.LISTEN_RESPOND.value,
        "Respondre en grup a necessitats detectades en l'atenció individual.",
        (ST.GROUP_DYNAMIC, ST.COLLECTIVE_ADVICE),
    ),
    ActionPlan(
        "Centre acollidor",
        Typology.WELCOMING_CENTRE.value,
        "Acollir les persones nouvingudes al barri i al centre.",
        (ST.GROUP_DYNAMIC, ST.WORKSHOP, ST.CULTURAL_OUTING),
    ),
    ActionPlan(
        "Servei obert al barri",
        Typology.OPEN_SERVICE.value,
        "Apropar el centre de serveis socials al veïnat.",
        (ST.WORKSHOP, ST.COLLECTIVE_ADVICE, ST.LEADERSHIP),
    ),
    ActionPlan(
        "Construcció col·lectiva entre centres",
        Typology.COLLECTIVE_CONSTRUCTION.value,
        "Dissenyar amb altres centres i entitats una resposta comuna.",
        (ST.LEADERSHIP, ST.WORKSHOP),
    ),
)

ENTITIES = (
    "Associació de Veïns i Veïnes del barri",
    "Banc del Temps",
    "Pla Comunitari",
    "Fundació Comtal",
    "Càritas parroquial",
    "Xarxa de Suport Mutu",
    "Casal de Joves",
)

CANCEL_REASONS = (
    "Poca inscripció",
    "Sala no disponible",
    "Baixa de la persona dinamitzadora",
    "Vaga de transport",
    "Alerta per calor",
)

COORDINATION_TITLE = "Espai de seguiment permanent Amunt!"
INFORMATIVE_TITLE = "Sessió informativa grupal Amunt!"

# Mean SSM-Cat levels at reception (Amunt!, 581 people): lowest in finances, community
# participation, work and training and social relations; then time use and housing.
SSM_RECEPTION_MEANS: dict[str, float] = {
    "finances": 1.9,
    "community_participation": 2.2,
    "work_training": 2.3,
    "social_network": 2.4,
    "time_use": 2.8,
    "housing": 2.9,
    "domestic_relations": 3.5,
    "mental_health": 3.2,
    "physical_health": 3.4,
    "substance_use": 4.3,
    "basic_adl": 4.5,
    "instrumental_adl": 4.0,
    "justice": 4.4,
}

FIRST_NAMES = (
    "Laia",
    "Jordi",
    "Marta",
    "Pau",
    "Núria",
    "Oriol",
    "Anna",
    "Marc",
    "Carla",
    "Sergi",
    "Fàtima",
    "Youssef",
    "Lucía",
    "Javier",
    "Aina",
    "Pol",
    "Mireia",
    "Ahmed",
    "Rosa",
    "Xavier",
)
SURNAMES = (
    "Puig",
    "Soler",
    "Vidal",
    "Ferrer",
    "Serra",
    "Font",
    "Roca",
    "Martí",
    "Costa",
    "Pujol",
    "Garcia",
    "López",
    "Sánchez",
    "El Amrani",
    "Riera",
    "Casals",
    "Bosch",
    "Vila",
)


def staff_name(rng: np.random.Generator) -> str:
    """Return an invented professional's name (staff, not participants)."""
    return (
        f"{FIRST_NAMES[int(rng.integers(len(FIRST_NAMES)))]} "
        f"{SURNAMES[int(rng.integers(len(SURNAMES)))]}"
    )


_CODE_ALPHABET = np.array(list("ACDEFGHJKLMNPQRTUVWXY3479"))


def pseudonymous_codes(n: int, rng: np.random.Generator) -> list[str]:
    """Return ``n`` distinct participant codes such as ``AM-K7QXD`` (no names)."""
    codes: list[str] = []
    seen: set[str] = set()
    while len(codes) < n:
        batch = rng.integers(len(_CODE_ALPHABET), size=(n, 5))
        for row in _CODE_ALPHABET[batch]:
            code = "AM-" + "".join(row)
            if code not in seen:
                seen.add(code)
                codes.append(code)
                if len(codes) == n:
                    break
    return codes


DEMO_DISPLAY_NAMES = {
    "admin": "Administració (demo)",
    "coordinator": "Coordinació IMSS (demo)",
    "educator": "Educadora social SAC (demo)",
    "motorgroup": "Grup motor CSS (demo)",
    "district": "Districte (demo)",
    "evaluator": "Avaluació (demo)",
}
