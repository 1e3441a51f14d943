"""The collaboration and referral registers as Excel workbooks: template, export, import.

One sheet each. A row's *Number* is the record's number in the application: empty adds a
record, a number updates that record when something differs. Services and professionals
are given by code (drop-down lists), kinds, intensities and outcomes by their label in any
of the three languages. Imports are all or nothing unless bad rows are skipped; importing
an exported file changes nothing. The referrals sheet holds participant codes only for
roles that may see participants; a file without that column leaves participants as they are.
"""

from __future__ import annotations

from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from community_map._registers import (
    CellError,
    Column,
    Outcome,
    RegisterImport,
    Sheet,
    apply_rows,
    frame_for,
    rows_from_excel,
    sheets_to_excel,
)
from community_map.i18n import N_
from community_map.i18n import gettext as _
from community_map.models import (
    COLLABORATION_KIND_LABELS,
    INTENSITY_LABELS,
    REFERRAL_OUTCOME_LABELS,
    Collaboration,
    Participant,
    Professional,
    Referral,
    Service,
)
from community_map.networks.collaboration_register_reads import (
    collaborations_frame,
    referrals_frame,
)
from community_map.networks.collaboration_register_writes import (
    create_collaboration,
    create_referral,
    update_collaboration,
    update_referral,
)
from community_map.trust import audit
from community_map.trust.permissions import Actor, Permission, require

__all__ = [
    "COLLABORATION_COLUMNS",
    "REFERRAL_COLUMNS",
    "collaborations_template",
    "collaborations_to_excel",
    "import_collaborations",
    "import_referrals",
    "referrals_template",
    "referrals_to_excel",
]

_INTENSITY_CHOICES = {str(level): label for level, label in INTENSITY_LABELS.items()}

COLLABORATION_COLUMNS: tuple[Column, ...] = (
    Column("id", N_("Number"), kind="int", minimum=1),
    Column("from_service", N_("Service"), kind="code", required=True),
    Column("to_service", N_("Other service"), kind="code", required=True),
    Column("from_professional", N_("Professional"), kind="code"),
    Column("to_professional", N_("Other professional"), kind="code"),
    Column("occurred_on", N_("Date"), kind="date", required=True),
    Column("kind", N_("Kind"), kind="choice", required=True, choices=COLLABORATION_KIND_LABELS),
    Column("intensity", N_("Intensity"), kind="choice", required=True, choices=_INTENSITY_CHOICES),
    Column("note", N_("Note")),
)

REFERRAL_COLUMNS: tuple[Column, ...] = (
    Column("id", N_("Number"), kind="int", minimum=1),
    Column("from_service", N_("From service"), kind="code", required=True),
    Column("to_service", N_("To service"), kind="code", required=True),
    Column("referred_on", N_("Referred on"), kind="date", required=True),
    Column("participant", N_("Participant code"), kind="code"),
    Column("outcome", N_("Outcome"), kind="choice", required=True, choices=REFERRAL_OUTCOME_LABELS),
    Column("outcome_on", N_("Outcome on"), kind="date"),
    Column("note", N_("Note")),
)

_COLLABORATIONS = N_("Collaborations")
_REFERRALS = N_("Referrals")


def _codes(session: Session, model: type[Service] | type[Professional]) -> dict[str, int]:
    return {str(code): int(i) for i, code in session.execute(select(model.id, model.code))}


def _lists(session: Session | None) -> dict[str, list[str]]:
    if session is None:
        return {}
    services = sorted(_codes(session, Service))
    professionals = sorted(_codes(session, Professional))
    return {
        "from_service": services,
        "to_service": services,
        "from_professional": professionals,
        "to_professional": professionals,
    }


def _referral_columns(actor: Actor | None) -> tuple[Column, ...]:
    if actor is None or actor.can(Permission.VIEW_PARTICIPANTS):
        return REFERRAL_COLUMNS
    return tuple(c for c in REFERRAL_COLUMNS if c.field != "participant")


def collaborations_template() -> bytes:
    """The empty collaborations workbook (headers in the active language).

    Examples
    --------
    >>> collaborations_template()[:2]
    b'PK'
    """
    return sheets_to_excel([Sheet(_COLLABORATIONS, COLLABORATION_COLUMNS)])


def referrals_template() -> bytes:
    """The empty referrals workbook (headers in the active language).

    Examples
    --------
    >>> referrals_template()[:2]
    b'PK'
    """
    return sheets_to_excel([Sheet(_REFERRALS, REFERRAL_COLUMNS)])


def collaborations_to_excel(session: Session, *, actor: Actor) -> bytes:
    """Every recorded collaboration as the register workbook (oldest first).

    Examples
    --------
    >>> collaborations_to_excel(session, actor=actor)[:2]  # doctest: +SKIP
    b'PK'
    """
    frame = collaborations_frame(session, actor=actor).iloc[::-1]
    records = [{**row, "intensity": str(row["intensity"])} for row in frame.to_dict("records")]
    data = frame_for(records, COLLABORATION_COLUMNS)
    return sheets_to_excel([Sheet(_COLLABORATIONS, COLLABORATION_COLUMNS, data, _lists(session))])


def referrals_to_excel(session: Session, *, actor: Actor) -> bytes:
    """Every referral as the register workbook (oldest first); participant codes only for
    roles that may see participants (such an export is recorded in the audit log).

    Examples
    --------
    >>> referrals_to_excel(session, actor=actor)[:2]  # doctest: +SKIP
    b'PK'
    """
    frame = referrals_frame(session, actor=actor).iloc[::-1]
    columns = _referral_columns(actor)
    data = frame_for(frame.to_dict("records"), columns)
    if actor.can(Permission.VIEW_PARTICIPANTS) and frame["participant"].notna().any():
        audit.record_export(session, actor, "referrals", int(frame["participant"].notna().sum()))
    return sheets_to_excel([Sheet(_REFERRALS, columns, data, _lists(session))])


def _lookup(codes: dict[str, int], field: str, code: str | None, what: str) -> int | None:
    if not code:
        return None
    if code not in codes:
        raise CellError(
            field, _("There is no {what} with code {code}.").format(what=what, code=code)
        )
    return codes[code]


def import_collaborations(
    session: Session,
    source: IO[bytes] | bytes,
    *,
    actor: Actor,
    path: str = "collaborations.xlsx",
    skip_bad_rows: bool = False,
) -> RegisterImport:
    """Import collaborations: rows without a number are added, numbered rows updated.

    Examples
    --------
    >>> import_collaborations(session, open("c.xlsx", "rb"), actor=actor)  # doctest: +SKIP
    """
    require(actor, Permission.RECORD_COLLABORATIONS)
    rows = rows_from_excel(source, COLLABORATION_COLUMNS, path=path, sheet=_COLLABORATIONS)
    services, professionals = _codes(session, Service), _codes(session, Professional)

    def write(values: dict[str, Any]) -> Outcome:
        fields = dict(
            from_service_id=_lookup(services, "from_service", values["from_service"], _("service")),
            to_service_id=_lookup(services, "to_service", values["to_service"], _("service")),
            from_professional_id=_lookup(
                professionals,
                "from_professional",
                values.get("from_professional"),
                _("professional"),
            ),
            to_professional_id=_lookup(
                professionals, "to_professional", values.get("to_professional"), _("professional")
            ),
            occurred_on=values["occurred_on"],
            kind=values["kind"],
            intensity=int(values["intensity"]),
            note=values.get("note") or "",
        )
        number = values.get("id")
        # a number this database does not have (a register moved from another database,
        # or a row typed in) adds a collaboration, numbered by this database
        row = session.get(Collaboration, number) if number is not None else None
        if row is None:
            create_collaboration(session, actor=actor, **fields)
            return "created"
        if all(getattr(row, key) == value for key, value in fields.items()):
            return "unchanged"
        update_collaboration(
            session,
            actor=actor,
            collaboration_id=row.id,
            version=row.version,
            **fields,
        )
        return "updated"

    return apply_rows(
        session, rows, write, path=path, columns=COLLABORATION_COLUMNS, skip_bad_rows=skip_bad_rows
    )


def import_referrals(
    session: Session,
    source: IO[bytes] | bytes,
    *,
    actor: Actor,
    path: str = "referrals.xlsx",
    skip_bad_rows: bool = False,
) -> RegisterImport:
    """Import referrals: rows without a number are added, numbered rows updated.

    Examples
    --------
    >>> import_referrals(session, open("r.xlsx", "rb"), actor=actor)  # doctest: +SKIP
    """
    require(actor, Permission.RECORD_COLLABORATIONS)
    rows = rows_from_excel(source, REFERRAL_COLUMNS, path=path, sheet=_REFERRALS)
    services = _codes(session, Service)

    def participant_id(values: dict[str, Any], current: int | None) -> int | None:
        if "participant" not in values:  # the file has no participant column: keep them
            return current
        code = values["participant"]
        if not code:
            return None
        if not actor.can(Permission.VIEW_PARTICIPANTS):
            raise CellError(
                "participant", _("Your role may not record participants: leave this empty.")
            )
        found = session.scalar(
            select(Participant.id).where(Participant.code == str(code).strip().upper())
        )
        if found is None:
            raise CellError(
                "participant", _("There is no participant with code {code}.").format(code=code)
            )
        return int(found)

    def write(values: dict[str, Any]) -> Outcome:
        number = values.get("id")
        # a number this database does not have adds a referral (see collaborations)
        row = session.get(Referral, number) if number is not None else None
        fields = dict(
            from_service_id=_lookup(services, "from_service", values["from_service"], _("service")),
            to_service_id=_lookup(services, "to_service", values["to_service"], _("service")),
            referred_on=values["referred_on"],
            participant_id=participant_id(values, row.participant_id if row else None),
            outcome=values["outcome"],
            outcome_on=values.get("outcome_on"),
            note=values.get("note") or "",
        )
        if row is None:
            create_referral(session, actor=actor, **fields)
            return "created"
        if all(getattr(row, key) == value for key, value in fields.items()):
            return "unchanged"
        update_referral(session, actor=actor, referral_id=row.id, version=row.version, **fields)
        return "updated"

    return apply_rows(
        session, rows, write, path=path, columns=REFERRAL_COLUMNS, skip_bad_rows=skip_bad_rows
    )
