"""Audited writes of the assessment register: record, change and delete an assessment.

An assessment rates one participant on every domain of an instrument (SSM-Cat: 13 domains,
levels 1-5) at a phase of their path (reception, follow-up, closure). A domain is either
given a level or marked *not assessed* (stored as a row with no level), never confused
with a score. The instrument's information-age rule is applied: the date of the oldest
information behind the rating (``information_on``) may not be more than
``max_information_age_days`` (SSM-Cat: 30) before the assessment, nor after it.

Every write needs :attr:`~community_map.trust.Permission.RECORD_ASSESSMENTS` and the
participant's consent to assessments, is checked completely before anything is written,
and is audited with its before and after.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from community_map._registers import check_version
from community_map.errors import NotFoundError, ValidationError
from community_map.evaluation.instruments import Instrument, find_instrument
from community_map.i18n import gettext as _
from community_map.models import (
    Assessment,
    AssessmentPhase,
    AssessmentScore,
    Participant,
    Professional,
)
from community_map.trust import audit
from community_map.trust.consent import ConsentPurpose, require_consent
from community_map.trust.permissions import Actor, Permission, require
from community_map.trust.rights_reads import find_participant

__all__ = [
    "check_information_age",
    "create_assessment",
    "delete_assessment",
    "save_assessment",
    "update_assessment",
]

#: A domain's level, or None for "not assessed".
Levels = Mapping[str, int | None]


def _day(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


def check_information_age(tool: Instrument, on: dt.date, information_on: dt.date | None) -> None:
    """Refuse information older than the instrument allows, or dated after the assessment.

    Examples
    --------
    >>> from community_map.evaluation.instruments import load_instrument
    >>> ssm = load_instrument("ssm-cat")
    >>> check_information_age(ssm, dt.date(2023, 1, 31), dt.date(2023, 1, 1))  # 30 days: kept
    >>> check_information_age(ssm, dt.date(2023, 2, 1), dt.date(2023, 1, 1))
    Traceback (most recent call last):
    ...
    community_map.errors.ValidationError: The information behind this assessment dates from \
01/01/2023, 31 days before the assessment (01/02/2023); Self-Sufficiency Matrix (SSM-Cat) \
leaves out information older than 30 days: bring it up to date, or mark the domains it \
supports as not assessed.
    """
    if information_on is None:
        return
    if information_on > on:
        raise ValidationError(
            _(
                "The information date ({info}) is after the assessment ({on}): the "
                "information must be gathered on or before the day of the assessment."
            ).format(info=_day(information_on), on=_day(on))
        )
    days = (on - information_on).days
    if days > tool.max_information_age_days:
        from community_map import i18n

        raise ValidationError(
            _(
                "The information behind this assessment dates from {info}, {days} days before "
                "the assessment ({on}); {instrument} leaves out information older than {max} "
                "days: bring it up to date, or mark the domains it supports as not assessed."
            ).format(
                info=_day(information_on),
                days=days,
                on=_day(on),
                instrument=tool.name_in(i18n.get_language()),
                max=tool.max_information_age_days,
            )
        )


def _phase(phase: str) -> str:
    phases = [p.value for p in AssessmentPhase]
    if phase not in phases:
        raise ValidationError(
            _("Unknown assessment phase {phase!r}; use one of: {phases}.").format(
                phase=phase, phases=", ".join(phases)
            )
        )
    return phase


def _levels(tool: Instrument, levels: Levels) -> dict[str, int | None]:
    """Every domain of the instrument with its level or None; unknown domains refused."""
    for domain in levels:
        if domain not in tool.domains:
            raise ValidationError(
                _("Unknown domain {domain!r} of {instrument}; use one of: {domains}.").format(
                    domain=domain, instrument=tool.code, domains=", ".join(tool.domains)
                )
            )
    checked: dict[str, int | None] = {}
    for domain in tool.domains:
        level = levels.get(domain)
        if level is not None and (isinstance(level, bool) or int(level) not in tool.levels):
            raise ValidationError(
                _("The level of {domain} must be one of {levels}, not {level!r}.").format(
                    domain=domain, levels=", ".join(map(str, tool.levels)), level=level
                )
            )
        checked[domain] = None if level is None else int(level)
    if all(v is None for v in checked.values()):
        raise ValidationError(
            _("Give a level to at least one domain: every domain is marked not assessed.")
        )
    return checked


def _assessor(session: Session, code: str | None) -> int | None:
    if code is None or not str(code).strip():
        return None
    found = session.scalar(select(Professional.id).where(Professional.code == str(code).strip()))
    if found is None:
        raise NotFoundError(_("There is no professional with the code {code!r}.").format(code=code))
    return int(found)


def _state(session: Session, row: Assessment) -> dict[str, Any]:
    participant = session.get(Participant, row.participant_id)
    assessor = session.get(Professional, row.assessor_id) if row.assessor_id else None
    scores = session.execute(
        select(AssessmentScore.domain, AssessmentScore.level).where(
            AssessmentScore.assessment_id == row.id
        )
    ).all()
    return {
        "participant": participant.code if participant else None,
        "on": row.assessed_on.isoformat(),
        "phase": row.phase,
        "instrument": row.instrument,
        "instrument_version": row.instrument_version,
        "assessor": assessor.code if assessor else None,
        "information_on": row.information_on.isoformat() if row.information_on else None,
        "note": row.note,
        "levels": dict(sorted((str(d), lv) for d, lv in scores)),
    }


def _write_scores(session: Session, assessment_id: int, levels: Mapping[str, int | None]) -> None:
    session.execute(delete(AssessmentScore).where(AssessmentScore.assessment_id == assessment_id))
    for domain, level in levels.items():
        session.add(AssessmentScore(assessment_id=assessment_id, domain=domain, level=level))
    session.flush()


def create_assessment(
    session: Session,
    *,
    actor: Actor,
    code: str,
    on: dt.date,
    phase: str,
    levels: Levels,
    instrument: str = "ssm-cat",
    assessor_code: str | None = None,
    information_on: dt.date | None = None,
    note: str = "",
) -> Assessment:
    """Record an assessment of participant ``code``: a level or "not assessed" per domain.

    Domains of the instrument missing from ``levels``, or given ``None``, are stored as
    not assessed. ``information_on`` is the date of the oldest information used (the
    instrument's information-age rule is applied to it).

    Raises
    ------
    PermissionDeniedError
        Unless the actor may record assessments.
    NotFoundError
        When the participant, the instrument or the assessor is unknown.
    ValidationError
        Without the participant's consent to assessments, with an unknown phase, domain or
        level, when no domain has a level, or when the information is too old.

    Examples
    --------
    >>> create_assessment(session, actor=coordinator, code="AM-1", on=dt.date(2023, 1, 9),
    ...     phase="reception", levels={"housing": 3, "finances": None})  # doctest: +SKIP
    """
    require(actor, Permission.RECORD_ASSESSMENTS)
    person = find_participant(session, code)
    require_consent(person, ConsentPurpose.ASSESSMENT)
    tool = find_instrument(session, instrument)
    checked = _levels(tool, levels)
    check_information_age(tool, on, information_on)
    row = Assessment(
        participant_id=person.id,
        assessed_on=on,
        instrument=tool.code,
        instrument_version=tool.version,
        phase=_phase(phase),
        assessor_id=_assessor(session, assessor_code),
        information_on=information_on,
        note=(note or "").strip(),
    )
    session.add(row)
    session.flush()
    _write_scores(session, row.id, checked)
    audit.record(session, actor, "create", "assessments", row.id, after=_state(session, row))
    return row


def _load(session: Session, assessment_id: int, version: int | None) -> Assessment:
    row = session.get(Assessment, assessment_id)
    if row is None:
        raise NotFoundError(_("There is no assessment {id}.").format(id=assessment_id))
    check_version(row, version, _("this assessment"))
    return row


def update_assessment(
    session: Session,
    *,
    actor: Actor,
    assessment_id: int,
    version: int,
    on: dt.date,
    phase: str,
    levels: Levels,
    assessor_code: str | None = None,
    information_on: dt.date | None = None,
    note: str = "",
) -> Assessment:
    """Change an assessment (its participant and instrument stay); audited before/after.

    ``version`` is the one read with the assessment: when someone saved it since, nothing
    is saved and :class:`~community_map.errors.ConcurrentEditError` says to reload.

    Examples
    --------
    >>> update_assessment(session, actor=coordinator, assessment_id=1, version=1,
    ...     on=dt.date(2023, 1, 9), phase="reception", levels={"housing": 4})  # doctest: +SKIP
    """
    require(actor, Permission.RECORD_ASSESSMENTS)
    row = _load(session, assessment_id, version)
    person = session.get(Participant, row.participant_id)
    assert person is not None
    require_consent(person, ConsentPurpose.ASSESSMENT)
    tool = find_instrument(session, row.instrument)
    checked = _levels(tool, levels)
    check_information_age(tool, on, information_on)
    before = _state(session, row)
    row.assessed_on = on
    row.phase = _phase(phase)
    row.assessor_id = _assessor(session, assessor_code)
    row.information_on = information_on
    row.note = (note or "").strip()
    row.instrument_version = tool.version
    _write_scores(session, row.id, checked)
    flag_modified(row, "note")  # the row is always saved, so its version moves on once
    session.flush()
    old, new = audit.changes(before, _state(session, row))
    audit.record(session, actor, "update", "assessments", row.id, before=old, after=new)
    return row


def delete_assessment(
    session: Session, *, actor: Actor, assessment_id: int, version: int | None
) -> None:
    """Delete an assessment and its domain levels; audited with what was deleted.

    Examples
    --------
    >>> delete_assessment(session, actor=coordinator, assessment_id=1, version=2)  # doctest: +SKIP
    """
    require(actor, Permission.RECORD_ASSESSMENTS)
    row = _load(session, assessment_id, version)
    before = _state(session, row)
    session.execute(delete(AssessmentScore).where(AssessmentScore.assessment_id == row.id))
    session.delete(row)
    session.flush()
    audit.record(session, actor, "delete", "assessments", assessment_id, before=before)


def save_assessment(
    session: Session,
    *,
    actor: Actor,
    assessment_id: int | None,
    version: int | None,
    code: str,
    instrument: str,
    on: dt.date,
    phase: str,
    levels: Levels,
    assessor_code: str | None = None,
    information_on: dt.date | None = None,
    note: str = "",
) -> Assessment:
    """Create the assessment (``assessment_id`` None) or update it, as an entry form saves.

    Examples
    --------
    >>> save_assessment(session, actor=coordinator, assessment_id=None, version=None,
    ...     code="AM-1", instrument="ssm-cat", on=dt.date(2023, 1, 9), phase="reception",
    ...     levels={"housing": 3})  # doctest: +SKIP
    """
    fields: dict[str, Any] = {
        "on": on,
        "phase": phase,
        "levels": levels,
        "assessor_code": assessor_code,
        "information_on": information_on,
        "note": note,
    }
    if assessment_id is None:
        return create_assessment(session, actor=actor, code=code, instrument=instrument, **fields)
    return update_assessment(
        session, actor=actor, assessment_id=assessment_id, version=int(version or 0), **fields
    )
