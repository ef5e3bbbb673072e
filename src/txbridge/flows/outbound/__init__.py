"""The outbound engine: everything that writes documents to Tripletex in batches, written once.

``context`` (one run: store, client, rate-limit and outage waits, log, progress), ``lease`` (one
export of a batch at a time), ``kind`` (what a kind of document plugs in), ``kinds/`` (invoices,
hours, day sales). The public entry for callers stays :mod:`txbridge.flows.export`.
"""
