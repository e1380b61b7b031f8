"""The corpus overview's charts (Vega-Lite through altair): names shown in full, never cut to fit, and years on a
time line of their own. Drawn as SVG, so that what a chart says can be read from the page (and is, by the
browser test)."""
from __future__ import annotations

from typing import Any, Mapping

import altair as alt
import pandas as pd

ROW_PX = 22  # height of one name's pair of bars
SVG = {"embedOptions": {"renderer": "svg"}}


def _long(groups: Mapping[str, Mapping[str, int]], names: Mapping[str, str]) -> pd.DataFrame:
    rows = [{"name": names.get(value, value), "measure": measure, "count": int(counts.get(measure, 0)),
             "documents": int(counts.get("documents", 0))}
            for value, counts in groups.items() for measure in ("documents", "pages")]
    return pd.DataFrame(rows, columns=["name", "measure", "count", "documents"])


def bars_by_name(groups: Mapping[str, Mapping[str, int]], names: Mapping[str, str], label: str,
                 top: int = 25) -> Any:
    """Documents and pages per name, most documents first, horizontal bars with every name in full."""
    ranked = dict(sorted(groups.items(), key=lambda item: -int(item[1].get("documents", 0)))[:top])
    frame = _long(ranked, names)
    order = list(dict.fromkeys(frame["name"]))
    return alt.Chart(frame, usermeta=SVG).mark_bar().encode(
        y=alt.Y("name:N", sort=order, title=label, axis=alt.Axis(labelLimit=0, labelOverlap=False)),
        x=alt.X("count:Q", title="documents and pages"),
        yOffset=alt.YOffset("measure:N", sort=["documents", "pages"]),
        color=alt.Color("measure:N", title=None, sort=["documents", "pages"]),
        tooltip=[alt.Tooltip("name:N", title=label), "measure:N", "count:Q"],
    ).properties(height=max(120, ROW_PX * len(order)))


def bars_by_year(groups: Mapping[str, Mapping[str, int]]) -> tuple[Any, int]:
    """Documents and pages per year on a time line (upright bars, years in order), and how many documents have
    no year (left out of the time line rather than drawn as a year called "unknown")."""
    years = {value: counts for value, counts in groups.items() if str(value).isdigit()}
    undated = sum(int(c.get("documents", 0)) for v, c in groups.items() if not str(v).isdigit())
    frame = _long(dict(sorted(years.items())), {})
    chart = alt.Chart(frame, usermeta=SVG).mark_bar().encode(
        x=alt.X("name:O", title="Year", axis=alt.Axis(labelAngle=0, labelLimit=0, labelOverlap="greedy")),
        xOffset=alt.XOffset("measure:N", sort=["documents", "pages"]),
        y=alt.Y("count:Q", title="documents and pages"),
        color=alt.Color("measure:N", title=None, sort=["documents", "pages"]),
        tooltip=[alt.Tooltip("name:O", title="Year"), "measure:N", "count:Q"],
    ).properties(height=260)
    return chart, undated
