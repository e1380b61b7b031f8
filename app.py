"""atkb in the browser: `streamlit run app.py` (or `kb serve`) on the knowledge base in KB_HOME."""
from pathlib import Path

from kb.webapp.main import main

main(Path(__file__).resolve().parent)
