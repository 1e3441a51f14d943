"""Audited writes of the collaboration and referral registers.

A collaboration links two services (and optionally a professional of each) on a date, with a
kind (:class:`~community_map.models.CollaborationKind`) and an intensity on Himmelman's four
levels (:data:`~community_map.models.INTENSITY_LABELS`; the scale id is stored with the
rating). A referral goes from one service to another on a date, optionally of one
participant (by code; recording one needs the right to see participants), with an outcome:
pending, accepted or declined, and the date of the outcome once it is known (not before the
referral). Every write is audited with before and after; updates and deletions carry the
version read with the record and are refused on a stale copy.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from community_map._registers import versioned_row
from community_map.errors import ValidationError
from community_map.i18n import gettext as _
from community_map.models import (
    COLLABORATION_KIND_LABELS,
    INTENSITY_SCALE,
    REFERRAL_OUTCOME_LABELS,
    Collaboration,
    Participant,
    Professional,
    Referral,
    ReferralOutcome,
    Service,
)
from community_map.trust import audit
from community_map.trust.permissions import Actor, Permission, require

__all__ = [
    "create_collaboration",
    "create_referral",
    "delete_collaboration",
    "delete_referral",
    "update_collaboration",
    "update_referral",
]


def _service(session: Session, service_id: int | None, side: str) -> Service:
    service = session.get(Service, service_id) if service_id is not None else None
    if service is None:
        raise ValidationError(
            _("Choose the service {side}: there is no service {id}.").format(
                side=side, id=service_id if service_id is not None else "—"
            )
        )
    return service


def _two_services(session: Session, from_id: int | None, to_id: int | None) -> None:
    _service(session, from_id, _("on one side"))
    _service(session, to_id, _("on the other side"))
    if from_id == to_id:
        raise ValidationError(_("Choose two different services."))


def _professional(session: Session, professional_id: int | None, service_id: int) -> None:
    if professional_id is None:
        return
    professional = session.get(Professional, professional_id)
    if professional is None:
        raise ValidationError(
            _("There is no professional {id}: pick one from the list.").format(id=professional_id)
        )
    if professional.service_id != service_id:
        raise ValidationError(
            _(
                "The professional {code} works in another service: choose a professional of "
                "the service on the same side, or none."
            ).format(code=professional.code)
        )


def _check_collaboration(session: Session, fields: dict[str, Any]) -> dict[str, Any]:
    _two_services(session, fields["from_service_id"], fields["to_service_id"])
    _professional(session, fields["from_professional_id"], fields["from_service_id"])
    _professional(session, fields["to_professional_id"], fields["to_service_id"])
    if fields["kind"] not in COLLABORATION_KIND_LABELS:
        raise ValidationError(
            _("Choose one of the kinds of collaboration: {kinds}.").format(
                kinds=", ".join(_(label) for label in COLLABORATION_KIND_LABELS.values())
            )
        )
    intensity = fields["intensity"]
    if isinstance(intensity, bool) or not isinstance(intensity, int) or not 1 <= intensity <= 4:
        raise ValidationError(_("Rate the intensity from 1 (networking) to 4 (collaborating)."))
    if not isinstance(fields["occurred_on"], dt.date):
        raise ValidationError(_("Give the date of the collaboration."))
    fields["note"] = (fields.get("note") or "").strip()
    return fields


def _collaboration_state(row: Collaboration) -> dict[str, Any]:
    return {
        "from_service_id": row.from_service_id,
        "to_service_id": row.to_service_id,
        "from_professional_id": row.from_professional_id,
        "to_professional_id": row.to_professional_id,
        "occurred_on": row.occurred_on.isoformat(),
        "kind": row.kind,
        "intensity": row.intensity,
        "scale": row.scale,
        "note": row.note,
    }


def create_collaboration(
    session: Session,
    *,
    actor: Actor,
    from_service_id: int,
    to_service_id: int,
    occurred_on: dt.date,
    kind: str,
    intensity: int,
    from_professional_id: int | None = None,
    to_professional_id: int | None = None,
    note: str = "",
) -> Collaboration:
    """Record a collaboration between two services; audited.

    Examples
    --------
    >>> create_collaboration(session, actor=actor, from_service_id=1, to_service_id=2,
    ...     occurred_on=dt.date(2023, 3, 1), kind="joint_case", intensity=3)  # doctest: +SKIP
    """
    require(actor, Permission.RECORD_COLLABORATIONS)
    fields = _check_collaboration(
        session,
        dict(
            from_service_id=from_service_id,
            to_service_id=to_service_id,
            from_professional_id=from_professional_id,
            to_professional_id=to_professional_id,
            occurred_on=occurred_on,
            kind=str(kind),
            intensity=intensity,
            note=note,
        ),
    )
    row = Collaboration(**fields, directed=False, scale=INTENSITY_SCALE)
    session.add(row)
    session.flush()
    audit.record(
        session, actor, "create", "collaborations", row.id, after=_collaboration_state(row)
    )
    return row


def _collaboration(session: Session, collaboration_id: int, version: int | None) -> Collaboration:
    missing = _("There is no collaboration {id}.").format(id=collaboration_id)
    row: Collaboration = versioned_row(
        session,
        Collaboration,
        collaboration_id,
        version,
        missing=missing,
        what=_("this collaboration"),
    )
    return row


def update_collaboration(
    session: Session,
    *,
    actor: Actor,
    collaboration_id: int,
    version: int,
    from_service_id: int,
    to_service_id: int,
    occurred_on: dt.date,
    kind: str,
    intensity: int,
    from_professional_id: int | None = None,
    to_professional_id: int | None = None,
    note: str = "",
) -> Collaboration:
    """Change a collaboration read at ``version``; audited with the changed fields.

    Examples
    --------
    >>> update_collaboration(session, actor=actor, collaboration_id=1, version=1,
    ...     from_service_id=1, to_service_id=2, occurred_on=dt.date(2023, 3, 1),
    ...     kind="joint_project", intensity=4)  # doctest: +SKIP
    """
    require(actor, Permission.RECORD_COLLABORATIONS)
    row = _collaboration(session, collaboration_id, version)
    fields = _check_collaboration(
        session,
        dict(
            from_service_id=from_service_id,
            to_service_id=to_service_id,
            from_professional_id=from_professional_id,
            to_professional_id=to_professional_id,
            occurred_on=occurred_on,
            kind=str(kind),
            intensity=intensity,
            note=note,
        ),
    )
    before = _collaboration_state(row)
    for key, value in fields.items():
        setattr(row, key, value)
    after = _collaboration_state(row)
    if before != after:
        session.flush()
        old, new = audit.changes(before, after)
        audit.record(session, actor, "update", "collaborations", row.id, before=old, after=new)
    return row


def delete_collaboration(
    session: Session, *, actor: Actor, collaboration_id: int, version: int
) -> None:
    """Delete a collaboration read at ``version``; audited with what it held.

    Examples
    --------
    >>> delete_collaboration(session, actor=actor, collaboration_id=1, version=2)  # doctest: +SKIP
    """
    require(actor, Permission.RECORD_COLLABORATIONS)
    row = _collaboration(session, collaboration_id, version)
    before = _collaboration_state(row)
    session.delete(row)
    session.flush()
    audit.record(session, actor, "delete", "collaborations", collaboration_id, before=before)


# referrals -------------------------------------------------------------------------------


def _check_referral(session: Session, actor: Actor, fields: dict[str, Any]) -> dict[str, Any]:
    _two_services(session, fields["from_service_id"], fields["to_service_id"])
    referred_on = fields["referred_on"]
    if not isinstance(referred_on, dt.date):
        raise ValidationError(_("Give the date of the referral."))
    if fields["participant_id"] is not None:
        require(actor, Permission.VIEW_PARTICIPANTS)
        if session.get(Participant, fields["participant_id"]) is None:
            raise ValidationError(
                _("There is no participant {id}: check the code.").format(
                    id=fields["participant_id"]
                )
            )
    outcome = str(fields["outcome"] or ReferralOutcome.PENDING.value)
    if outcome not in REFERRAL_OUTCOME_LABELS:
        raise ValidationError(
            _("Choose one of the outcomes: {outcomes}.").format(
                outcomes=", ".join(_(label) for label in REFERRAL_OUTCOME_LABELS.values())
            )
        )
    fields["outcome"] = outcome
    outcome_on = fields["outcome_on"]
    if outcome == ReferralOutcome.PENDING.value:
        if outcome_on is not None:
            raise ValidationError(
                _(
                    "A pending referral has no outcome date: clear the date, or choose "
                    "accepted or declined."
                )
            )
    else:
        if outcome_on is None:
            raise ValidationError(_("Give the date the referral was accepted or declined."))
        if outcome_on < referred_on:
            raise ValidationError(
                _(
                    "The outcome ({outcome}) is dated before the referral ({referred}): "
                    "correct one of the dates."
                ).format(
                    outcome=outcome_on.strftime("%d/%m/%Y"),
                    referred=referred_on.strftime("%d/%m/%Y"),
                )
            )
    fields["note"] = (fields.get("note") or "").strip()
    return fields


def _referral_state(session: Session, row: Referral) -> dict[str, Any]:
    participant = session.get(Participant, row.participant_id) if row.participant_id else None
    return {
        "from_service_id": row.from_service_id,
        "to_service_id": row.to_service_id,
        "referred_on": row.referred_on.isoformat(),
        "participant": participant.code if participant is not None else None,
        "outcome": row.outcome,
        "outcome_on": row.outcome_on.isoformat() if row.outcome_on else None,
        "note": row.note,
    }


def create_referral(
    session: Session,
    *,
    actor: Actor,
    from_service_id: int,
    to_service_id: int,
    referred_on: dt.date,
    participant_id: int | None = None,
    outcome: str = ReferralOutcome.PENDING.value,
    outcome_on: dt.date | None = None,
    note: str = "",
) -> Referral:
    """Record a referral from one service to another; audited (with the participant's code).

    Examples
    --------
    >>> create_referral(session, actor=actor, from_service_id=1, to_service_id=2,
    ...     referred_on=dt.date(2023, 3, 1))  # doctest: +SKIP
    """
    require(actor, Permission.RECORD_COLLABORATIONS)
    fields = _check_referral(
        session,
        actor,
        dict(
            from_service_id=from_service_id,
            to_service_id=to_service_id,
            referred_on=referred_on,
            participant_id=participant_id,
            outcome=outcome,
            outcome_on=outcome_on,
            note=note,
        ),
    )
    row = Referral(**fields)
    session.add(row)
    session.flush()
    audit.record(session, actor, "create", "referrals", row.id, after=_referral_state(session, row))
    return row


def _referral(session: Session, referral_id: int, version: int | None) -> Referral:
    missing = _("There is no referral {id}.").format(id=referral_id)
    row: Referral = versioned_row(
        session, Referral, referral_id, version, missing=missing, what=_("this referral")
    )
    return row


def update_referral(
    session: Session,
    *,
    actor: Actor,
    referral_id: int,
    version: int,
    from_service_id: int,
    to_service_id: int,
    referred_on: dt.date,
    participant_id: int | None = None,
    outcome: str = ReferralOutcome.PENDING.value,
    outcome_on: dt.date | None = None,
    note: str = "",
) -> Referral:
    """Change a referral read at ``version`` (e.g. record its outcome); audited.

    Examples
    --------
    >>> update_referral(session, actor=actor, referral_id=1, version=1, from_service_id=1,
    ...     to_service_id=2, referred_on=dt.date(2023, 3, 1), outcome="accepted",
    ...     outcome_on=dt.date(2023, 3, 20))  # doctest: +SKIP
    """
    require(actor, Permission.RECORD_COLLABORATIONS)
    row = _referral(session, referral_id, version)
    if row.participant_id is not None and participant_id != row.participant_id:
        require(actor, Permission.VIEW_PARTICIPANTS)
    fields = _check_referral(
        session,
        actor,
        dict(
            from_service_id=from_service_id,
            to_service_id=to_service_id,
            referred_on=referred_on,
            participant_id=participant_id,
            outcome=outcome,
            outcome_on=outcome_on,
            note=note,
        ),
    )
    before = _referral_state(session, row)
    for key, value in fields.items():
        setattr(row, key, value)
    after = _referral_state(session, row)
    if before != after:
        session.flush()
        old, new = audit.changes(before, after)
        audit.record(session, actor, "update", "referrals", row.id, before=old, after=new)
    return row


def delete_referral(session: Session, *, actor: Actor, referral_id: int, version: int) -> None:
    """Delete a referral read at ``version``; audited with what it held.

    Examples
    --------
    >>> delete_referral(session, actor=actor, referral_id=1, version=1)  # doctest: +SKIP
    """
    require(actor, Permission.RECORD_COLLABORATIONS)
    row = _referral(session, referral_id, version)
    before = _referral_state(session, row)
    session.delete(row)
    session.flush()
    audit.record(session, actor, "delete", "referrals", referral_id, before=before)
