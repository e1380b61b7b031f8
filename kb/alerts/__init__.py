"""Saved searches and their alerts: `store` (the saved searches and what each has delivered, in the store's SQLite
database), `matching` (the documents ingested since a time that match a saved search, through the searcher), `feed`
(an Atom feed per saved search), `digest` (the e-mail digest, text and HTML), `mail` (sending it over SMTP) and
`service` (what the facade delegates to: permissions, feed keys, and a run over every saved search).

Modules here may import kb's settings, errors, models, filters, permissions, store and search packages; never a
surface (the CLI, the app) and never an engine directly.
"""
