"""Entry for ``streamlit run app.py`` in a checkout: the app itself lives in the package.

``community-map serve`` runs :mod:`community_map.ui.streamlit_app` from the installed package.
"""

from community_map.ui.streamlit_app import run

run()
