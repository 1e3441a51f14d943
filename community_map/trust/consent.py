"""Consent: what a participant agreed to, checked in one place before personal data is recorded.

Today a participant has one consent (``participants.consent``, with the date it was
recorded in ``consent_on``) that covers every purpose. :func:`require_consent` is the only
place that reads it, so that consent scopes (data processing, network survey, images)
can be added later without touching the writes that call it.
"""

from __future__ import annotations

import enum

from community_map.errors import ValidationError
from community_map.i18n import N_
from community_map.i18n import gettext as _
from community_map.models import Participant

__all__ = ["CONSENT_PURPOSE_LABELS", "ConsentPurpose", "has_consent", "require_consent"]


class ConsentPurpose(enum.StrEnum):
    """Why personal data about a participant is about to be recorded."""

    NETWORK_SURVEY = "network_survey"
    ASSESSMENT = "assessment"


CONSENT_PURPOSE_LABELS: dict[ConsentPurpose, str] = {
    ConsentPurpose.NETWORK_SURVEY: N_("the network survey (reported ties)"),
    ConsentPurpose.ASSESSMENT: N_("assessments"),
}


def has_consent(participant: Participant, purpose: ConsentPurpose) -> bool:
    """Return whether ``participant`` consented to ``purpose``.

    One recorded consent covers every purpose for now.

    Examples
    --------
    >>> has_consent(Participant(code="AM-1", consent=True), ConsentPurpose.ASSESSMENT)
    True
    >>> has_consent(Participant(code="AM-2", consent=False), ConsentPurpose.NETWORK_SURVEY)
    False
    """
    return bool(participant.consent)


def require_consent(participant: Participant, purpose: ConsentPurpose) -> None:
    """Raise :class:`ValidationError` unless ``participant`` consented to ``purpose``.

    Every write of survey ties or assessments calls this before writing anything.

    Examples
    --------
    >>> require_consent(Participant(code="AM-1", consent=False), ConsentPurpose.ASSESSMENT)
    Traceback (most recent call last):
    ...
    community_map.errors.ValidationError: Participant AM-1 has not given consent for \
assessments: record their consent first. Nothing was saved.
    """
    if not has_consent(participant, purpose):
        raise ValidationError(
            _(
                "Participant {code} has not given consent for {purpose}: record their "
                "consent first. Nothing was saved."
            ).format(code=participant.code, purpose=_(CONSENT_PURPOSE_LABELS[purpose]))
        )
