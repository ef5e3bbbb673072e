"""The integration logic: intake, export, diagnose. Flows take a store and a client; no HTTP, no SQL text."""
