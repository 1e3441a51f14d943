"""community_map: territory assets, community actions and social networks over time.

The package knows nothing of Streamlit: the web app (``app.py`` and ``pages/``) and the
command line (:mod:`community_map.cli`) are thin layers over it. Domain modules:
:mod:`~community_map.assets` (territory and assets), :mod:`~community_map.activities`
(community actions, sessions, attendance), :mod:`~community_map.network` (networks),
:mod:`~community_map.evaluation` (instruments and assessments); plumbing in
:mod:`~community_map.storage`, :mod:`~community_map.services` (every write, audited),
:mod:`~community_map.settings`, :mod:`~community_map.errors` and
:mod:`~community_map.i18n`.
"""

from __future__ import annotations

__version__ = "0.1.0"
