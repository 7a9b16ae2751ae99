"""Re-consent fixtures: a copy of documents/ to publish new versions from, and a way to publish one."""

from __future__ import annotations

import re
import shutil

import pytest
from sqlalchemy import func, select

from app import documents as docs
from app.extensions import db
from app.models import AuditEvent, Consent, ConsentCampaign, ConsentMessage, ConsentRequest, Outbox

NEW_PARAGRAPH = {"en": "We also commit to publishing every budget to the whole membership.",
                 "es": "También nos comprometemos a publicar cada presupuesto ante toda la membresía."}
NOTE = {"en": "We added a commitment to publish the budget, because members asked for it.",
        "es": "Añadimos el compromiso de publicar el presupuesto, porque las integrantes lo pidieron."}


class Publisher:
    def __init__(self, folder):
        self.folder = folder

    def new_version(self, kind: str = "unity", *, reconsent: bool = True, languages=("en", "es"), text=None):
        """Write the next version of kind's files (a paragraph added) and sync the folder."""
        for language in languages:
            path = self.folder / f"{kind}.{language}.md"
            raw = path.read_text(encoding="utf-8")
            version = int(re.search(r"^version: (\d+)$", raw, re.M).group(1)) + 1
            raw = re.sub(r"^version: \d+$", f"version: {version}", raw, count=1, flags=re.M)
            raw = re.sub(r"^(reconsent|change_note): .*\n", "", raw, flags=re.M)
            head = f"reconsent: {'true' if reconsent else 'false'}\n"
            if reconsent:
                head += f"change_note: {NOTE[language]}\n"
            raw = raw.replace("\n---\n", "\n" + head + "---\n", 1)
            addition = text[language] if text else NEW_PARAGRAPH[language]
            path.write_text(raw + f"\n{addition}\n", encoding="utf-8")
        return docs.sync(self.folder)

    def sync(self):
        return docs.sync(self.folder)


@pytest.fixture
def publisher(app, tmp_path, documents):
    folder = tmp_path / "documents"
    shutil.copytree(docs.DOCUMENTS_DIR, folder)
    return Publisher(folder)


def counts() -> dict:
    """Rows of everything a campaign writes, to show that something changed nothing."""
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (ConsentCampaign, ConsentRequest, ConsentMessage, Consent, Outbox, AuditEvent)}
