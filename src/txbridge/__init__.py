"""Tripletex Bridge: connects a business system to Tripletex so nothing is registered twice."""

__version__ = "0.1.0"
