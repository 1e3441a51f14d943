"""Login page: local accounts, optional single sign-on; in demo mode, the demo accounts."""

from __future__ import annotations

from community_map.ui import login_panel

login_panel.draw_login()
