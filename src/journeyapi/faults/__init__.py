"""Fault injection: chosen routes answer with errors, slowly, or not at all."""
