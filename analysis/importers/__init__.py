"""Importers for outside event datasets: ACLED exports and GDELT event files.

Each importer reads one file at a time in chunks, turns its rows into the project's tables
(events, actors, places, sources and the links between them) and hands them to
``analysis.store.imports``, which writes one file per transaction. Every input row ends
up counted as imported, replaced, unchanged, older, merged, skipped or rejected.
"""
