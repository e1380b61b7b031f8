"""The Streamlit script of the app (app.py serves it, with the app's own routes)."""
from kb.webapp.main import main

main()
