"""The article pipeline's SQL: find stored events a candidate may repeat, and write a batch.

A batch (new places, actors, sources, events, their actors and sources, sources added to
stored events, and unknown names) is written in one transaction: a failure anywhere leaves
the store as it was before the batch.
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd

from analysis.store.core import EventStore, _Params


def merge_candidates(store: EventStore, event_types: list[str], date_from: dt.date, date_to: dt.date,
                     actor_ids: list[str]) -> pd.DataFrame:
    """Stored events of these types, near these dates, sharing an actor, with their place."""
    if not event_types or not actor_ids:
        return pd.DataFrame(columns=["event_id", "event_type", "date", "date_precision", "date_end", "mode",
                                     "attributes", "origin", "place_id", "place_country", "lat", "lon", "place_kind"])
    p = _Params()
    return store._df(
        f"""SELECT e.event_id, e.event_type, e.date, e.date_precision, e.date_end, e.mode, e.attributes, e.origin,
               e.place_id, pl.country AS place_country, pl.lat, pl.lon, pl.kind AS place_kind
        FROM events e LEFT JOIN places pl ON pl.place_id = e.place_id
        WHERE e.event_type IN {p.in_list('type', event_types)}
          AND COALESCE(e.date_end, e.date) >= {p.add('date_from', date_from)}
          AND e.date <= {p.add('date_to', date_to)}
          AND e.event_id IN (SELECT ea.event_id FROM event_actors ea
                             WHERE ea.actor_id IN {p.in_list('actor', actor_ids)})
        ORDER BY e.date, e.event_id""",
        p.values,
    )


def event_actor_roles(store: EventStore, event_ids: list[str]) -> pd.DataFrame:
    """(event_id, actor_id, role_in_event) of the given events."""
    if not event_ids:
        return pd.DataFrame(columns=["event_id", "actor_id", "role_in_event"])
    p = _Params()
    return store._df(
        f"SELECT event_id, actor_id, role_in_event FROM event_actors WHERE event_id IN {p.in_list('ev', event_ids)}",
        p.values,
    )


def existing_sources(store: EventStore, source_ids: list[str]) -> set[str]:
    """Which of these source ids are already stored (the same article ingested before)."""
    if not source_ids:
        return set()
    p = _Params()
    sql = f"SELECT source_id FROM sources WHERE source_id IN {p.in_list('src', source_ids)}"
    return {r[0] for r in store._rows(sql, p.values)}


def event_choices(store: EventStore, limit: int = 500) -> pd.DataFrame:
    """Recent stored events with a short label, for 'merge into' pickers."""
    return store._df(
        """SELECT event_id, date, date_precision, event_type, summary FROM events
        ORDER BY date DESC, event_id LIMIT $limit""",
        {"limit": int(limit)},
    )


def write_batch(store: EventStore, clean: dict[str, list[dict]], touched_events: list[str],
                unknown_names: list[dict], improvements: list[dict] | None = None) -> dict[str, int]:
    """Insert validated rows, update merged events and keep unknown names: all or nothing.

    ``improvements`` are finer dates or missing places for stored events that the pipeline
    itself extracted (origin 'extracted'); curated events are never changed.
    """
    cur = store.cursor()
    cur.execute("BEGIN TRANSACTION")
    try:
        now = dt.datetime.now().replace(microsecond=0)
        counts = store._insert_tables(cur, clean, now)
        for event_id in dict.fromkeys(touched_events):
            cur.execute("UPDATE events SET updated_at = $now WHERE event_id = $event_id",
                        {"now": now, "event_id": event_id})
        for change in improvements or []:
            if change.get("place_id") and change.get("place_basis"):
                # a place filled in by a later report says how it was found, like any other
                row = cur.execute("SELECT place_id, attributes FROM events WHERE event_id = $event_id "
                                  "AND origin = 'extracted'", {"event_id": change["event_id"]}).fetchone()
                if row and row[0] is None:
                    attributes = {**json.loads(row[1] or "{}"), "place_basis": change["place_basis"]}
                    cur.execute("UPDATE events SET attributes = $attributes WHERE event_id = $event_id",
                                {"attributes": json.dumps(attributes), "event_id": change["event_id"]})
            cur.execute(
                """UPDATE events SET date = $date, date_precision = $date_precision,
                       date_basis = COALESCE($date_basis, date_basis),
                       place_id = COALESCE(place_id, $place_id), updated_at = $now
                   WHERE event_id = $event_id AND origin = 'extracted'""",
                {"date": change["date"], "date_precision": change["date_precision"], "date_basis": change["date_basis"],
                 "place_id": change.get("place_id"), "now": now, "event_id": change["event_id"]},
            )
        if unknown_names:
            cur.executemany(
                "INSERT INTO unknown_names VALUES ($name, $label, $document, $context, $seen_at)",
                [{"label": None, "document": None, "context": None, **row, "seen_at": now} for row in unknown_names],
            )
            counts["unknown_names"] = len(unknown_names)
        store._refresh_touched(cur, clean, touched_events)
        cur.execute("COMMIT")
    except Exception:
        cur.execute("ROLLBACK")
        raise
    return counts
