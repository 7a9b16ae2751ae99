"""/community/: browse opted-in profiles, edit one's own, write to a member, report a message.

Members only (the portal's member_required). A profile id in a URL reaches only a visible profile; a
message id only the recipient's own message: anything else is a 404, whoever asks.
"""

from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app import params
from app.community import bp, groups, introductions, services
from app.community.forms import ContactForm, MembershipForm, ProfileForm, ReportForm
from app.extensions import limiter
from app.i18n import LANGUAGES
from app.leadership.suppression import display
from app.portal.forms import SignOutForm
from app.portal.services import current_commitments
from app.portal.sessions import member_required

CONTACT_MESSAGES = {
    "not_found": lambda: _("This member cannot be written to through alta."),
    "blocked": lambda: _("This member does not want more messages from you."),
    "too_many": lambda: _("You have sent as many messages as a day allows. Try again tomorrow."),
}


def _search() -> services.Search:
    """The browse filters, through the one parsing layer: anything else is a 400 naming the parameter."""
    args, config = request.args, current_app.config
    return services.Search(movement=params.choice(args.get("movement"), "movement", config["MOVEMENTS"]),
                           working_group=params.choice(args.get("working_group"), "working_group",
                                                       config["WORKING_GROUPS"]),
                           language=params.choice(args.get("language"), "language", LANGUAGES),
                           region=params.text(args.get("region"), "region", 100) or None,
                           after=params.cursor(args.get("after"), "after"))


@bp.get("/")
@member_required
def browse():
    search = _search()
    profiles, next_after = services.browse(g.member, search)
    own = services.own_profile(g.member)
    suggested = introductions.suggestions(own) if own is not None and own.visible else []
    return render_template("community/browse.html", profiles=profiles, search=search, next_after=next_after,
                           own=own, suggested=suggested, sign_out_form=SignOutForm())


@bp.route("/profile", methods=["GET", "POST"])
@member_required
def profile():
    member = g.member
    own = services.own_profile(member)
    if request.method == "GET":
        if own is not None:
            form = ProfileForm(obj=own)
        else:
            # A first profile starts from what the member already told us (nothing is shown until they opt in).
            now = current_commitments(member)
            form = ProfileForm(data={"display_name": member.application.display_name,
                                     "languages": list(member.languages or []), "movements": now.movements,
                                     "working_groups": now.working_groups})
    else:
        form = ProfileForm()
    if form.validate_on_submit():
        was_introduced = bool(own and own.visible and own.introductions)
        saved = services.save_profile(
            member, visible=form.visible.data, contactable=form.contactable.data and form.visible.data,
            introductions=form.introductions.data and form.visible.data,
            display_name=form.display_name.data.strip(), pronouns=(form.pronouns.data or "").strip() or None,
            region=(form.region.data or "").strip() or None, languages=list(form.languages.data or []),
            movements=list(form.movements.data or []), working_groups=list(form.working_groups.data or []),
            about_en=(form.about_en.data or "").strip() or None, about_es=(form.about_es.data or "").strip() or None)
        if saved.visible and saved.introductions and not was_introduced:
            introductions.introduce(saved)
        flash(_("Your profile is saved. Other members see it.") if form.visible.data
              else _("Your profile is saved. Nobody else sees it until you choose to show it."), "success")
        return redirect(url_for("community.profile"), 303)
    status = 400 if form.errors else 200
    return render_template("community/profile.html", form=form, sign_out_form=SignOutForm()), status


@bp.route("/members/<int:profile_id>/write", methods=["GET", "POST"])
@member_required
@limiter.limit("20 per hour", methods=["POST"], scope="community-write")
def write(profile_id: int):
    profile = services.visible_profile(profile_id)
    if profile is None or not profile.contactable or profile.member_id == g.member.id:
        abort(404)
    form = ContactForm()
    if form.validate_on_submit():
        try:
            services.send_message(g.member, profile_id, form.body.data)
        except services.ContactRefused as refused:
            wording = CONTACT_MESSAGES.get(refused.code)
            form.body.errors = [wording() if wording else _("That did not work. Try again.")]
            return render_template("community/write.html", form=form, profile=profile,
                                   sign_out_form=SignOutForm()), 400
        flash(_("Your message is on its way. If they answer, their reply comes to your email."), "success")
        return redirect(url_for("community.browse"), 303)
    status = 400 if form.errors else 200
    return render_template("community/write.html", form=form, profile=profile, sign_out_form=SignOutForm()), status


@bp.route("/messages/<int:message_id>/report", methods=["GET", "POST"])
@member_required
def report(message_id: int):
    message = services.received(g.member, message_id)
    if message is None:
        abort(404)
    form = ReportForm()
    if form.validate_on_submit():
        services.report(g.member, message_id)
        flash(_("Thank you for telling us. The support team will look at it, and this member cannot write to "
                "you again."), "success")
        return redirect(url_for("community.browse"), 303)
    return render_template("community/report.html", form=form, message=message, sign_out_form=SignOutForm())


@bp.get("/groups/")
@member_required
def group_list():
    rows = [(slug, groups.PURPOSES.get(slug, ""), groups.is_member(g.member, slug))
            for slug in current_app.config["WORKING_GROUPS"]]
    return render_template("community/groups.html", rows=rows, sign_out_form=SignOutForm())


@bp.route("/groups/<slug>", methods=["GET", "POST"])
@member_required
def group(slug: str):
    if not groups.known(slug):
        abort(404)
    member = g.member
    form = MembershipForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        joining = request.form.get("action") == "join"
        groups.set_membership(member, slug, joining)
        flash(_("You joined the group. A coordinator will write to you.") if joining
              else _("You left the group. You can join again at any time."), "success")
        return redirect(url_for("community.group", slug=slug), 303)
    coordinator = groups.is_coordinator(member, slug)
    members, hours = groups.pledged(slug)
    return render_template("community/group.html", slug=slug, purpose=groups.PURPOSES.get(slug, ""),
                           how_to=groups.HOW_TO, joined=groups.is_member(member, slug), form=form,
                           coordinators=groups.coordinator_profiles(slug), coordinator=coordinator,
                           roster=groups.roster(slug) if coordinator else None, members=display(members),
                           hours=display(hours),
                           sign_out_form=SignOutForm())
