"""Segments, customers, external contacts, sessions and segment assignments."""
