"""Maatwerk."""
