"""Accounting firms: one employee token reaching many client companies.

``clients`` (the firm connection, reachable companies, the firm's own clients and their links),
``inbound`` (customers, products and VAT types read from each linked client), ``mapping`` (statistic
fields → the firm's own fields, import settings); the statistics themselves are in ``fields`` and
``statistics``."""
