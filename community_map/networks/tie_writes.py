"""Audited writes of reported ties: one respondent's answers to the network survey.

A tie is recorded only with the consent of the respondent and of every person they
name (:func:`community_map.trust.require_consent`), and only after every answer has
been checked: a refused answer leaves nothing written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from community_map.errors import ValidationError
from community_map.i18n import gettext as _
from community_map.models import ReportedTie
from community_map.trust.audit import record
from community_map.trust.consent import ConsentPurpose, require_consent
from community_map.trust.permissions import Actor, Permission, require
from community_map.trust.rights_reads import find_participant

__all__ = ["TIE_KINDS", "record_reported_ties"]

TIE_KINDS = ("acquaintance", "support", "friendship")
"""Kinds of reported ties the survey asks about."""


def record_reported_ties(
    session: Session,
    *,
    actor: Actor,
    respondent_code: str,
    ties: Mapping[str, str],
    on: dt.date,
    wave: str = "",
    source: str = "survey",
) -> list[ReportedTie]:
    """Record the ties one respondent reported on ``on``: other participant's code -> kind.

    Ties already recorded (same people, day and wave) are not duplicated. Audited with the
    respondent's code and the ties written.

    Raises
    ------
    PermissionDeniedError
        Unless the actor may record assessments and surveys.
    NotFoundError
        When a code is unknown.
    ValidationError
        When the respondent or a person they name has not consented to the network
        survey, when they name themselves, or when a kind is not one of :data:`TIE_KINDS`.

    Examples
    --------
    >>> record_reported_ties(
    ...     session, actor=admin, respondent_code="AM-1", ties={"AM-2": "support"},
    ...     on=dt.date(2023, 6, 15), wave="T1",
    ... )  # doctest: +SKIP
    """
    require(actor, Permission.RECORD_ASSESSMENTS)
    respondent = find_participant(session, respondent_code)
    require_consent(respondent, ConsentPurpose.NETWORK_SURVEY)
    named = []
    for code, kind in ties.items():
        other = find_participant(session, code)
        if other.id == respondent.id:
            raise ValidationError(
                _("A participant cannot report a tie to themselves ({code}).").format(
                    code=other.code
                )
            )
        if kind not in TIE_KINDS:
            raise ValidationError(
                _("Unknown kind of tie {kind!r}; use one of: {kinds}.").format(
                    kind=kind, kinds=", ".join(TIE_KINDS)
                )
            )
        require_consent(other, ConsentPurpose.NETWORK_SURVEY)
        named.append((other, kind))
    existing = set(
        session.scalars(
            select(ReportedTie.to_participant_id).where(
                ReportedTie.from_participant_id == respondent.id,
                ReportedTie.observed_on == on,
                ReportedTie.wave == wave,
            )
        ).all()
    )
    written = []
    for other, kind in named:
        if other.id in existing:
            continue
        existing.add(other.id)
        tie = ReportedTie(
            from_participant_id=respondent.id,
            to_participant_id=other.id,
            observed_on=on,
            kind=kind,
            source=source,
            wave=wave,
        )
        session.add(tie)
        written.append((other.code, tie))
    session.flush()
    record(
        session,
        actor,
        "create",
        "reported_ties",
        respondent.code,
        after={
            "respondent": respondent.code,
            "on": on.isoformat(),
            "wave": wave,
            "ties": {code: tie.kind for code, tie in written},
        },
    )
    return [tie for _code, tie in written]
