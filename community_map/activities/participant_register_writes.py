"""Audited writes of the participant register: participants, enrolments, consent, referents.

A participant is a pseudonymous code (given, or generated as ``P-00001``, ``P-00002``...),
a year of birth or an age band (the band is derived from the year when it is given: the
age reached in the year of the first enrolment, or of the consent, or this year), gender,
home neighbourhood, an optional alias (only roles that may see aliases set or read it),
consent per purpose with its date, reference professionals (one or more: Amunt! worked
with a tandem of a social worker and a job counsellor) and enrolments in programmes or
community actions, each with its start, exit date, exit reason and evaluation group.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from community_map._registers import check_version
from community_map.errors import NotFoundError, ValidationError
from community_map.i18n import gettext as _
from community_map.models import (
    AGE_BANDS,
    CommunityAction,
    Enrolment,
    EvaluationGroup,
    ExitReason,
    Gender,
    Participant,
    ParticipantProfessional,
    Professional,
    Programme,
    TerritoryUnit,
    UnitKind,
)
from community_map.trust import audit
from community_map.trust.permissions import Actor, Permission, require

__all__ = [
    "PARTICIPANT_CODE_PREFIX",
    "EnrolmentRow",
    "age_band_for",
    "create_participant",
    "next_participant_code",
    "set_enrolments",
    "update_participant",
]

#: Generated participant codes are this prefix and a five-digit number: P-00001, P-00002...
PARTICIPANT_CODE_PREFIX = "P-"

_CODE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,39}$")
_GENERATED = re.compile(rf"^{re.escape(PARTICIPANT_CODE_PREFIX)}(\d+)$")


@dataclass(frozen=True, order=True)
class EnrolmentRow:
    """An enrolment as given: in a programme *or* a community action (ids), dates, reasons."""

    starts_on: dt.date
    programme_id: int | None = None
    action_id: int | None = None
    ends_on: dt.date | None = None
    exit_reason: str = ""
    evaluation_group: str = ""

    def key(self) -> tuple[Any, ...]:
        """A sort key that never compares None with a number."""
        return (
            self.starts_on,
            self.programme_id or 0,
            self.action_id or 0,
            self.ends_on or dt.date.max,
            self.exit_reason,
            self.evaluation_group,
        )


def next_participant_code(session: Session) -> str:
    """The next free generated code: one more than the highest ``P-NNNNN`` in use.

    Examples
    --------
    >>> next_participant_code(session)  # doctest: +SKIP
    'P-00001'
    """
    highest = 0
    for code in session.scalars(
        select(Participant.code).where(Participant.code.startswith(PARTICIPANT_CODE_PREFIX))
    ):
        match = _GENERATED.match(code)
        if match:
            highest = max(highest, int(match.group(1)))
    return f"{PARTICIPANT_CODE_PREFIX}{highest + 1:05d}"


def age_band_for(birth_year: int, on: dt.date) -> str:
    """The age band of someone born in ``birth_year``, by the age reached in ``on``'s year.

    Examples
    --------
    >>> import datetime as dt
    >>> age_band_for(1980, dt.date(2022, 9, 1)), age_band_for(2004, dt.date(2022, 1, 1))
    ('35-44', '18-24')
    >>> age_band_for(1957, dt.date(2023, 3, 1)), age_band_for(1959, dt.date(2023, 3, 1))
    ('65+', '55-64')
    """
    age = on.year - birth_year
    for band in AGE_BANDS:
        low, _sep, high = band.rstrip("+").partition("-")
        if age >= int(low) and (not high or age <= int(high)):
            return band
    return AGE_BANDS[0]


def _age_reference(enrolments: Sequence[EnrolmentRow], consent_date: dt.date | None) -> dt.date:
    """The day whose year gives the age band: first enrolment, else consent, else today."""
    firsts = [e.starts_on for e in enrolments]
    return min(firsts) if firsts else consent_date or dt.date.today()


def _clean_code(code: str) -> str:
    code = code.strip().upper()
    if not _CODE.match(code):
        raise ValidationError(
            _(
                "The participant code {code!r} is not valid: use up to 40 letters, digits, "
                "'-', '_' or '.', starting with a letter or digit, e.g. AM-K7QXD; never a name."
            ).format(code=code)
        )
    return code


def _check_enrolments(session: Session, enrolments: Iterable[EnrolmentRow]) -> list[EnrolmentRow]:
    checked: list[EnrolmentRow] = []
    for row in enrolments:
        if (row.programme_id is None) == (row.action_id is None):
            raise ValidationError(
                _("Each enrolment is in a programme or in a community action: choose one.")
            )
        if row.programme_id is not None and session.get(Programme, row.programme_id) is None:
            raise ValidationError(
                _("There is no programme {id}: pick one from the list.").format(id=row.programme_id)
            )
        if row.action_id is not None and session.get(CommunityAction, row.action_id) is None:
            raise ValidationError(
                _("There is no community action {id}: pick one from the list.").format(
                    id=row.action_id
                )
            )
        if row.starts_on is None:
            raise ValidationError(_("Give each enrolment its start date."))
        if row.ends_on is not None and row.ends_on < row.starts_on:
            raise ValidationError(
                _("An enrolment ends ({end}) before it starts ({start}): swap the dates.").format(
                    start=row.starts_on.isoformat(), end=row.ends_on.isoformat()
                )
            )
        reason = (row.exit_reason or "").strip()
        if reason and reason not in set(ExitReason):
            raise ValidationError(
                _("Unknown exit reason {reason!r}: pick one from the list.").format(reason=reason)
            )
        if reason and row.ends_on is None:
            raise ValidationError(
                _("An enrolment has an exit reason but no exit date: give the exit date.")
            )
        group = (row.evaluation_group or "").strip()
        if group and group not in set(EvaluationGroup):
            raise ValidationError(
                _(
                    "Unknown evaluation group {group!r}: choose intervention, comparison or none."
                ).format(group=group)
            )
        checked.append(
            EnrolmentRow(
                row.starts_on,
                row.programme_id,
                row.action_id,
                row.ends_on,
                reason,
                group,
            )
        )
    checked.sort(key=EnrolmentRow.key)
    seen: set[tuple[int | None, int | None, dt.date]] = set()
    for row in checked:
        where = (row.programme_id, row.action_id, row.starts_on)
        if where in seen:
            raise ValidationError(
                _(
                    "Two enrolments in the same programme or action start on {day}: keep one."
                ).format(day=row.starts_on.isoformat())
            )
        seen.add(where)
    return checked


def _stored_enrolments(session: Session, participant_id: int) -> list[EnrolmentRow]:
    rows = session.scalars(select(Enrolment).where(Enrolment.participant_id == participant_id))
    found = [
        EnrolmentRow(
            e.starts_on,
            e.programme_id,
            e.action_id,
            e.ends_on,
            e.exit_reason or "",
            e.evaluation_group or "",
        )
        for e in rows
    ]
    return sorted(found, key=EnrolmentRow.key)


def _stored_professionals(session: Session, participant_id: int) -> list[int]:
    return sorted(
        session.scalars(
            select(ParticipantProfessional.professional_id).where(
                ParticipantProfessional.participant_id == participant_id
            )
        )
    )


def _enrolments_audit(rows: Iterable[EnrolmentRow]) -> list[dict[str, Any]]:
    return [
        {
            "programme_id": r.programme_id,
            "action_id": r.action_id,
            "starts_on": r.starts_on.isoformat(),
            "ends_on": r.ends_on.isoformat() if r.ends_on else None,
            "exit_reason": r.exit_reason,
            "evaluation_group": r.evaluation_group,
        }
        for r in rows
    ]


def _state(session: Session, person: Participant) -> dict[str, Any]:
    return {
        "code": person.code,
        "alias": person.alias,
        "birth_year": person.birth_year,
        "age_band": person.age_band,
        "gender": person.gender,
        "neighbourhood_id": person.neighbourhood_id,
        "consent_date": person.consent_date.isoformat() if person.consent_date else None,
        "consent_processing": bool(person.consent_processing),
        "consent_survey": bool(person.consent_survey),
        "consent_images": bool(person.consent_images),
        "professional_ids": _stored_professionals(session, person.id),
        "enrolments": _enrolments_audit(_stored_enrolments(session, person.id)),
    }


@dataclass(frozen=True)
class _Fields:
    alias: str | None
    birth_year: int | None
    age_band: str
    gender: str
    neighbourhood_id: int | None
    consent_date: dt.date | None
    consent_processing: bool
    consent_survey: bool
    consent_images: bool


def _check_fields(
    session: Session,
    actor: Actor,
    *,
    alias: str | None,
    birth_year: int | None,
    age_band: str,
    gender: str,
    neighbourhood_id: int | None,
    consent_date: dt.date | None,
    consent_processing: bool,
    consent_survey: bool,
    consent_images: bool,
    enrolments: Sequence[EnrolmentRow],
    stored_alias: str | None = None,
) -> _Fields:
    alias = (alias or "").strip() or None
    if alias != stored_alias and not actor.can(Permission.VIEW_ALIASES):
        raise ValidationError(_("Your role may not see or set aliases: leave the alias as it is."))
    if alias is not None and len(alias) > 100:
        raise ValidationError(_("Shorten the alias to 100 characters at most."))
    band = (age_band or "").strip()
    if birth_year is not None:
        this_year = dt.date.today().year
        if not 1900 <= int(birth_year) <= this_year:
            raise ValidationError(
                _("Write a year of birth from 1900 to {year}.").format(year=this_year)
            )
        derived = age_band_for(int(birth_year), _age_reference(enrolments, consent_date))
        if band and band != derived:
            raise ValidationError(
                _(
                    "The age band {band} does not match the year of birth {year} (that is "
                    "{derived}): leave the age band empty or correct it."
                ).format(band=band, year=birth_year, derived=derived)
            )
        band = derived
    elif band and band not in AGE_BANDS:
        raise ValidationError(
            _("Unknown age band {band!r}: choose one of {bands}.").format(
                band=band, bands=", ".join(AGE_BANDS)
            )
        )
    gender = (gender or "").strip()
    if gender and gender not in set(Gender):
        raise ValidationError(
            _("Unknown gender {gender!r}: pick one from the list or leave it empty.").format(
                gender=gender
            )
        )
    if neighbourhood_id is not None:
        unit = session.get(TerritoryUnit, neighbourhood_id)
        if unit is None or unit.kind != UnitKind.NEIGHBOURHOOD.value:
            raise ValidationError(
                _("There is no neighbourhood {id}: pick one from the list.").format(
                    id=neighbourhood_id
                )
            )
    return _Fields(
        alias,
        None if birth_year is None else int(birth_year),
        band,
        gender,
        neighbourhood_id,
        consent_date,
        bool(consent_processing),
        bool(consent_survey),
        bool(consent_images),
    )


def _check_professionals(session: Session, ids: Iterable[int]) -> list[int]:
    wanted = sorted({int(i) for i in ids})
    for pid in wanted:
        if session.get(Professional, pid) is None:
            raise ValidationError(
                _("There is no professional {id}: pick one from the list.").format(id=pid)
            )
    return wanted


def _replace_links(
    session: Session,
    participant_id: int,
    professionals: list[int] | None,
    enrolments: list[EnrolmentRow] | None,
) -> None:
    if professionals is not None and professionals != _stored_professionals(
        session, participant_id
    ):
        session.execute(
            delete(ParticipantProfessional).where(
                ParticipantProfessional.participant_id == participant_id
            )
        )
        session.add_all(
            ParticipantProfessional(participant_id=participant_id, professional_id=p)
            for p in professionals
        )
    if enrolments is not None and enrolments != _stored_enrolments(session, participant_id):
        session.execute(delete(Enrolment).where(Enrolment.participant_id == participant_id))
        session.add_all(
            Enrolment(
                participant_id=participant_id,
                programme_id=e.programme_id,
                action_id=e.action_id,
                starts_on=e.starts_on,
                ends_on=e.ends_on,
                exit_reason=e.exit_reason,
                evaluation_group=e.evaluation_group,
            )
            for e in enrolments
        )
    session.flush()


def _apply(person: Participant, fields: _Fields) -> None:
    person.alias = fields.alias
    person.birth_year = fields.birth_year
    person.age_band = fields.age_band
    person.gender = fields.gender
    person.neighbourhood_id = fields.neighbourhood_id
    person.consent_date = fields.consent_date
    person.consent_processing = fields.consent_processing
    person.consent_survey = fields.consent_survey
    person.consent_images = fields.consent_images


def create_participant(
    session: Session,
    *,
    actor: Actor,
    code: str = "",
    alias: str | None = None,
    birth_year: int | None = None,
    age_band: str = "",
    gender: str = "",
    neighbourhood_id: int | None = None,
    consent_date: dt.date | None = None,
    consent_processing: bool = False,
    consent_survey: bool = False,
    consent_images: bool = False,
    professional_ids: Iterable[int] = (),
    enrolments: Iterable[EnrolmentRow] = (),
) -> Participant:
    """Create a participant (code generated when empty) with enrolments and referents; audited.

    Examples
    --------
    >>> create_participant(session, actor=actor, birth_year=1980, gender="woman",
    ...     consent_date=dt.date(2022, 9, 5), consent_processing=True,
    ...     enrolments=[EnrolmentRow(dt.date(2022, 9, 5), programme_id=1)])  # doctest: +SKIP
    <Participant P-00001>
    """
    require(actor, Permission.EDIT_PARTICIPANTS)
    checked = _check_enrolments(session, enrolments)
    professionals = _check_professionals(session, professional_ids)
    code = _clean_code(code) if code.strip() else next_participant_code(session)
    if session.scalar(select(Participant.id).where(Participant.code == code)) is not None:
        raise ValidationError(
            _("There is already a participant with code {code}: choose another code.").format(
                code=code
            )
        )
    fields = _check_fields(
        session,
        actor,
        alias=alias,
        birth_year=birth_year,
        age_band=age_band,
        gender=gender,
        neighbourhood_id=neighbourhood_id,
        consent_date=consent_date,
        consent_processing=consent_processing,
        consent_survey=consent_survey,
        consent_images=consent_images,
        enrolments=checked,
    )
    person = Participant(code=code)
    _apply(person, fields)
    session.add(person)
    session.flush()
    _replace_links(session, person.id, professionals, checked)
    audit.record(session, actor, "create", "participants", person.id, after=_state(session, person))
    return person


def _load(session: Session, participant_id: int, version: int | None) -> Participant:
    person = session.get(Participant, participant_id)
    if person is None:
        raise NotFoundError(_("There is no participant {id}.").format(id=participant_id))
    check_version(person, version, _("this participant"))
    return person


def update_participant(
    session: Session,
    *,
    actor: Actor,
    participant_id: int,
    version: int | None,
    alias: str | None = None,
    birth_year: int | None = None,
    age_band: str = "",
    gender: str = "",
    neighbourhood_id: int | None = None,
    consent_date: dt.date | None = None,
    consent_processing: bool = False,
    consent_survey: bool = False,
    consent_images: bool = False,
    professional_ids: Iterable[int] | None = None,
    enrolments: Iterable[EnrolmentRow] | None = None,
    keep_alias: bool = False,
) -> Participant:
    """Change a participant; ``professional_ids`` / ``enrolments`` None keep the stored ones.

    ``version`` is the one read with the participant: when someone saved it since, nothing
    is saved and :class:`~community_map.errors.ConcurrentEditError` says to reload. With
    ``keep_alias`` the stored alias stays (for roles that do not see aliases). The code
    never changes. Audited with the changed fields before and after.

    Examples
    --------
    >>> update_participant(session, actor=actor, participant_id=1, version=1,
    ...     gender="man", consent_survey=True)  # doctest: +SKIP
    """
    require(actor, Permission.EDIT_PARTICIPANTS)
    person = _load(session, participant_id, version)
    before = _state(session, person)
    checked = (
        _stored_enrolments(session, person.id)
        if enrolments is None
        else _check_enrolments(session, enrolments)
    )
    professionals = (
        None if professional_ids is None else _check_professionals(session, professional_ids)
    )
    fields = _check_fields(
        session,
        actor,
        alias=person.alias if keep_alias else alias,
        birth_year=birth_year,
        age_band=age_band,
        gender=gender,
        neighbourhood_id=neighbourhood_id,
        consent_date=consent_date,
        consent_processing=consent_processing,
        consent_survey=consent_survey,
        consent_images=consent_images,
        enrolments=checked,
        stored_alias=person.alias,
    )
    _replace_links(session, person.id, professionals, checked)
    _apply(person, fields)
    flag_modified(person, "gender")  # the row is always saved, so its version moves on once
    session.flush()
    old, new = audit.changes(before, _state(session, person))
    audit.record(session, actor, "update", "participants", person.id, before=old, after=new)
    return person


def set_enrolments(
    session: Session,
    *,
    actor: Actor,
    participant_id: int,
    enrolments: Iterable[EnrolmentRow],
    version: int | None = None,
) -> bool:
    """Replace a participant's enrolments; return whether they changed (audited if so).

    Examples
    --------
    >>> set_enrolments(session, actor=actor, participant_id=1,
    ...     enrolments=[EnrolmentRow(dt.date(2022, 9, 5), programme_id=1)])  # doctest: +SKIP
    True
    """
    require(actor, Permission.EDIT_PARTICIPANTS)
    person = _load(session, participant_id, version)
    checked = _check_enrolments(session, enrolments)
    stored = _stored_enrolments(session, person.id)
    if checked == stored:
        return False
    band = person.age_band
    _replace_links(session, person.id, None, checked)
    if person.birth_year is not None:
        person.age_band = age_band_for(
            person.birth_year, _age_reference(checked, person.consent_date)
        )
    flag_modified(person, "gender")
    session.flush()
    old, new = audit.changes(
        {"age_band": band, "enrolments": _enrolments_audit(stored)},
        {"age_band": person.age_band, "enrolments": _enrolments_audit(checked)},
    )
    audit.record(session, actor, "update", "participants", person.id, before=old, after=new)
    return True
