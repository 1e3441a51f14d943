"""community_map: territory assets, community actions and social networks over time.

The package knows nothing of Streamlit: the web app (``app.py`` and ``pages/``) and the
command line (:mod:`community_map.cli`) are thin layers over it. Domain modules:
:mod:`~community_map.territory` (territory and assets), :mod:`~community_map.activities.reads`
(community actions, sessions, attendance), :mod:`~community_map.networks.building` (networks),
:mod:`~community_map.evaluation.instruments` (instruments and assessments); plumbing in
:mod:`~community_map.storage`, :mod:`~community_map.trust.writes` (every write, audited),
:mod:`~community_map.settings`, :mod:`~community_map.errors` and
:mod:`~community_map.i18n`.
"""

from __future__ import annotations

__version__ = "0.1.0"
