"""Connections, table definitions and migrations. No domain logic lives here."""
