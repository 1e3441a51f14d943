"""Audited writes of assessments: one participant's scores on an instrument (SSM-Cat).

An assessment is recorded only with the participant's consent
(:func:`community_map.trust.require_consent`) and only after every score has been
checked against the instrument: a refused assessment leaves nothing written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from community_map.errors import NotFoundError, ValidationError
from community_map.evaluation.instruments import load_instrument
from community_map.i18n import gettext as _
from community_map.models import Assessment, AssessmentPhase, AssessmentScore, Professional
from community_map.trust.audit import record
from community_map.trust.consent import ConsentPurpose, require_consent
from community_map.trust.permissions import Actor, Permission, require
from community_map.trust.rights_reads import find_participant

__all__ = ["record_assessment"]


def record_assessment(
    session: Session,
    *,
    actor: Actor,
    code: str,
    on: dt.date,
    phase: str,
    scores: Mapping[str, int],
    instrument: str = "ssm-cat",
    assessor_code: str | None = None,
) -> Assessment:
    """Record an assessment of participant ``code``: level per domain of ``instrument``.

    Raises
    ------
    PermissionDeniedError
        Unless the actor may record assessments.
    NotFoundError
        When the participant, the instrument or the assessor is unknown.
    ValidationError
        When the participant has not consented to assessments, or a phase, domain or
        level is not one of the instrument's.

    Examples
    --------
    >>> record_assessment(
    ...     session, actor=admin, code="AM-1", on=dt.date(2023, 1, 9),
    ...     phase="reception", scores={"housing": 3},
    ... )  # doctest: +SKIP
    """
    require(actor, Permission.RECORD_ASSESSMENTS)
    person = find_participant(session, code)
    require_consent(person, ConsentPurpose.ASSESSMENT)
    tool = load_instrument(instrument)
    phases = [p.value for p in AssessmentPhase]
    if phase not in phases:
        raise ValidationError(
            _("Unknown assessment phase {phase!r}; use one of: {phases}.").format(
                phase=phase, phases=", ".join(phases)
            )
        )
    if not scores:
        raise ValidationError(_("An assessment needs at least one score."))
    for domain, level in scores.items():
        if domain not in tool.domains:
            raise ValidationError(
                _("Unknown domain {domain!r} of {instrument}; use one of: {domains}.").format(
                    domain=domain, instrument=tool.code, domains=", ".join(tool.domains)
                )
            )
        if level not in tool.levels:
            raise ValidationError(
                _("The level of {domain} must be one of {levels}, not {level!r}.").format(
                    domain=domain, levels=", ".join(map(str, tool.levels)), level=level
                )
            )
    assessor_id = None
    if assessor_code:
        assessor_id = session.scalar(
            select(Professional.id).where(Professional.code == assessor_code.strip())
        )
        if assessor_id is None:
            raise NotFoundError(
                _("There is no professional with the code {code!r}.").format(code=assessor_code)
            )
    row = Assessment(
        participant_id=person.id,
        assessed_on=on,
        instrument=tool.code,
        instrument_version=tool.version,
        phase=phase,
        assessor_id=assessor_id,
    )
    session.add(row)
    session.flush()
    for domain, level in scores.items():
        session.add(AssessmentScore(assessment_id=row.id, domain=domain, level=int(level)))
    session.flush()
    record(
        session,
        actor,
        "create",
        "assessments",
        row.id,
        after={
            "participant": person.code,
            "on": on.isoformat(),
            "instrument": tool.code,
            "phase": phase,
            "scores": {d: int(v) for d, v in scores.items()},
        },
    )
    return row
