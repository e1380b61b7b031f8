"""Accounts, their passwords and API tokens, sign-in limits, and the audit trail of every change.

`store` keeps the account and token tables in the knowledge base's SQLite file (each change audited in its own
transaction); `passwords` and `tokens` hash secrets; `audit` writes and reads the audit trail (it imports nothing
of atkb, so the document store can write an entry inside the transaction of each change); `service` is what the
facade hands out as `kb.accounts`. Modules here may import kb.store, kb.permissions, kb.attempts and kb.errors.
"""
