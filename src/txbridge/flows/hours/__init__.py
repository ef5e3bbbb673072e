"""Hours: the host's approved hours (Svenn and other time-tracking systems) as Tripletex timesheet
entries — their state towards Tripletex (:mod:`.entries`), the mapping of the host's employees,
projects and activities to Tripletex (:mod:`.mapping`) and the never-twice marker (:mod:`.marker`).
The export itself is the outbound engine's hours kind (``flows/outbound/kinds/hours.py``)."""
