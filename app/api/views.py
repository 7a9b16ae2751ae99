"""Views of the read-only API."""
