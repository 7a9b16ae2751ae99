"""The layout rules of DESIGN.md that a reviewer would otherwise have to remember, checked on every run."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"
AREAS = ("onboarding", "review", "members", "console", "api", "auth", "portal", "consent", "dues", "community",
         "leadership")


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at module level or inside functions."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _violations(folder: Path, forbidden: tuple[str, ...]) -> list[str]:
    bad = []
    for path in sorted(folder.rglob("*.py")):
        for module in _imports(path):
            if module.startswith(forbidden):
                bad.append(f"{path.relative_to(ROOT)} imports {module}")
    return bad


def test_the_provisioning_engine_imports_no_area():
    assert _violations(APP / "provisioning", tuple(f"app.{area}" for area in AREAS)) == []


def test_models_import_no_area_and_no_views():
    assert _violations(APP / "models", tuple(f"app.{area}" for area in AREAS)) == []


def test_production_code_does_not_import_the_development_services():
    bad = [v for v in _violations(APP, ("app.devservices",)) if not v.startswith("app/devservices/")]
    assert bad == []


def test_the_checker_sees_an_import_inside_a_function():
    """The loop issue 11 removed was hidden in function-level imports: the checker must see those."""
    folder = APP / "provisioning"
    planted = folder / "_planted_for_test.py"
    planted.write_text("def later():\n    from app.members.entries import ensure_entries\n")
    try:
        assert _violations(folder, ("app.members",)) != []
    finally:
        planted.unlink()


def test_migration_files_sort_in_the_order_they_apply():
    files = sorted((ROOT / "migrations" / "versions").glob("*.py"))
    revisions = {}
    for path in files:
        text = path.read_text()
        assert re.match(r"^\d{4}_[a-z0-9_]+\.py$", path.name), f"{path.name}: name it NNNN_<what>.py"
        revision = re.search(r"^revision = ['\"]([^'\"]+)['\"]", text, re.M).group(1)
        down = re.search(r"^down_revision = (?:['\"]([^'\"]+)['\"]|None)", text, re.M).group(1)
        revisions[path.name] = (revision, down)
    previous = None
    for name in sorted(revisions):
        revision, down = revisions[name]
        assert down == previous, f"{name} applies after {down}, but the file before it holds {previous}"
        previous = revision
    # Databases made before the files were renamed hold these ids in alembic_version: renaming a file is
    # fine, changing its revision id would leave those databases unable to upgrade.
    assert [revisions[name][0] for name in sorted(revisions)][:5] == ["0001", "onb_1", "mem_1", "0500_1", "0200_1"]


# Errors that are not refusals of an action: bad configuration at start-up, a malformed document file, a
# directory entry whose data disagree with ours (it fails a job, naming the attribute), a malformed API query,
# something a provisioning run needs not answering (the job waits and is tried again).
NOT_REFUSALS = {"Refused", "ConfigError", "DocumentError", "EntryConflict", "Unavailable"}


def test_every_refusal_has_the_one_shape_a_code_and_details():
    """Services decline actions with app.refusals.Refused subclasses, so views, logs and tests read one shape."""
    others = []
    for path in APP.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ClassDef) and node.name not in NOT_REFUSALS:
                bases = {getattr(b, "id", getattr(b, "attr", "")) for b in node.bases}
                if bases & {"Exception", "ValueError", "RuntimeError"} and "Refused" not in bases:
                    others.append(f"{path.relative_to(ROOT)}: {node.name}")
    assert others == [], "subclass app.refusals.Refused instead: " + ", ".join(others)

    from app.auth.services import SignInRefused
    from app.members.activation import ActivationError
    from app.members.services import MemberStateError
    from app.models.states import InvalidTransition
    from app.onboarding.services import OnboardingError
    from app.params import BadParameter
    from app.provisioning.services import JobActionError
    from app.refusals import Refused
    from app.review.services import ReviewError

    for refusal in (SignInRefused, ActivationError, MemberStateError, InvalidTransition, OnboardingError,
                    JobActionError, ReviewError, BadParameter):
        assert issubclass(refusal, Refused)
    assert str(JobActionError("not_found", job=7)) == "not_found (job=7)"
