"""Views of staff sign-in."""
