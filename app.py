"""atkb in the browser: `kb serve`, `streamlit run app.py`, or any ASGI server (`uvicorn app:app`).

The pages are the Streamlit script kb/webapp/page.py; the app adds its own route for the stored originals.
"""
from pathlib import Path

import streamlit as st

from kb.webapp.originals import routes

app = st.App(str(Path(__file__).resolve().parent / "kb" / "webapp" / "page.py"), routes=routes())
