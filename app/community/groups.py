"""Working groups: what each is for, who coordinates it, how to take part, joining and leaving.

A member is in a group when their current commitments name it (app/portal/services.py), so joining here
and ticking the group on the commitments page are one fact. A coordinator (ALTA_WORKING_GROUP_COORDINATORS:
group → member uids) sees the group's roster: only members who show a community profile naming the group,
and the hours the whole group pledged, rounded.
"""

from __future__ import annotations

from dataclasses import replace

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.leadership import queries
from app.leadership.suppression import Cell, protect, rounded
from app.models import CommunityProfile, Member, MemberState
from app.portal import services as portal

PURPOSES = {
    "infrastructure": _l("Keeps the cooperative's servers, backups and networks running, and plans what comes next."),
    "support": _l("Answers members' questions, reviews applications and welcomes new members."),
    "education": _l("Prepares workshops and materials on technology, privacy and the commons for movements."),
    "outreach": _l("Tells movements about the cooperative and brings new members in."),
    "translation": _l("Translates and interprets between English and Spanish, so that everyone takes part."),
    "governance": _l("Prepares assemblies, keeps the cooperative's documents and follows its agreements."),
}
HOW_TO = _l("Join here and a coordinator will write to you with the next meeting. Meetings are online, in "
            "English and Spanish, once or twice a month.")


def known(slug: str) -> bool:
    return slug in current_app.config["WORKING_GROUPS"]


def coordinators(slug: str) -> list[str]:
    return list(current_app.config["WORKING_GROUP_COORDINATORS"].get(slug, []))


def is_coordinator(member: Member, slug: str) -> bool:
    return member.uid in coordinators(slug)


def coordinator_profiles(slug: str) -> list[CommunityProfile]:
    """The coordinators who show a profile (the others are named by nobody)."""
    uids = coordinators(slug)
    if not uids:
        return []
    return list(db.session.scalars(
        select(CommunityProfile).join(Member, Member.id == CommunityProfile.member_id)
        .where(Member.uid.in_(uids), CommunityProfile.visible.is_(True), Member.state == MemberState.ACTIVE)))


def is_member(member: Member, slug: str) -> bool:
    return slug in portal.current_commitments(member).working_groups


def set_membership(member: Member, slug: str, present: bool) -> bool:
    """Join or leave: a new commitment row with the group added or removed (False if nothing changed)."""
    now = portal.current_commitments(member)
    groups = set(now.working_groups)
    groups = groups | {slug} if present else groups - {slug}
    return portal.update_commitments(member, replace(now, working_groups=sorted(groups)))


def roster(slug: str) -> list[CommunityProfile]:
    profiles = db.session.scalars(
        select(CommunityProfile).join(Member, Member.id == CommunityProfile.member_id)
        .where(CommunityProfile.visible.is_(True), Member.state == MemberState.ACTIVE)
        .order_by(CommunityProfile.display_name))
    return [p for p in profiles if slug in (p.working_groups or [])]


def pledged(slug: str) -> tuple[Cell, Cell]:
    """How many members are in the group, and the hours a month they pledged: counted over everyone's
    current commitments, shown only as the leadership's rules allow."""
    # Counted now, not from the leadership's cache: a member who just joined is in the count at once.
    counts = queries.by_working_group.fresh(queries.Filters())
    members = protect(counts.get(slug, 0))
    if not counts.get(slug):
        return members, Cell(0)
    if members.suppressed:
        return members, Cell(None, small=True)
    return members, Cell(rounded(queries.hours_in_group(slug)))
