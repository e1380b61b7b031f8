"""Saved searches for their owners (the permission check, bounds and feed keys), what is new to each, and a run of
every saved search's alerts: e-mailed as one digest per owner and address when SMTP is set, printed otherwise."""
from __future__ import annotations

import hmac
import json
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

from ..backends import Backends
from ..errors import KBError
from ..filters import Filters
from ..models import Document, Hit
from ..permissions import Actor, has_role, require
from ..search.limits import check_query
from ..search.searcher import MODES, Searcher
from ..store import utc_now
from .digest import digest_message, digest_text
from .mail import MailError, check_mail_settings, mail_configured, send_message
from .matching import Alert, Match, new_hits, newest_first
from .store import SavedSearch, SavedSearchStore, new_feed_key

MAX_NAME_CHARS = 200
MAX_EMAIL_CHARS = 254
MAX_FILTER_CHARS = 4000
# one address, no display name, no spaces or line breaks (it becomes a To: header)
_EMAIL = re.compile(r"^[^@\s<>,;\"']+@[^@\s<>,;\"']+\.[^@\s<>,;\"']+$")

OriginalLink = Callable[[Document, int | None], "str | None"]


@dataclass
class Delivery:
    """One digest of an alert run: to whom, for which saved searches, and what became of it."""

    owner: str
    email: str
    alerts: list[Alert]
    text: str
    status: str = "printed"  # sent | printed | failed | nothing new
    error: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"owner": self.owner, "email": self.email, "status": self.status, "error": self.error,
                "searches": [{"id": a.saved.saved_id, "name": a.saved.name, "new": len(a.matches),
                              "matched": a.total, "doc_ids": [m.doc_id for m in a.matches],
                              "next_since": a.watermark if self.status != "failed" else a.saved.last_alerted_at}
                             for a in self.alerts]}


@dataclass
class AlertRun:
    """What `kb alerts run` did."""

    deliveries: list[Delivery] = field(default_factory=list)
    errors: list[Alert] = field(default_factory=list)  # saved searches that could not run

    @property
    def failed(self) -> list[Delivery]:
        """Digests that could not be sent (retried by the next run)."""
        return [d for d in self.deliveries if d.status == "failed"]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"deliveries": [d.to_dict() for d in self.deliveries], "failed": len(self.failed),
                "errors": [{"id": a.saved.saved_id, "owner": a.saved.owner, "name": a.saved.name, "error": a.error}
                           for a in self.errors]}


class SavedSearches:
    """Saved searches, their feeds and their alerts, over one knowledge base's store and searcher."""

    def __init__(self, backends: Backends, searcher: Searcher, original_link: OriginalLink,
                 paused: Callable[[str], bool] = lambda owner: False):
        self.paused = paused  # an owner whose feeds and alerts pause (a disabled account)
        self.settings = backends.settings
        self.store = backends.store
        self.table = SavedSearchStore(backends.store)
        self.searcher = searcher
        self.original_link = original_link

    # ----- the owner's side ------------------------------------------------------------------------
    def save(self, actor: Actor, name: str, query: str, mode: str | None = None,
             filters: Filters | Mapping[str, Any] | Iterable[str] | None = None, translate: bool = True,
             email: str = "") -> SavedSearch:
        """Keep a search for the actor (who needs the searches.own permission)."""
        require(actor, "searches.own")
        owner = str(actor.name)
        name, query, email, mode = name.strip(), query.strip(), (email or "").strip(), (mode or "").strip().lower()
        if not name or len(name) > MAX_NAME_CHARS:
            raise KBError(f"a saved search needs a name of 1 to {MAX_NAME_CHARS} characters")
        if not query:
            raise KBError("a saved search needs a query: search for something first")
        check_query(self.settings, query, raw=False)
        if mode == "meaning":
            mode = "semantic"
        if mode and mode not in MODES:
            raise KBError(f"unknown search mode {mode!r}: use one of {', '.join(MODES)}")
        if email and (len(email) > MAX_EMAIL_CHARS or not _EMAIL.match(email)):
            raise KBError(f"{email[:80]!r} is not an e-mail address (name@example.org)")
        parsed = Filters.parse(filters)
        if len(json.dumps(parsed.to_dict())) > MAX_FILTER_CHARS:
            raise KBError(f"the filters of a saved search may take {MAX_FILTER_CHARS} characters at most: use fewer")
        if parsed.ingested_since is not None:
            raise KBError("a saved search cannot filter by ingestion time: its alerts do that")
        if len(self.table.of_owner(owner)) >= self.settings.max_saved_searches:
            raise KBError(f"{owner} keeps {self.settings.max_saved_searches} saved searches already (setting "
                          "max_saved_searches): remove one first")
        return self.table.add(owner, name, query, mode, parsed.to_dict(), translate, email)

    def of(self, actor: Actor, *, every_owner: bool = False) -> list[SavedSearch]:
        """The actor's own saved searches (none for an anonymous visitor); every_owner: everyone's, for the
        command line's user without --as (an admin who holds the data directory)."""
        if every_owner:
            require(actor, "accounts")
            return self.table.every()
        return self.table.of_owner(str(actor.name)) if actor.signed_in else []

    def owned(self, actor: Actor, saved_id: int, *, every_owner: bool = False) -> SavedSearch:
        """One of the actor's saved searches; anyone else's is 'not found' (to admins too: saved searches are
        private), unless every_owner is given to an admin (the command line's user without --as)."""
        saved = self.table.get(int(saved_id)) if actor.signed_in else None
        if saved is None or (saved.owner != actor.name and not (every_owner and has_role(actor, "admin"))):
            raise KBError(f"no saved search {saved_id} of yours: `kb alerts list` shows their ids")
        return saved

    def delete(self, actor: Actor, saved_id: int, *, every_owner: bool = False) -> SavedSearch:
        """Forget one of the actor's saved searches (its feed stops at once)."""
        saved = self.owned(actor, saved_id, every_owner=every_owner)
        self.table.delete(saved.saved_id)
        return saved

    def rotate_key(self, actor: Actor, saved_id: int, *, every_owner: bool = False) -> SavedSearch:
        """Give a saved search's feed a new key: the old address stops working."""
        saved = self.owned(actor, saved_id, every_owner=every_owner)
        self.table.set_feed_key(saved.saved_id, new_feed_key())
        found = self.table.get(saved.saved_id)
        assert found is not None
        return found

    # ----- matching and feeds ----------------------------------------------------------------------
    def new_matches(self, saved: SavedSearch, since: str | None, k: int | None = None) -> tuple[list[Match], int]:
        """Documents ingested at or after `since` that match the saved search (best first, up to k; by default
        alert_documents), and how many match in all."""
        k = min(k or self.settings.alert_documents, self.settings.max_results)
        hits, total = new_hits(self.searcher, saved, since, k)
        return [self._match(h) for h in hits], total

    def _match(self, hit: Hit) -> Match:
        passage = hit.passages[0] if hit.passages else None
        return Match(hit.document, passage, self.original_link(hit.document, passage.page if passage else None))

    def feed(self, saved_id: int, key: str) -> tuple[SavedSearch, list[Match]] | None:
        """A saved search and its newest matches for its feed, or None when the id or the key is wrong (which of
        the two is never told)."""
        saved = self.table.get(saved_id)
        if saved is None or not key or not hmac.compare_digest(saved.feed_key.encode(), key.encode()) \
                or self.paused(saved.owner):
            return None
        window = self.settings.max_results
        since = self.table.newest_ingestion_cutoff(window)
        hits, _ = new_hits(self.searcher, saved, since, window)
        return saved, [self._match(h) for h in newest_first(hits)[:self.settings.feed_entries]]

    # ----- alert runs ------------------------------------------------------------------------------
    def due(self, run_at: str) -> list[Alert]:
        """What is new to every saved search since its last alert, with where its next run should start: the run's
        time, or earlier while a document ingested since is still being indexed (so that it is not skipped)."""
        alerts = []
        for saved in self.table.every():
            if self.paused(saved.owner):  # a disabled account's alerts wait; they resume where they stopped
                continue
            unfinished = self.table.oldest_unfinished_since(saved.last_alerted_at)
            watermark = min(run_at, unfinished) if unfinished else run_at
            try:
                matches, total = self.new_matches(saved, saved.last_alerted_at)
            except KBError as exc:  # e.g. its mode switched off since: the others still run
                alerts.append(Alert(saved, [], 0, saved.last_alerted_at, error=str(exc)))
                continue
            delivered = self.table.delivered(saved.saved_id)
            fresh = [m for m in matches if m.doc_id not in delivered]
            alerts.append(Alert(saved, fresh, total - (len(matches) - len(fresh)), watermark))
        return alerts

    def run(self, *, send: bool = True, dry_run: bool = False) -> AlertRun:
        """Every saved search's alert: one digest per owner and address, e-mailed when SMTP is set and the search
        has an address (else printed); a search moves on only when its digest was sent or printed, so a failed
        send is tried again by the next run. dry_run: nothing is sent or recorded."""
        mail = send and not dry_run and mail_configured(self.settings)
        if mail:
            check_mail_settings(self.settings)
        base_url = self.settings.public_url
        groups: dict[tuple[str, str], list[Alert]] = {}
        run = AlertRun()
        for alert in self.due(utc_now()):
            if alert.error:
                run.errors.append(alert)
                continue
            groups.setdefault((alert.saved.owner, alert.saved.email if mail else ""), []).append(alert)
        for (owner, email), alerts in groups.items():
            news = [a for a in alerts if a.matches]
            delivery = Delivery(owner, email, news, digest_text(news, base_url) if news else "")
            if not news:
                delivery.status = "nothing new"
            elif email:
                try:
                    send_message(self.settings, digest_message(news, sender=self.settings.smtp_from,
                                                               recipient=email, base_url=base_url))
                    delivery.status = "sent"
                except MailError as exc:
                    delivery.status, delivery.error = "failed", str(exc)
            if not dry_run and delivery.status != "failed":
                for alert in alerts:
                    self.table.mark_delivered(alert.saved.saved_id, [m.doc_id for m in alert.matches],
                                              alert.watermark)
            if news:
                run.deliveries.append(delivery)
        return run
