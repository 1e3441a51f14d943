"""Consent: what a participant agreed to, checked in one place before personal data is recorded.

A participant's consent is recorded per purpose, with the date it was given
(``participants.consent_date``): data processing (``consent_processing``), the network
survey (``consent_survey``) and images (``consent_images``). :func:`has_consent` is the
only place that maps what the application is about to record to those fields:
assessments need consent to data processing, reported ties consent to the network survey.
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

    Assessments need consent to data processing; reported ties need consent to the
    network survey.

    Examples
    --------
    >>> has_consent(Participant(code="AM-1", consent_processing=True), ConsentPurpose.ASSESSMENT)
    True
    >>> has_consent(Participant(code="AM-1", consent_processing=True),
    ...             ConsentPurpose.NETWORK_SURVEY)
    False
    """
    if purpose is ConsentPurpose.NETWORK_SURVEY:
        return bool(participant.consent_survey)
    return bool(participant.consent_processing)


def require_consent(participant: Participant, purpose: ConsentPurpose) -> None:
    """Raise :class:`ValidationError` unless ``participant`` consented to ``purpose``.

    Every write of survey ties or assessments calls this before writing anything.

    Examples
    --------
    >>> require_consent(Participant(code="AM-1"), ConsentPurpose.ASSESSMENT)
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
