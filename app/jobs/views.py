"""Views of the sysadmin console."""
