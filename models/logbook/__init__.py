"""The duty log: the append-only logbook, quick entry, search, follow-ups, patrols and handover."""
