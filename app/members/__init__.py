"""Members after approval: directory entries, activation (password) links, disable and re-enable."""
