"""The cooperative's documents: read documents/*.md, publish changed texts as new versions, render them.

Front matter: kind, version, language, title, effective, and optionally `reconsent: true|false` (a change
of meaning that asks every member again; default false, e.g. a typo fix) with `change_note:` (what
changed and why, one line in the file's language; required when reconsent is true). Areas that act on a
publication (re-consent campaigns) register with `on_published(app, fn)`; `sync` calls them after its
commit with the versions it added, also when it added none, so that unfinished work resumes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import markdown
from flask import Flask, current_app
from markupsafe import Markup
from sqlalchemy import func, select

from app.extensions import db
from app.hashing import sha256_hex
from app.i18n import LANGUAGES
from app.models import DOCUMENT_KINDS, DocumentVersion

DOCUMENTS_DIR = Path(__file__).resolve().parent.parent / "documents"
EXTENSION = "alta_document_published_hooks"
MAX_CHANGE_NOTE = 1000


class DocumentError(ValueError):
    pass


@dataclass(frozen=True)
class DocumentFile:
    path: Path
    kind: str
    version: int
    language: str
    title: str
    effective: date
    body: str
    reconsent: bool = False
    change_note: str | None = None

    @property
    def sha256(self) -> str:
        return sha256_hex(self.body)


def parse(path: Path) -> DocumentFile:
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        raise DocumentError(f"{path}: no front matter")
    head, sep, body = text[4:].partition("\n---\n")
    if not sep:
        raise DocumentError(f"{path}: front matter is not closed with ---")
    meta = {}
    for line in head.splitlines():
        key, colon, value = line.partition(":")
        if colon:
            meta[key.strip()] = value.strip()
    reconsent = meta.get("reconsent", "false").lower()
    if reconsent not in ("true", "false"):
        raise DocumentError(f"{path}: reconsent must be true or false, not {reconsent!r}")
    note = meta.get("change_note") or None
    if reconsent == "true" and not note:
        raise DocumentError(f"{path}: a version that requires re-consent needs a change_note (what changed, why)")
    if note and len(note) > MAX_CHANGE_NOTE:
        raise DocumentError(f"{path}: change_note is longer than {MAX_CHANGE_NOTE} characters")
    try:
        doc = DocumentFile(path, meta["kind"], int(meta["version"]), meta["language"], meta["title"],
                           date.fromisoformat(meta["effective"]), body.strip("\n") + "\n",
                           reconsent == "true", note)
    except (KeyError, ValueError) as exc:
        raise DocumentError(f"{path}: bad or missing front matter field: {exc}") from exc
    if doc.kind not in DOCUMENT_KINDS or doc.language not in LANGUAGES:
        raise DocumentError(f"{path}: kind must be one of {DOCUMENT_KINDS}, language one of {LANGUAGES}")
    return doc


def sync(directory: Path = DOCUMENTS_DIR) -> list[DocumentVersion]:
    """Publish every file whose text differs from its latest version; returns the versions added."""
    files = [parse(p) for p in sorted(directory.glob("*.md"))]
    added = []
    for doc in files:
        latest = db.session.scalars(
            select(DocumentVersion)
            .where(DocumentVersion.kind == doc.kind, DocumentVersion.language == doc.language)
            .order_by(DocumentVersion.version.desc())
            .limit(1)
        ).first()
        if latest and latest.sha256 == doc.sha256 and latest.title == doc.title:
            continue
        version = max(doc.version, latest.version + 1) if latest else doc.version
        row = DocumentVersion(kind=doc.kind, version=version, language=doc.language, title=doc.title,
                              body=doc.body, sha256=doc.sha256, effective_at=doc.effective,
                              reconsent=doc.reconsent, change_note=doc.change_note)
        db.session.add(row)
        added.append(row)
    db.session.commit()
    for hook in current_app.extensions.get(EXTENSION, []):
        hook(added)
    return added


def on_published(app: Flask, hook: Callable[[list[DocumentVersion]], None]) -> None:
    """Call hook(added_versions) after every sync (an area's init_app registers it)."""
    app.extensions.setdefault(EXTENSION, []).append(hook)


def current(kind: str, language: str) -> DocumentVersion | None:
    """The newest published version of a document in a language."""
    return db.session.scalars(
        select(DocumentVersion)
        .where(DocumentVersion.kind == kind, DocumentVersion.language == language)
        .order_by(DocumentVersion.version.desc())
        .limit(1)
    ).first()


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(DocumentVersion)) or 0


def render(body: str) -> Markup:
    """Markdown to HTML. Raw HTML in a document is escaped, never passed through."""
    md = markdown.Markdown(extensions=["sane_lists"], output_format="html")
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return Markup(md.convert(body))  # noqa: S704 - escaped: raw HTML handling is removed above
