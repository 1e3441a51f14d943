"""The demo generator's builder: every table in memory with explicit ids, then bulk inserts.

Private to :mod:`community_map.demo`; see its docstring for what the demo holds. The shared
state is in ``_builder_base``; the tables are built by ``_territory_builder`` (territory,
assets, services), ``_activity_builder`` (participants, actions, sessions, attendance) and
``_outcome_builder`` (collaborations, reported ties, assessments).
"""

from __future__ import annotations

from community_map.demo._activity_builder import ActivityBuilder
from community_map.demo._outcome_builder import OutcomeBuilder
from community_map.demo._territory_builder import TerritoryBuilder

__all__ = ["Builder"]


class Builder(TerritoryBuilder, ActivityBuilder, OutcomeBuilder):
    """Builds every table in memory with explicit ids, then inserts them in bulk.

    Call the table builders in order: territory, assets, organisations, participants,
    actions, collaborations, reported_ties, assessments; then write :attr:`rows`.
    """
