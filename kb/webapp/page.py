"""The Streamlit script of the app (app.py serves it, with the app's own routes)."""
import logging

import streamlit as st

from kb.webapp.main import main

# Visitors never see exception details, however the app was started (kb serve, streamlit run, uvicorn).
st.set_option("client.showErrorDetails", "none")
try:
    main()
except Exception:  # an error no page caught: the visitor gets one sentence, the server's log the traceback
    logging.getLogger("atkb.app").exception("the page failed")
    st.error("Something went wrong on this page. Reload it, or go back to the search; if it happens again, tell "
             "the people who run this server.")
