"""Tripletex sandbox: a local emulator of the Tripletex API v2. Shares no code with txbridge.tripletex."""
