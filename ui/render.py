"""Rendering helpers shared by the pages: safe text, event tables, PNG exports, empty states.

Text that comes from data or from a link (summaries, names, quotes, URL values) is never
interpreted: it goes to ``st.dataframe``/``st.text`` or through :func:`escape_md`.
"""

from __future__ import annotations

import html
import re
import threading
from collections import OrderedDict
from functools import partial

import pandas as pd
import streamlit as st

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$&=\"'^%@/])")


def escape_md(text) -> str:
    """Text that Streamlit's Markdown shows literally (no links, HTML, LaTeX or colour directives)."""
    return _MD_SPECIAL.sub(r"\\\1", str(text)).replace("\n", "  \n")


EVENT_COLUMNS = {
    "date_label": st.column_config.TextColumn("Date", width=110),
    "event_type": st.column_config.TextColumn("Type", width=110),
    "summary": st.column_config.TextColumn("Summary", width="large"),
    "actors": st.column_config.TextColumn("Actors", width="medium"),
    "place": st.column_config.TextColumn("Place", width="small"),
    "sources": st.column_config.TextColumn("Sources", width="medium"),
    "evidence": st.column_config.TextColumn("Evidence", width="large"),
}
COMPACT_COLUMNS = ("date_label", "event_type", "summary", "actors", "place", "sources")
MAX_CARDS = 25


def text_color_on(background: str) -> str:
    """Black or white, whichever reads better on a background colour (WCAG relative luminance)."""
    rgb = [int(background.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    luminance = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    return "#000000" if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "#FFFFFF"


def type_cell_style(type_colors: dict[str, str] | None):
    """A pandas Styler function: an event type's cell in its colour, with readable text."""
    def style(value):
        color = (type_colors or {}).get(value)
        return f"background-color: {color}; color: {text_color_on(color)}; font-weight: 700" if color else ""
    return style


def event_table(events: pd.DataFrame, columns=COMPACT_COLUMNS, key: str | None = None, selectable: bool = False,
                height: int | str = "auto", type_colors: dict[str, str] | None = None):
    """A read-only table of events (text only); with ``selectable`` returns the selection state."""
    shown = events[[c for c in columns if c in events.columns]].reset_index(drop=True)
    data = shown.style.map(type_cell_style(type_colors), subset=["event_type"]) if "event_type" in shown else shown
    options = {"on_select": "rerun", "selection_mode": "single-row"} if selectable else {}
    return st.dataframe(
        data, hide_index=True, width="stretch", height=height, key=key,
        column_config={c: EVENT_COLUMNS[c] for c in shown.columns if c in EVENT_COLUMNS}, **options,
    )


def _card(row: dict, type_colors: dict[str, str]) -> str:
    color = type_colors.get(row.get("event_type"), "#BBBBBB")
    where = row.get("place")
    where = "" if where is None or (isinstance(where, float) and pd.isna(where)) else f" · {html.escape(str(where))}"
    who = " — ".join(html.escape(str(row[c])) for c in ("actors", "sources") if row.get(c))
    return (
        f'<div style="border-left:6px solid {color};padding:4px 10px;margin:0 0 8px 0;background:#F7F8FA">'
        f'<div style="font-size:0.85rem;color:#333"><b>{html.escape(str(row.get("date_label", "")))}</b> · '
        f'<span style="background:{color};color:{text_color_on(color)};padding:0 6px;border-radius:4px;'
        f'font-weight:700">{html.escape(str(row.get("event_type", "")))}</span>{where}</div>'
        f'<div style="font-size:1rem;line-height:1.35">{html.escape(str(row.get("summary", "")))}</div>'
        + (f'<div style="font-size:0.8rem;color:#555">{who}</div>' if who else "")
        + "</div>"
    )


def event_list(events: pd.DataFrame, type_colors: dict[str, str], key: str | None = None) -> None:
    """A short list of events as readable cards (every data value HTML-escaped); a table when long."""
    if events.empty:
        empty("No events to list.")
    elif len(events) > MAX_CARDS:
        event_table(events, key=key, type_colors=type_colors, height=400)
    else:
        st.html("".join(_card(row, type_colors) for row in events.to_dict("records")))


def event_details(row: pd.Series) -> None:
    """One event in full, as plain text: what, when, where, who, and the evidence per source."""
    st.text(f"{row['date_label']} · {row['event_type']} · {row.get('place') or 'place unknown'}")
    st.text(str(row["summary"]))
    if row.get("actors"):
        st.text("Actors: " + str(row["actors"]))
    if row.get("sources"):
        st.text("Sources: " + str(row["sources"]))
    if row.get("evidence"):
        st.text("Evidence:\n" + str(row["evidence"]))


def empty(message: str) -> None:
    """An empty result said in words, instead of empty axes."""
    st.info(message, icon=":material/search_off:")


class _LRU:
    """A small thread-safe cache for rendered PNGs (downloads run outside the script thread)."""

    def __init__(self, size: int = 32):
        self.size, self.items, self.lock = size, OrderedDict(), threading.Lock()

    def get_or_make(self, key, make):
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        value = make()
        with self.lock:
            self.items[key] = value
            while len(self.items) > self.size:
                self.items.popitem(last=False)
        return value


_PNGS = _LRU()


def _render_png(key: tuple, fig, width: int, height: int) -> bytes:
    from analysis.figures import figure_png

    return _PNGS.get_or_make(key, lambda: figure_png(fig, width, height))


def png_button(fig, name: str, cache_key: tuple, width: int = 1600, height: int = 900) -> None:
    """A 'PNG for slides' button; the image is rendered only when clicked, and cached."""
    st.download_button(
        "PNG for slides", data=partial(_render_png, (name, *cache_key, width, height), fig, width, height),
        file_name=f"{name}.png", mime="image/png", on_click="ignore", key=f"png_{name}",
        icon=":material/download:", help="Renders this chart as an image for a slide.",
    )


_EXPORTS = _LRU(size=8)
MAX_EXPORT = 50_000


def _export(view, fmt: str) -> str:
    from analysis.queries import export_records, records_to_csv, records_to_json

    def make():
        records = export_records(view.store, view.filters)
        return records_to_csv(records) if fmt == "csv" else records_to_json(records)

    return _EXPORTS.get_or_make((view.store.path, view.version, view.filters, fmt), make)


def export_buttons(view, count: int, name: str = "events") -> None:
    """CSV and JSON downloads of exactly the filtered events, built when clicked."""
    if count > MAX_EXPORT:
        st.info(
            f"{count:,} events are too many to download from the page (the limit is {MAX_EXPORT:,}). "
            "Narrow the filters, or export them all with the command line: `python -m analysis export`.",
            icon=":material/download:",
        )
        return
    left, right, _ = st.columns([1, 1, 3])
    left.download_button(
        f"CSV ({count:,} events)", data=partial(_export, view, "csv"), file_name=f"{name}.csv", mime="text/csv",
        on_click="ignore", icon=":material/download:", key="export_csv", width="stretch",
    )
    right.download_button(
        f"JSON ({count:,} events)", data=partial(_export, view, "json"), file_name=f"{name}.json",
        mime="application/json", on_click="ignore", icon=":material/download:", key="export_json", width="stretch",
    )



def legend(items: list[tuple[str, str]]) -> None:
    """A one-line colour key: (label, hex colour) pairs, labels HTML-escaped."""
    st.html(
        '<div style="font-size:0.9rem;color:#333;line-height:1.9">' + " ".join(
            f'<span style="white-space:nowrap;margin-right:14px"><span style="display:inline-block;width:22px;'
            f'height:6px;border-radius:3px;vertical-align:middle;background:{color}"></span> '
            f'{html.escape(label)}</span>'
            for label, color in items
        ) + "</div>"
    )
