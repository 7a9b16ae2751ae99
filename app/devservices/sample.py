"""Made-up members for the development database, so that a newcomer opening /leadership/ sees a populated
view: varied countries, languages, movements, working groups, hours, join dates, and some who left.
Development only (the command checks). They have no directory entry: nobody signs in as them."""

from __future__ import annotations

import random
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    Application,
    ApplicationState,
    Commitment,
    Member,
    MemberCommitment,
    MemberState,
    Motivation,
    utcnow,
)
from app.models.members import allocate

PREFIX = "ejemplo"
COUNTRIES = ["MX"] * 8 + ["US"] * 6 + ["GT", "SV", "HN", "CO", "PR", "CA", "AR", "CL"]
# Where made-up members in Mexico and the United States live (None: they did not say).
REGIONS = {"MX": ["MX-OAX", "MX-OAX", "MX-CMX", "MX-CMX", "MX-CHP", "MX-JAL", "MX-GRO", None],
           "US": ["US-CA", "US-CA", "US-TX", "US-NY", "US-IL", "US-AZ", None]}
FIRST = ["Ana", "Luis", "Rosa", "Juan", "Itzel", "Marcos", "Ximena", "Carlos", "Dolores", "Kenji", "Amara", "Tomás"]
LAST = ["García", "Hernández", "López", "Martínez", "Smith", "Johnson", "Cruz", "Ramírez", "Nguyen", "Torres"]


def load(count: int, seed: int = 7) -> int:
    """Add made-up members until there are `count` of them; returns how many were added."""
    have = db.session.scalar(select(func.count()).select_from(Member).where(Member.uid.like(f"{PREFIX}%")))
    rng = random.Random(seed + have)
    config = current_app.config
    now = utcnow()
    added = 0
    for n in range(have, count):
        since = now - timedelta(days=rng.randint(0, 6 * 365))
        kind = "organisation" if rng.random() < 0.2 else "individual"
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        organisation = f"Colectivo {rng.choice(LAST)}" if kind == "organisation" else None
        country = rng.choice(COUNTRIES)  # drawn in the order they always were
        application = Application(
            email=f"{PREFIX}{n}@example.org", email_verified_at=since, kind=kind, full_name=name,
            organisation_name=organisation,
            # The region from its own random sequence, like the motivation below: the other fields stay as they were.
            country=country, region=random.Random(seed * 104729 + n).choice(REGIONS.get(country, [None])),
            language="es" if rng.random() < 0.6 else "en",
            movements=rng.sample(config["MOVEMENTS"], rng.randint(0, 3)), username=f"{PREFIX}{n}",
            state=ApplicationState.APPROVED, submitted_at=since, decided_at=since, decided_by="sample",
            created_at=since, updated_at=since)
        db.session.add(application)
        db.session.flush()
        db.session.add(Commitment(application_id=application.id, hours_per_month=rng.choice([0, 0, 2, 4, 4, 8, 12]),
                                  working_groups=rng.sample(config["WORKING_GROUPS"], rng.randint(0, 2)),
                                  projects=[]))
        if since > now - timedelta(days=365):
            # Asked "why you are joining" (since issue 19): only those who joined in the last year. Its own
            # random sequence, so the fields above stay what they were for an existing database.
            why = random.Random(seed * 7919 + n)
            db.session.add(Motivation(application_id=application.id,
                                      values=why.sample(config["VALUES"], why.randint(1, 4)),
                                      came_from=why.choice([*config["CAME_FROM"], "services", "member", "other"]),
                                      wants_conversation=why.random() < 0.5, created_at=since, updated_at=since))
        left = rng.random() < 0.06
        member = Member(application_id=application.id, uid=application.username,
                        uid_number=allocate(db.session, "uid_number"),
                        ldap_dn=f"uid={application.username},ou=members,{config['LDAP_BASE_DN']}",
                        member_since=since, languages=[application.language],
                        state=MemberState.LEFT if left else MemberState.ACTIVE,
                        leaves_at=now - timedelta(days=rng.randint(1, 300)) if left else None)
        db.session.add(member)
        db.session.flush()
        if rng.random() < 0.3:
            db.session.add(MemberCommitment(member_id=member.id, hours_per_month=rng.choice([1, 4, 6, 10]),
                                            working_groups=rng.sample(config["WORKING_GROUPS"], 1),
                                            movements=rng.sample(config["MOVEMENTS"], rng.randint(1, 2)),
                                            projects=[]))
        added += 1
    db.session.commit()
    return added
