"""`kb recommendations`: the recommendations and practices the reports make, as records (text or JSON)."""
from __future__ import annotations

from typing import Any

import click

from .common import Context, emit_json, say
from ..recommendations.extraction import KINDS


@click.command()
@click.argument("query", required=False)
@click.option("--kind", type=click.Choice(KINDS), default=None, help="Only recommendations, or only practices.")
@click.option("--filter", "filters", multiple=True, metavar="FIELD=VALUE",
              help="Only records whose fields or document match (repeatable): kind, strength, addressee, topic, "
                   "language, country, organisation, year=2015..2020, doc_id, symbol, …")
@click.option("--k", "k", type=click.IntRange(1, 100000), default=None,
              help="Records to return (default: every one without a query, 10 with one).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def recommendations(obj: Context, query: str | None, kind: str | None, filters: tuple[str, ...], k: int | None,
                    as_json: bool) -> None:
    """Recommendations and practices: every one in document order, or — with a QUERY — the best by hybrid search."""
    if k is None and query:
        k = 10
    views = obj.searchable().recommendations(query, kind=kind, filters=filters, k=k)
    if not obj.kb.recommendations_current():
        say("note: some documents were indexed before this atkb extracted recommendations: run "
             "`kb reindex --recommendations`", err=True)
    if as_json:
        emit_json({"recommendations": [v.to_dict() for v in views]})
        return
    if not views:
        say("no recommendations found")
    for n, view in enumerate(views, start=1):
        _print_record(n, view.to_dict())


def _print_record(n: int, rec: dict[str, Any]) -> None:
    where = ", ".join(str(v) for v in (rec["organisation"], rec["country"], rec["year"]) if v)
    label = f"{rec['kind']}" + (f" ({rec['strength']})" if rec["strength"] else "")
    number = f"no. {rec['number']}, " if rec["number"] else ""
    say(f"{n}. [{label}] {rec['title'] or rec['source']}" + (f" ({where})" if where else "")
         + f" — {number}p. {rec['page']}  [{rec['rec_id']}]")
    if rec["addressee"]:
        say(f"   to: {rec['addressee']}")
    say(f"   {rec['text']}")
    extras = []
    if rec["topics"]:
        extras.append("topics: " + ", ".join(rec["topics"]))
    if rec["translations"]:
        extras.append("translations: " + ", ".join(rec["translations"]))
    if rec["related"]:
        extras.append(f"related: {len(rec['related'])}")
    if extras:
        say("   " + "; ".join(extras))
