"""Add articles: paste or upload news, review the events found, and store the accepted ones.

Changing data is for editors only: the page is off unless ``EDITING_ENABLED=1`` is set in
the environment or ``editing_enabled = true`` in the secrets (sign-in comes with hosting).
The pipeline and the review logic live in ``analysis.ingest``; this page only lays them out.
"""

import os

import streamlit as st

import ui
from analysis.ingest import MAX_BYTES, IngestError, commit_batch, prepare_batch
from analysis.ingest.review import apply_review, counted, merge_options, review_frame
from analysis.schema import DATE_PRECISIONS, EVENT_TYPES
from analysis.store.ingest import event_choices

BATCH_KEY = "ingest_batch"
DONE_KEY = "ingest_done"


def editing_enabled() -> bool:
    if os.environ.get("EDITING_ENABLED", "").strip().lower() in ("1", "true", "yes"):
        return True
    try:
        return st.secrets.load_if_toml_exists() and bool(st.secrets.get("editing_enabled", False))
    except Exception:  # a malformed secrets file must not break the page; editing simply stays off
        return False


view = ui.start_page("Add articles", ":material/post_add:")
if not editing_enabled():
    st.info(
        "Adding articles changes the shared dataset, so it is for editors only and is switched off here. "
        "An administrator can switch it on with the environment variable `EDITING_ENABLED=1` or "
        "`editing_enabled = true` in `.streamlit/secrets.toml`; sign-in will come with hosting.",
        icon=":material/lock:",
    )
    st.stop()

store = ui.get_store()
if st.session_state.get(DONE_KEY):
    st.success(st.session_state.pop(DONE_KEY), icon=":material/check_circle:")

st.markdown("Paste an article or upload files. The events found are only proposals: check each one, "
            "then store the ones you accept. Every stored event keeps its evidence sentence and source.")
text_col, meta_col = st.columns([3, 2])
with text_col:
    pasted = st.text_area("Article text", height=200, key="ingest_text",
                          placeholder="Paste the text of a news article here")
with meta_col:
    uploads = st.file_uploader("Or upload articles (.txt, .html)", type=["txt", "html", "htm"],
                               accept_multiple_files=True, key="ingest_files", max_upload_size=MAX_BYTES // 2**20)
    published = st.date_input("Publication date (only if the article states none)", value=None, key="ingest_published")
    outlet = st.text_input("Outlet", key="ingest_outlet", placeholder="e.g. AFP")

if st.button("Find events", type="primary", icon=":material/search:"):
    items = [(f.name, f.getvalue()) for f in uploads or []]
    if pasted.strip():
        items.insert(0, ("pasted text.txt", pasted.encode("utf-8")))
    if not items:
        st.warning("Paste an article or upload a file first.", icon=":material/warning:")
    else:
        with st.spinner("Reading the articles …"):
            st.session_state[BATCH_KEY] = prepare_batch(store, items, published=published, outlet=outlet.strip())

unknown = store.unknown_names()
if len(unknown):
    with st.expander(f"Names met in stored articles that the dataset does not know ({len(unknown)})",
                     icon=":material/person_search:"):
        st.caption("Kept for review: add the real ones as actors or aliases of known actors (data/actors.csv).")
        st.dataframe(unknown[["name", "label", "document", "context", "seen_at"]], hide_index=True,
                     column_config={"name": "Name", "label": "Looks like", "document": "Article",
                                    "context": st.column_config.TextColumn("Sentence", width="large"),
                                    "seen_at": st.column_config.DatetimeColumn("Seen", format="YYYY-MM-DD HH:mm")})

batch = st.session_state.get(BATCH_KEY)
if batch is None:
    st.stop()
for error in batch.errors:
    st.error(error, icon=":material/block:")
for note in batch.notes:
    st.warning(note, icon=":material/info:")
if not batch.candidates:
    ui.empty("No event was found in these articles. Nothing to review.")
    st.stop()

choices = event_choices(store)
labels = {row.event_id: f"{row.event_id} · {row.date} · {row.event_type} · {str(row.summary)[:60]}"
          for row in choices.itertuples()}
for cand in batch.candidates:
    if cand.merge_into and not cand.merge_into.startswith("batch:"):
        labels.setdefault(cand.merge_into, cand.merge_into)
frame = review_frame(batch)
st.subheader(f"{len(frame)} candidate events", anchor=False)
st.caption("Decision: add as a new event, merge into a stored event or an earlier candidate (adds this "
           "article as a source), or reject. Actors are separated by semicolons.")
edited = st.data_editor(
    frame, key="ingest_review", hide_index=True, num_rows="fixed", height=min(420, 36 * (len(frame) + 1) + 3),
    disabled=["dated_by", "placed_by", "evidence", "trigger", "confidence", "document"],
    column_order=["decision", "event_type", "date", "precision", "dated_by", "actors", "place", "placed_by",
                  "evidence", "merge_into", "summary", "confidence", "trigger", "document"],
    column_config={
        "decision": st.column_config.SelectboxColumn("Decision", options=["add", "merge", "reject"], required=True,
                                                     width=90),
        "merge_into": st.column_config.SelectboxColumn("Merge into", options=merge_options(batch, list(labels)),
                                                       format_func=lambda v: labels.get(v, v), width="medium"),
        "event_type": st.column_config.SelectboxColumn("Type", options=list(EVENT_TYPES), required=True, width="small"),
        "date": st.column_config.DateColumn("Date", format="YYYY-MM-DD", width=100),
        "precision": st.column_config.SelectboxColumn("Precision", options=list(DATE_PRECISIONS), required=True,
                                                      width=90),
        "dated_by": st.column_config.TextColumn(
            "Dated by", width="medium",
            help="How the date was found: stated in the sentence, counted from the report's date, or only the "
                 "month of the report when the sentence gives none. Check those last ones first."),
        "actors": st.column_config.TextColumn("Actors", width="medium"),
        "place": st.column_config.TextColumn("Place", width="small"),
        "placed_by": st.column_config.TextColumn(
            "Placed by", width="medium",
            help="How the place was found: named in the sentence, or taken from elsewhere (the host's capital, "
                 "the dateline, the country of the acting government) when the sentence names none."),
        "summary": st.column_config.TextColumn("Summary", width="medium"),
        "evidence": st.column_config.TextColumn("Evidence (from the article)", width="large"),
        "confidence": st.column_config.ProgressColumn("Confidence", min_value=0.0, max_value=1.0, format="%.2f",
                                                      width="small"),
        "trigger": st.column_config.TextColumn("Trigger", width="small"),
        "document": st.column_config.TextColumn("Article", width="small"),
    },
)
accepted = int((edited["decision"] != "reject").sum())
store_col, clear_col = st.columns([1, 4])
if clear_col.button("Discard these candidates", icon=":material/delete:"):
    st.session_state.pop(BATCH_KEY, None)
    st.rerun()
store_label = f"Store {accepted} event" if accepted == 1 else f"Store {accepted} events"
if store_col.button(store_label, type="primary", icon=":material/save:", disabled=not accepted):
    problems = apply_review(batch, edited, set(labels))
    if problems:
        st.error("Fix these first: " + "; ".join(problems), icon=":material/error:")
        st.stop()
    try:
        counts = commit_batch(store, batch)
    except IngestError as exc:
        st.error(str(exc), icon=":material/error:")
        st.stop()
    except Exception as exc:  # a failed write is rolled back; say so instead of showing a traceback
        st.error(f"Nothing was stored: the write failed and was undone ({exc}).", icon=":material/error:")
        st.stop()
    st.session_state.pop(BATCH_KEY, None)
    st.session_state[DONE_KEY] = (
        f"Stored {counted(counts['new'], 'new event')} and added {counted(counts['merged'], 'source')} to known "
        f"events ({counted(counts['actors'], 'new actor')}; {counted(counts['unknown_names'], 'name')} kept for "
        "review)."
    )
    st.rerun()
