"""The browser front end (Streamlit); it talks to the knowledge base only through the facade."""
