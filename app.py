"""atkb in the browser: `kb serve`, `streamlit run app.py`, or any ASGI server (`uvicorn app:app`).

The pages are the Streamlit script kb/webapp/page.py; the app adds its own routes: the stored originals
(`/originals/DOC_ID`), the saved searches' Atom feeds (`/feeds/ID.atom`), the documents' landing pages for
citation managers (`/d/DOC_ID`) and the JSON API (`/api/v1`, with its schema at /api/v1/openapi.json and its
documentation at /api/v1/docs).
"""
import os
from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

from kb.api.app import api_mount, create_api
from kb.api.landing import landing_routes
from kb.webapp.feeds import feed_routes
from kb.webapp.headers import SecurityHeaders
from kb.webapp.originals import routes
from kb.webapp.state import WRITE_LOCK, current_kb

os.umask(0o077)  # files 0600 and folders 0700 in the data directory, however the app is started

# The API shares the pages' knowledge base (one set of engines and models per process) and their write lock.
api = create_api(current_kb, WRITE_LOCK)
app = st.App(str(Path(__file__).resolve().parent / "kb" / "webapp" / "page.py"),
             routes=[*routes(), *feed_routes(current_kb), *landing_routes(current_kb), api_mount(api)],
             middleware=[Middleware(SecurityHeaders)])
