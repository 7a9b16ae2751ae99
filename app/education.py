"""The cooperative's political education material (config EDUCATION_MATERIAL), in the reader's language:
what the welcome email and the member's pages point a new member to."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app


@dataclass(frozen=True)
class Material:
    url: str
    title: str
    text: str


def material(language: str) -> list[Material]:
    """Each configured item in `language`, falling back to English where a text is missing in it; items
    without an https link or a title are left out (a typo in the configuration must not send members to
    a plain-http or empty link)."""
    out = []
    for item in current_app.config["EDUCATION_MATERIAL"]:
        if not isinstance(item, dict):
            continue
        url = str(item.get("url") or "")
        title, text = item.get("title") or {}, item.get("text") or {}
        chosen = title.get(language) or title.get("en")
        if url.startswith("https://") and chosen:
            out.append(Material(url, chosen, text.get(language) or text.get("en") or ""))
    return out
