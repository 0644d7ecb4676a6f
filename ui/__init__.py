"""Streamlit-only helpers shared by the pages: page setup and filter panel, URL state,
the cached store handle and rendering helpers. Logic lives in ``analysis``, not here."""

from ui.render import (
    empty,
    escape_md,
    event_details,
    event_list,
    event_table,
    export_buttons,
    legend,
    png_button,
)
from ui.state import View, set_view_text, start_page, view_choice, view_text
from ui.store import get_store

__all__ = ["View", "empty", "escape_md", "event_details", "event_list", "event_table", "export_buttons",
           "get_store", "legend", "png_button", "set_view_text", "start_page", "view_choice", "view_text"]
