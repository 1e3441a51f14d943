"""Evaluation instruments (SSM-Cat self-sufficiency matrix and any other), as configuration.

An instrument is a JSON definition: its code and edition, its name, its levels (1..n, each
with a label), its domains (each with a label and, optionally, a short description of each
level) and how old the information behind a rating may be (``max_information_age_days``).
Every label is given in Catalan, Spanish and English.

The built-in instruments are read from ``community_map/evaluation/data/<code>.json``; a
centre loads more (or a newer edition) with ``community-map instrument load FILE.json``,
which checks the file and keeps it in the database (table ``instruments``), so every user
of a shared deployment sees the same ones. A file may ``extend`` another instrument: it
then has that instrument's domains first, then its own, and inherits its levels and
information age (``evaluation/data/examples/ssm_cat_dependants.json`` adds the four domains
rated for people responsible for minors to the 13 of SSM-Cat).

File format::

    {"code": "ssm-cat-dependants", "version": "1", "extends": "ssm-cat",
     "name": {"ca": "...", "es": "...", "en": "..."},
     "max_information_age_days": 30,
     "levels": [{"level": 1, "label": {"ca": "...", "es": "...", "en": "..."}}, ...],
     "domains": [{"code": "childcare", "label": {...},
                  "levels": {"1": {"ca": "...", "es": "...", "en": "..."}, ...}}, ...]}
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from community_map.errors import NotFoundError, ValidationError
from community_map.i18n import LANGUAGES
from community_map.i18n import gettext as _
from community_map.models import InstrumentDefinition
from community_map.trust import audit
from community_map.trust.permissions import Actor, Permission, require

__all__ = [
    "DEPENDANTS_EXAMPLE",
    "INSTRUMENTS_DIR",
    "Instrument",
    "available_instruments",
    "find_instrument",
    "instrument_from_definition",
    "load_instrument",
    "read_instrument_file",
    "store_instrument",
]

INSTRUMENTS_DIR = Path(__file__).parent / "data"
#: The shipped example file: the four SSM-Cat domains for people responsible for minors.
DEPENDANTS_EXAMPLE = INSTRUMENTS_DIR / "examples" / "ssm_cat_dependants.json"

_CODE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,39}$")
_DOMAIN = re.compile(r"^[a-z0-9][a-z0-9_]{0,59}$")
_MAX_LEVELS = 10

Labels = dict[str, str]


@dataclass(frozen=True)
class Instrument:
    """An assessment instrument: ordered domains and levels with labels per language."""

    code: str
    name: dict[str, str]
    domains: tuple[str, ...]
    domain_labels: dict[str, dict[str, str]]
    levels: tuple[int, ...]
    level_labels: dict[int, dict[str, str]]
    max_information_age_days: int
    version: str = ""
    #: domain -> level -> language -> short description of that level for that domain
    level_descriptions: dict[str, dict[int, dict[str, str]]] = field(default_factory=dict)
    #: the definition as loaded (what the database keeps)
    definition: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def domain_label(self, domain: str, language: str) -> str:
        """Return the label of ``domain`` in ``language`` (falling back to English)."""
        labels = self.domain_labels[domain]
        return labels.get(language, labels["en"])

    def name_in(self, language: str) -> str:
        """The instrument's name in ``language`` (falling back to English)."""
        return self.name.get(language, self.name.get("en", self.code))

    def level_label(self, level: int, language: str) -> str:
        """The label of ``level`` in ``language``, e.g. 'Acute problem'."""
        labels = self.level_labels[level]
        return labels.get(language, labels["en"])

    def level_option(self, domain: str, level: int | None, language: str) -> str:
        """How a form offers ``level`` for ``domain``: '3 · Limited self-sufficiency: ...'
        (with the level's description when the file gives one), or 'Not assessed'."""
        if level is None:
            return _("Not assessed")
        text = f"{level} · {self.level_label(level, language)}"
        if description := self.level_description(domain, level, language):
            text += f": {description}"
        return text

    def level_description(self, domain: str, level: int, language: str) -> str:
        """The short description of ``level`` for ``domain``, or '' when the file gives none."""
        labels = self.level_descriptions.get(domain, {}).get(level)
        if not labels:
            return ""
        return labels.get(language, labels.get("en", ""))


class _Problems:
    def __init__(self) -> None:
        self.found: list[str] = []

    def add(self, message: str) -> None:
        self.found.append(message)

    def labels(self, value: object, where: str) -> Labels:
        if not isinstance(value, Mapping):
            self.add(
                _('{where}: give the labels as {{"ca": ..., "es": ..., "en": ...}}.').format(
                    where=where
                )
            )
            return {}
        missing = [
            lang
            for lang in LANGUAGES
            if not isinstance(value.get(lang), str) or not str(value.get(lang)).strip()
        ]
        if missing:
            self.add(
                _("{where}: add the label in {languages}.").format(
                    where=where, languages=", ".join(missing)
                )
            )
        return {str(k): str(v).strip() for k, v in value.items() if isinstance(v, str)}


def instrument_from_definition(
    data: object, *, base: Callable[[str], Instrument] | None = None
) -> Instrument:
    """Check an instrument definition (a parsed JSON object) and return the instrument.

    Every problem found is listed in one :class:`ValidationError`, each naming the part of
    the file to fix. ``base`` finds the instrument an ``extends`` names.

    Examples
    --------
    >>> labels = {"ca": "A", "es": "A", "en": "A"}
    >>> tool = instrument_from_definition({"code": "mini", "name": labels,
    ...     "max_information_age_days": 30,
    ...     "levels": [{"level": 1, "label": labels}, {"level": 2, "label": labels}],
    ...     "domains": [{"code": "housing", "label": labels}]})
    >>> tool.domains, tool.levels
    (('housing',), (1, 2))
    >>> instrument_from_definition({"code": "Bad code!"})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    community_map.errors.ValidationError: The instrument file has problems: ...
    """
    problems = _Problems()
    if not isinstance(data, Mapping):
        raise ValidationError(
            _(
                "The instrument file must hold one JSON object ({...}) with code, name, levels "
                "and domains."
            )
        )
    code = data.get("code")
    if not isinstance(code, str) or not _CODE.match(code):
        problems.add(
            _(
                "code: write the instrument's code in lower-case letters, digits, '-', '_' "
                "or '.', up to 40 characters, e.g. ssm-cat-dependants (found {value!r})."
            ).format(value=code)
        )
        code = str(code)
    edition = data.get("version", "")
    if not isinstance(edition, str | int) or len(str(edition)) > 20:
        problems.add(_('version: write the edition as short text, e.g. "2023".'))
        edition = ""
    name = problems.labels(data.get("name"), "name")
    parent: Instrument | None = None
    extends = data.get("extends")
    if extends is not None:
        if not isinstance(extends, str) or base is None:
            problems.add(_("extends: name an instrument already available, e.g. ssm-cat."))
        else:
            try:
                parent = base(extends)
            except NotFoundError as exc:
                problems.add(f"extends: {exc}")
    age = data.get("max_information_age_days", parent.max_information_age_days if parent else None)
    if isinstance(age, bool) or not isinstance(age, int) or age < 1:
        problems.add(
            _(
                "max_information_age_days: write how many days old the information behind a "
                "rating may be, a whole number of at least 1 (SSM-Cat: 30)."
            )
        )
        age = 30
    levels: tuple[int, ...] = parent.levels if parent else ()
    level_labels: dict[int, Labels] = dict(parent.level_labels) if parent else {}
    raw_levels = data.get("levels")
    if raw_levels is not None or parent is None:
        levels, level_labels = _levels(raw_levels, problems)
    domains: list[str] = list(parent.domains) if parent else []
    domain_labels: dict[str, Labels] = dict(parent.domain_labels) if parent else {}
    descriptions: dict[str, dict[int, Labels]] = dict(parent.level_descriptions) if parent else {}
    raw_domains = data.get("domains")
    if not isinstance(raw_domains, list) or not raw_domains:
        problems.add(
            _("domains: give a list of at least one domain, each with a code and a label.")
        )
        raw_domains = []
    for number, item in enumerate(raw_domains, start=1):
        where = _("domain {n}").format(n=number)
        if not isinstance(item, Mapping):
            problems.add(
                _('{where}: write it as {{"code": ..., "label": {{...}}}}.').format(where=where)
            )
            continue
        key = item.get("code")
        if not isinstance(key, str) or not _DOMAIN.match(key):
            problems.add(
                _(
                    "{where}: its code must be lower-case letters, digits or '_' (up to 60), "
                    "e.g. childcare (found {value!r})."
                ).format(where=where, value=key)
            )
            continue
        where = _("domain {code}").format(code=key)
        if key in domains:
            problems.add(
                _("{where}: appears twice; give each domain its own code.").format(where=where)
            )
            continue
        domains.append(key)
        domain_labels[key] = problems.labels(item.get("label"), where)
        given = item.get("levels")
        if given is None:
            continue
        if not isinstance(given, Mapping):
            problems.add(
                _('{where}: give the level descriptions as {{"1": {{"ca": ...}}, ...}}.').format(
                    where=where
                )
            )
            continue
        descriptions[key] = {}
        for level_key, text in given.items():
            try:
                level = int(level_key)
            except (TypeError, ValueError):
                level = -1
            if level not in levels:
                problems.add(
                    _("{where}: level {level} is not one of the levels {levels}.").format(
                        where=where, level=level_key, levels=", ".join(map(str, levels))
                    )
                )
                continue
            descriptions[key][level] = problems.labels(
                text, _("{where}, level {level}").format(where=where, level=level)
            )
    if problems.found:
        raise ValidationError(
            _("The instrument file has problems: {problems}").format(
                problems=" · ".join(problems.found)
            )
        )
    definition = dict(data)
    return Instrument(
        code=code,
        name=name,
        domains=tuple(domains),
        domain_labels=domain_labels,
        levels=levels,
        level_labels=level_labels,
        max_information_age_days=int(age),
        version=str(edition),
        level_descriptions=descriptions,
        definition=definition,
    )


def _levels(raw: object, problems: _Problems) -> tuple[tuple[int, ...], dict[int, Labels]]:
    if not isinstance(raw, list) or not raw:
        problems.add(
            _('levels: give the list of levels, e.g. [{"level": 1, "label": {...}}, ...].')
        )
        return (), {}
    found: list[int] = []
    labels: dict[int, Labels] = {}
    for number, item in enumerate(raw, start=1):
        level = item.get("level") if isinstance(item, Mapping) else None
        if isinstance(level, bool) or not isinstance(level, int):
            problems.add(_('levels: entry {n} needs a whole-number "level".').format(n=number))
            continue
        found.append(level)
        assert isinstance(item, Mapping)
        labels[level] = problems.labels(item.get("label"), _("level {n}").format(n=level))
    if found and found != list(range(1, len(found) + 1)):
        problems.add(
            _("levels: number them 1, 2, 3... in order without gaps (found {levels}).").format(
                levels=", ".join(map(str, found))
            )
        )
    if len(found) > _MAX_LEVELS:
        problems.add(_("levels: use at most {n} levels.").format(n=_MAX_LEVELS))
    if found and len(found) < 2:
        problems.add(_("levels: give at least two levels."))
    return tuple(found), labels


def _read_json(path: Path) -> object:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError(
            _("Cannot read {name}: save it as UTF-8 text.").format(name=path.name)
        ) from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(
            _("{name} is not valid JSON: {problem} (line {line}, column {column}).").format(
                name=path.name, problem=exc.msg, line=exc.lineno, column=exc.colno
            )
        ) from exc


@functools.cache
def load_instrument(code: str = "ssm-cat") -> Instrument:
    """Read a built-in instrument definition (shipped with the package).

    Examples
    --------
    >>> ssm = load_instrument("ssm-cat")
    >>> len(ssm.domains), ssm.levels, ssm.max_information_age_days
    (13, (1, 2, 3, 4, 5), 30)
    """
    path = INSTRUMENTS_DIR / f"{code.replace('-', '_')}.json"
    if not path.is_file():
        known = sorted(p.stem.replace("_", "-") for p in INSTRUMENTS_DIR.glob("*.json"))
        raise NotFoundError(
            _("Unknown instrument {code!r}; available: {known}.").format(
                code=code, known=", ".join(known)
            )
        )
    return instrument_from_definition(_read_json(path), base=load_instrument)


def _built_in_codes() -> list[str]:
    return sorted(p.stem.replace("_", "-") for p in INSTRUMENTS_DIR.glob("*.json"))


def available_instruments(session: Session) -> dict[str, Instrument]:
    """Every instrument a centre may use: the built-in ones and those loaded from files.

    A loaded instrument with the code of a built-in one (a newer edition) replaces it.

    Examples
    --------
    >>> sorted(available_instruments(session))  # doctest: +SKIP
    ['ssm-cat', 'ssm-cat-dependants']
    """
    found = {code: load_instrument(code) for code in _built_in_codes()}
    stored = session.scalars(select(InstrumentDefinition).order_by(InstrumentDefinition.code))
    rows = {row.code: row.definition for row in stored}
    for code in rows:
        found[code] = _from_rows(code, rows, found)
    return found


def _from_rows(
    code: str, rows: Mapping[str, Any], found: dict[str, Instrument], depth: int = 0
) -> Instrument:
    def base(name: str) -> Instrument:
        if name in rows and name != code and depth < 5:
            return _from_rows(name, rows, found, depth + 1)
        if name in found:
            return found[name]
        raise NotFoundError(_("Unknown instrument {code!r}.").format(code=name))

    return instrument_from_definition(rows[code], base=base)


def find_instrument(session: Session, code: str) -> Instrument:
    """The instrument ``code`` (built-in or loaded), or :class:`NotFoundError` listing them.

    Examples
    --------
    >>> find_instrument(session, "ssm-cat").levels  # doctest: +SKIP
    (1, 2, 3, 4, 5)
    """
    known = available_instruments(session)
    wanted = code.strip().casefold()
    if wanted not in known:
        raise NotFoundError(
            _("Unknown instrument {code!r}; available: {known}.").format(
                code=code, known=", ".join(sorted(known))
            )
        )
    return known[wanted]


def read_instrument_file(session: Session, path: Path) -> Instrument:
    """Check an instrument file without storing it; raise ValidationError listing problems."""
    known = available_instruments(session)

    def base(name: str) -> Instrument:
        if name not in known:
            raise NotFoundError(
                _("Unknown instrument {code!r}; available: {known}.").format(
                    code=name, known=", ".join(sorted(known))
                )
            )
        return known[name]

    return instrument_from_definition(_read_json(path), base=base)


def store_instrument(session: Session, path: Path, *, actor: Actor) -> Instrument:
    """Check an instrument file and keep it in the database (a new one, or a new edition).

    Audited. Assessments already recorded keep the edition they were recorded with; a new
    edition may not drop domains or levels that recorded assessments use.

    Examples
    --------
    >>> store_instrument(session, DEPENDANTS_EXAMPLE, actor=admin).code  # doctest: +SKIP
    'ssm-cat-dependants'
    """
    from community_map.models import Assessment, AssessmentScore

    require(actor, Permission.IMPORT_DATA)
    tool = read_instrument_file(session, path)
    used = session.execute(
        select(AssessmentScore.domain, AssessmentScore.level)
        .join(Assessment, Assessment.id == AssessmentScore.assessment_id)
        .where(Assessment.instrument == tool.code)
        .distinct()
    ).all()
    lost = sorted({d for d, _lv in used if d not in tool.domains})
    lost_levels = sorted({lv for _d, lv in used if lv is not None and lv not in tool.levels})
    if lost or lost_levels:
        raise ValidationError(
            _(
                "Recorded assessments of {code} use domains or levels this file drops "
                "({missing}): keep them, or give the new instrument another code."
            ).format(code=tool.code, missing=", ".join([*lost, *map(str, lost_levels)]))
        )
    row = session.get(InstrumentDefinition, tool.code)
    before = None if row is None else {"edition": row.edition, "definition": row.definition}
    if row is None:
        row = InstrumentDefinition(code=tool.code, edition=tool.version, definition=tool.definition)
        session.add(row)
    else:
        row.edition = tool.version
        row.definition = tool.definition
    session.flush()
    audit.record(
        session,
        actor,
        "create" if before is None else "update",
        "instruments",
        tool.code,
        before=before,
        after={"edition": tool.version, "definition": tool.definition},
    )
    return tool
