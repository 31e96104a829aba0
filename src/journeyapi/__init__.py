"""journeyapi: a self-hosted Genesys Cloud Journey API and a Python client for it."""

__version__ = "0.1.0"
