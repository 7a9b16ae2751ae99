"""Views of the join wizard: parse the form, call one service, redirect (303)."""
