"""Page scripts of the web app, run by Streamlit's navigation (see ``streamlit_app.py``)."""

__all__: list[str] = []
