"""The JSON HTTP API under /api/v1, served beside the app's pages by the same ASGI app (app.py).

A surface like the command line: every endpoint resolves who is asking (auth.request_actor), asks the one permission
check (kb.permissions) and calls the KnowledgeBase facade; it never touches SQLite or an engine. Modules: app (the
FastAPI factory), auth (request -> Actor), errors (JSON errors, never a traceback), caching (the store generation as
an ETag), schemas (response models), docs_page (the offline documentation page), and one module per resource group
(search, documents, recommendations, topics, lists, saved_searches, stats, researcher). May import kb's facade,
settings, errors, permissions and citations, the names of kb.reading_lists and kb.alerts.store that describe what the
facade answers, and kb.webapp.originals (the stored originals' rules and their signed links).
"""
