"""The web app (Streamlit): the only part of community_map that imports Streamlit.

``streamlit_app.py`` is the entry script, ``pages/`` the page scripts; the other modules are
helpers shared by the pages. Nothing outside this folder may import it.
"""

__all__: list[str] = []
