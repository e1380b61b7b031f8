"""atkb in the browser: `kb serve`, `streamlit run app.py`, or any ASGI server (`uvicorn app:app`).

The pages are the Streamlit script kb/webapp/page.py; the app adds its own routes for the stored originals and the
saved searches' Atom feeds.
"""
import os
from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

from kb.webapp.feeds import feed_routes
from kb.webapp.headers import SecurityHeaders
from kb.webapp.originals import routes
from kb.webapp.state import current_kb

os.umask(0o077)  # files 0600 and folders 0700 in the data directory, however the app is started

app = st.App(str(Path(__file__).resolve().parent / "kb" / "webapp" / "page.py"),
             routes=[*routes(), *feed_routes(current_kb)], middleware=[Middleware(SecurityHeaders)])
