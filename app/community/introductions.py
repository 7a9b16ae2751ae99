"""Introductions: members who share a movement, a working group or a language, suggested to each other.

Suggestions (up to three) are shown to a member who shows a profile; an introduction email goes to both
sides only when both opted in to introductions, and each pair is introduced once, ever. It runs when a
member turns introductions on (their profile page), so a newly activated member who opts in meets others
straight away; an introduction is audited without any profile text.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import audit, mail
from app.extensions import db
from app.models import CommunityProfile, Introduction, Member, MemberState

MAX_SUGGESTIONS = 3


def _shared(a: CommunityProfile, b: CommunityProfile) -> int:
    return (len(set(a.movements or []) & set(b.movements or [])) * 2
            + len(set(a.working_groups or []) & set(b.working_groups or [])) * 2
            + len(set(a.languages or []) & set(b.languages or [])))


def suggestions(profile: CommunityProfile, *, introductions_only: bool = False) -> list[CommunityProfile]:
    """Up to three visible profiles that share the most with this one (never the member themselves)."""
    query = (select(CommunityProfile).join(Member, Member.id == CommunityProfile.member_id)
             .where(CommunityProfile.visible.is_(True), Member.state == MemberState.ACTIVE,
                    CommunityProfile.member_id != profile.member_id))
    if introductions_only:
        query = query.where(CommunityProfile.introductions.is_(True))
    scored = [(_shared(profile, other), other.id, other) for other in db.session.scalars(query)]
    return [other for score, _id, other in sorted(scored, key=lambda t: (-t[0], t[1])) if score > 0][:MAX_SUGGESTIONS]


def introduce(profile: CommunityProfile) -> int:
    """Email introductions between this member and up to three who opted in too; returns how many pairs."""
    if not (profile.visible and profile.introductions):
        return 0
    made = 0
    for other in suggestions(profile, introductions_only=True):
        first, second = sorted((profile.member_id, other.member_id))
        try:
            with db.session.begin_nested():
                db.session.add(Introduction(first_id=first, second_id=second))
        except IntegrityError:
            continue  # introduced before: never twice
        for to, about in ((profile, other), (other, profile)):
            mail.queue("community.introduction", to_member=to.member_id, about_member=about.member_id)
        audit.record("system", "community.introduced", f"member:{first}", {"with": f"member:{second}"})
        made += 1
    db.session.commit()
    return made
