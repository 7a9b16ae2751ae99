"""The wizard's forms. Every text field has a maximum length, so huge input gets a message, not a 500."""

from __future__ import annotations

from functools import lru_cache

from babel import Locale
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional, ValidationError

from app import regions
from app.fields import MultiCheckboxField, WholeNumberField, plain_text, single_line
from app.i18n import current_language
from app.onboarding import labels, validation

MAX_MAILBOXES = 3
# CLDR territory codes that are groupings or placeholders, not countries.
NOT_COUNTRIES = frozenset({"ZZ", "XX", "EU", "UN", "EZ", "QO", "XA", "XB"})


_single_line = single_line


def country_choices() -> list[tuple[str, str]]:
    return _countries(current_language())


@lru_cache(maxsize=8)
def _countries(language: str) -> list[tuple[str, str]]:
    """ISO 3166 countries named in the page's language, Mexico and the United States first (CLDR data,
    the same for every request: cached per language)."""
    territories = Locale.parse(language).territories
    codes = sorted((c for c in territories if len(c) == 2 and c.isalpha() and c not in NOT_COUNTRIES),
                   key=lambda c: territories[c])
    first = ["MX", "US"]
    return [("", _l("Choose a country"))] + [(c, territories[c]) for c in first + [c for c in codes
                                                                                  if c not in first]]


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def country_name(code: str | None) -> str:
    return Locale.parse(current_language()).territories.get(code or "", code or "")


class RegionField(StringField):
    """A region typed as text (name or code), kept as its ISO 3166-2 code once the form is valid: the box
    shows what the person typed when the form comes back with an error, and the saved region's name in
    the page's language otherwise."""

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return regions.name(self.data) if self.data else ""


REGION_ERRORS = {
    "unknown": _l("Enter a state or region of %(country)s by its name or code, or leave it empty"),
    "other_country": _l("%(region)s is in %(other)s, not in %(country)s. Check the country or the region"),
}


def check_region(form) -> bool:
    """The typed region must be one of the chosen country's: on success the field holds its code (or None)."""
    field = form.region
    typed = (field.data or "").strip()
    if not typed:
        field.data = None
        return True
    if field.errors or form.country.errors or not form.country.data:
        return False  # too long, a control character, or no country to look in: that message says it
    try:
        field.data = regions.find(form.country.data, typed)
    except regions.RegionRefused as refused:
        other = refused.info.get("region", "")
        field.errors = [*field.errors, str(REGION_ERRORS[refused.code]) % {
            "country": country_name(form.country.data), "region": regions.name(other),
            "other": country_name(other[:2])}]
        return False
    return True


class StartForm(FlaskForm):
    # Stripped first: an address pasted from an email often brings a space along.
    email = StringField(_l("Email address"), filters=[_strip], validators=[
        DataRequired(_l("Enter your email address")), Length(max=254, message=_l("Use at most 254 characters")),
        Email(_l("Enter an email address like name@example.org"))])
    full_name = StringField(_l("Your full name"), validators=[
        DataRequired(_l("Enter your name")), Length(max=200, message=_l("Use at most 200 characters")),
        _single_line])
    kind = RadioField(_l("Are you joining as a person or for an organisation?"), default="individual",
                      choices=[("individual", labels.KINDS["individual"]),
                               ("organisation", labels.KINDS["organisation"])],
                      validators=[InputRequired(_l("Choose a person or an organisation"))])
    organisation_name = StringField(_l("Organisation name"), validators=[
        Optional(), Length(max=200, message=_l("Use at most 200 characters")), _single_line])
    contact_person = StringField(_l("Contact person, if not you"), validators=[
        Optional(), Length(max=200, message=_l("Use at most 200 characters")), _single_line])
    organisation_size = SelectField(_l("How many people are in the organisation?"), validators=[Optional()],
                                    choices=[("", _l("Choose a size"))] + list(labels.SIZES.items()))
    country = SelectField(_l("Country"), validators=[DataRequired(_l("Choose your country"))])
    region = RegionField(_l("State or region"), filters=[_strip], validators=[
        Optional(), Length(max=regions.MAX_TYPED, message=_l("Use at most 100 characters")), _single_line],
        render_kw={"list": "region-options"})
    language = RadioField(_l("Which language should we write to you in?"),
                          choices=[("en", "English"), ("es", "Español")],
                          validators=[InputRequired(_l("Choose a language"))])
    # Honeypot: hidden from people by CSS; bots fill every field.
    website = StringField(_l("Leave this field empty"), validators=[Optional(), Length(max=200)])
    started = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = country_choices()
        if not self.language.data:
            self.language.data = current_language()
        # Required when joining as an organisation (checked in validate): not labelled "optional".
        self.organisation_name.flags.required = True

    def validate(self, extra_validators=None) -> bool:
        # Cross-field rules live here: an Optional() field skips its inline validators when empty.
        ok = super().validate(extra_validators)
        if self.kind.data == "organisation" and not (self.organisation_name.data or "").strip():
            self.organisation_name.errors = [*self.organisation_name.errors, _l("Enter the organisation's name")]
            ok = False
        return check_region(self) and ok

    def region_options(self) -> tuple[regions.Region, ...]:
        """What the region box suggests (a datalist, no script): the chosen country's regions, or before a
        country is chosen Mexico's and the United States'."""
        if self.country.data:
            return regions.of_country(self.country.data)
        return regions.of_country("MX") + regions.of_country("US")


class LinkRequestForm(FlaskForm):
    """"Lost your link?": the address the application was made with, and the same honeypot as the start page."""
    email = StringField(_l("Email address"), filters=[_strip], validators=[
        DataRequired(_l("Enter your email address")), Length(max=254, message=_l("Use at most 254 characters")),
        Email(_l("Enter an email address like name@example.org"))])
    website = StringField(_l("Leave this field empty"), validators=[Optional(), Length(max=200)])


class ConsentForm(FlaskForm):
    document_version_id = HiddenField(validators=[DataRequired()])
    language = HiddenField(validators=[DataRequired(), Length(max=5)])
    sha256 = HiddenField(validators=[DataRequired(), Length(min=64, max=64)])
    accept = BooleanField(_l("I have read this document and I accept it"),
                          validators=[DataRequired(_l("Tick the box to accept the document, or contact us if "
                                                      "you have questions"))])


def dues_choices(kind: str) -> list[tuple[str, str]]:
    tiers = current_app.config["DUES_TIERS"].get(kind) or current_app.config["DUES_TIERS"]["individual"]
    choices = [(f"{currency}:{amount}", labels.dues_label(amount, currency))
               for currency in ("USD", "MXN") for amount in tiers.get(currency, [])]
    return choices + [("other", _l("Another amount")), ("waiver", _l("I ask for a waiver of dues"))]


class CommitmentsForm(FlaskForm):
    dues = RadioField(_l("Monthly dues"), validators=[InputRequired(_l("Choose your dues, another amount or a "
                                                                       "waiver"))])
    other_amount = DecimalField(_l("Amount a month"), places=2, validators=[Optional()],
                                render_kw={"inputmode": "decimal"})
    other_currency = SelectField(_l("Currency"), choices=[("USD", "USD"), ("MXN", "MXN")], default="USD")
    waiver_reason = TextAreaField(_l("Why do you ask for a waiver?"), validators=[
        Optional(), Length(max=1000, message=_l("Use at most 1,000 characters"))], render_kw={"maxlength": 1000})
    hours_per_month = WholeNumberField(_l("Hours of work a month"), validators=[
        InputRequired(_l("Enter how many hours a month you can give, as a number")),
        NumberRange(min=0, max=200, message=_l("Enter a number of hours from 0 to 200"))],
        render_kw={"inputmode": "numeric"})
    working_groups = MultiCheckboxField(_l("Working groups you want to join"), validators=[Optional()])
    work_reason = TextAreaField(_l("If you cannot give this now, tell us why"), validators=[
        Optional(), Length(max=1000, message=_l("Use at most 1,000 characters")), plain_text],
        render_kw={"maxlength": 1000, "rows": 3})
    movements = MultiCheckboxField(_l("Movements you are active in"), validators=[Optional()])
    movements_other = StringField(_l("Other movements or struggles"), validators=[
        Optional(), Length(max=500, message=_l("Use at most 500 characters")), _single_line])

    def __init__(self, *args, kind: str = "individual", **kwargs):
        super().__init__(*args, **kwargs)
        config = current_app.config
        self.dues.choices = dues_choices(kind)
        self.working_groups.choices = [(g, labels.label(labels.WORKING_GROUPS, g)) for g in config["WORKING_GROUPS"]]
        self.movements.choices = [(m, labels.label(labels.MOVEMENTS, m)) for m in config["MOVEMENTS"]]

    def validate(self, extra_validators=None) -> bool:
        # Cross-field rules live here: an Optional() field skips its inline validators when empty.
        ok = super().validate(extra_validators)
        problems = []
        if self.dues.data == "other":
            minimum = current_app.config["DUES_MINIMUM"].get(self.other_currency.data, 0)
            amount = self.other_amount.data
            if amount is None and not self.other_amount.errors:
                problems.append((self.other_amount, _l("Enter the amount you will pay each month")))
            elif amount is not None and (amount < minimum or amount > 100000):
                problems.append((self.other_amount, _l("Enter an amount of at least %(minimum)s %(currency)s",
                                                       minimum=minimum, currency=self.other_currency.data)))
        if self.dues.data == "waiver" and not (self.waiver_reason.data or "").strip():
            problems.append((self.waiver_reason, _l("Tell us why you ask for a waiver")))
        # What the Agreement asks, or the reason why not now (the reviewer reads it).
        if not (self.work_reason.data or "").strip():
            asked = int(current_app.config["HOURS_ASKED"])
            hours = self.hours_per_month.data
            if isinstance(hours, int) and 0 <= hours < asked and not self.hours_per_month.errors:
                problems.append((self.hours_per_month, _l(
                    "The Membership Agreement asks for at least %(hours)s hours a month. Enter %(hours)s or more, "
                    "or tell us below why you cannot now", hours=asked)))
            if not self.working_groups.data and not self.working_groups.errors:
                problems.append((self.working_groups, _l(
                    "The Membership Agreement asks every member to take part in a working group. Choose one, or "
                    "tell us below why you cannot now")))
        for field, message in problems:
            field.errors = [*field.errors, message]
        return ok and not problems


MAX_HOPES = 2000
PHONE_CHARACTERS = frozenset("0123456789 +-().")


def _phone(_form, field) -> None:
    digits = sum(ch.isdigit() for ch in field.data or "")
    if field.data and (not set(field.data) <= PHONE_CHARACTERS or not 7 <= digits <= 20):
        raise ValidationError(_l("Enter a phone number with its country code, like +52 55 1234 5678"))


class WhyForm(FlaskForm):
    """"Why you are joining": the values that move the person, their hopes, how they came, and whether they
    want a welcome conversation (required of some applicants by the WELCOME_CONVERSATION policy)."""

    values = MultiCheckboxField(_l("The values that move you to join"))
    hopes = TextAreaField(_l("What do you hope to do with the cooperative and with other members?"), validators=[
        Optional(), Length(max=MAX_HOPES, message=_l("Use at most 2,000 characters")), plain_text],
        render_kw={"maxlength": MAX_HOPES, "rows": 5})
    came_from = RadioField(_l("How did you hear about us?"),
                           validators=[InputRequired(_l("Choose how you heard about us"))])
    came_from_other = StringField(_l("Tell us how"), validators=[
        Optional(), Length(max=200, message=_l("Use at most 200 characters")), _single_line])
    wants_conversation = RadioField(_l("Would you like a welcome conversation with someone from the cooperative?"),
                                    choices=[("yes", _l("Yes, I would like to talk")),
                                             ("no", _l("Not now, thank you"))], validators=[Optional()])
    conversation_language = RadioField(_l("In which language?"), choices=[("es", "Español"), ("en", "English")],
                                       validators=[Optional()])
    conversation_medium = RadioField(_l("How would you like to talk?"), validators=[Optional()],
                                     choices=list(labels.CONVERSATION_MEDIUMS.items()))
    phone = StringField(_l("Phone number"), validators=[
        Optional(), Length(max=40, message=_l("Use at most 40 characters")), _single_line, _phone],
        render_kw={"inputmode": "tel", "autocomplete": "tel"})
    availability = StringField(_l("When are you usually free?"), validators=[
        Optional(), Length(max=500, message=_l("Use at most 500 characters")), _single_line])

    def __init__(self, *args, conversation_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        config = current_app.config
        self.conversation_required = conversation_required
        self.values.choices = [(v, labels.value_label(v)) for v in config["VALUES"]]
        self.came_from.choices = [(c, labels.label(labels.CAME_FROM, c)) for c in config["CAME_FROM"]] + [
            ("other", labels.CAME_FROM["other"])]
        if conversation_required:
            self.wants_conversation.data = "yes"  # not asked: the page says why
        # Required (at least one value), or required when a conversation is wanted (checked in validate):
        # not labelled "optional".
        for name in ("values", "conversation_language", "conversation_medium", "wants_conversation"):
            self[name].flags.required = True

    @property
    def wants(self) -> bool:
        return self.conversation_required or self.wants_conversation.data == "yes"

    def validate(self, extra_validators=None) -> bool:
        # Cross-field rules live here: an Optional() field skips its inline validators when empty.
        ok = super().validate(extra_validators)
        problems = []
        if not self.values.errors and not self.values.data:
            problems.append((self.values, _l("Choose at least one value: the one that matters most to you")))
        if self.came_from.data == "other" and not (self.came_from_other.data or "").strip():
            problems.append((self.came_from_other, _l("Tell us how you heard about us")))
        if not self.conversation_required and self.wants_conversation.data not in ("yes", "no") \
                and not self.wants_conversation.errors:
            problems.append((self.wants_conversation, _l("Choose whether you would like a welcome conversation")))
        if self.wants:
            if not self.conversation_language.data and not self.conversation_language.errors:
                problems.append((self.conversation_language, _l("Choose the language of the conversation")))
            if not self.conversation_medium.data and not self.conversation_medium.errors:
                problems.append((self.conversation_medium, _l("Choose a phone or a video call")))
            if self.conversation_medium.data == "phone" and not (self.phone.data or "").strip() \
                    and not self.phone.errors:
                problems.append((self.phone, _l("Enter the number we should call")))
        for field, message in problems:
            field.errors = [*field.errors, message]
        return ok and not problems


class MailboxForm(Form):
    local = StringField(_l("Address before the @"), validators=[
        Optional(), Length(max=64, message=_l("Use at most 64 characters"))])
    display_name = StringField(_l("Name shown to people you write to"), validators=[
        Optional(), Length(max=100, message=_l("Use at most 100 characters")), _single_line])


class ServicesForm(FlaskForm):
    """What the person asks for. The web site's domain is required when hosting is chosen (check_services)."""

    username = StringField(_l("Username"), validators=[
        DataRequired(_l("Choose a username")), Length(max=32, message=_l("Use at most 32 characters"))],
        render_kw={"autocapitalize": "none", "spellcheck": "false"})
    want_hosting = BooleanField(_l("I want a web site hosted by the cooperative"))
    hosting_domain = StringField(_l("Domain of the web site"), validators=[
        Optional(), Length(max=253, message=_l("Use at most 253 characters"))])
    want_email = BooleanField(_l("I want email addresses"))
    email_domain_choice = RadioField(_l("Which domain should the addresses use?"), default="own",
                                     choices=[("own", _l("My own domain")), ("coop", _l("The cooperative's domain"))])
    email_domain = StringField(_l("Your mail domain"), validators=[
        Optional(), Length(max=253, message=_l("Use at most 253 characters"))])
    mailboxes = FieldList(FormField(MailboxForm), min_entries=MAX_MAILBOXES, max_entries=MAX_MAILBOXES)
    want_drupal = BooleanField(_l("I want an account on the members' Drupal site"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Shown only once hosting is chosen, and then needed: not labelled "optional".
        self.hosting_domain.flags.required = True


class ResubmitForm(FlaskForm):
    reply = TextAreaField(_l("Your answer to our question"), validators=[
        Optional(), Length(max=2000, message=_l("Use at most 2,000 characters"))], render_kw={"maxlength": 2000})


class ConfirmForm(FlaskForm):
    """A form with only its CSRF token: submit, withdraw."""


def _cooperative_domains() -> tuple[str, str]:
    mail_domain = str(current_app.config["MEMBER_MAIL_DOMAIN"]).lower()
    return mail_domain, ".".join(mail_domain.split(".")[-2:])


def _own_domain(field) -> str | None:
    """Normalise a member's own domain in place; refuse the cooperative's domains."""
    try:
        ascii_name = validation.normalise_domain(field.data or "")
    except ValidationError as error:
        field.errors.append(str(error))
        return None
    mail_domain, base = _cooperative_domains()
    if ascii_name in (mail_domain, base) or ascii_name.endswith("." + base):
        field.errors.append(str(_l("That domain belongs to the cooperative. Use a domain of your own")))
        return None
    return ascii_name


def check_services(form: ServicesForm) -> dict[str, dict] | None:
    """Cross-field rules of the services page: the service requests' params, or None with errors set."""
    ok = True
    username = (form.username.data or "").strip()
    try:
        validation.check_username(username)
    except ValidationError as error:
        form.username.errors.append(str(error))
        ok = False
    requests: dict[str, dict] = {}
    hosting_domain = None
    if form.want_hosting.data:
        hosting_domain = _own_domain(form.hosting_domain)
        ok = ok and hosting_domain is not None
        if hosting_domain:
            requests["hosting"] = {"domain": hosting_domain}
    if form.want_email.data:
        if form.email_domain_choice.data == "coop":
            domain = _cooperative_domains()[0]
        elif not (form.email_domain.data or "").strip() and form.want_hosting.data:
            # Left empty on purpose: the addresses use the web site's domain, whose own error (if any) is
            # the one to fix; saying it again on this field, whose hint says to leave it empty, misleads.
            domain = hosting_domain
        else:
            domain = _own_domain(form.email_domain)
        mailboxes = _check_mailboxes(form, username, coop=form.email_domain_choice.data == "coop")
        ok = ok and domain is not None and mailboxes is not None
        if domain and mailboxes is not None:
            requests["email"] = {"domain": domain, "mailboxes": mailboxes}
    if form.want_drupal.data:
        requests["drupal"] = {"site": "members"}
    return requests if ok else None


def _check_mailboxes(form: ServicesForm, username: str, coop: bool) -> list[dict] | None:
    seen: set[str] = set()
    mailboxes = []
    ok = True
    for entry in form.mailboxes:
        local_field = entry.form.local
        local = (local_field.data or "").strip().lower()
        if not local:
            continue
        try:
            validation.check_mailbox_local(local)
            if local in seen:
                raise ValidationError(_l("You asked for this address twice. Each address can be asked for once"))
            if coop and not (local == username or local.startswith(username + ".")):
                example = (username or "ana") + ".news"
                raise ValidationError(_l("On the cooperative's domain an address starts with your username, like "
                                         "%(example)s", example=example))
        except ValidationError as error:
            local_field.errors.append(str(error))
            ok = False
            continue
        seen.add(local)
        mailboxes.append({"local": local, "display_name": (entry.form.display_name.data or "").strip()})
    if ok and not mailboxes:
        form.mailboxes.entries[0].form.local.errors.append(str(_l("Enter at least one address")))
        ok = False
    if not ok:
        # FieldList keeps the errors it found while validating; add the ones found here.
        form.mailboxes.errors = [entry.errors for entry in form.mailboxes.entries]
    return mailboxes if ok else None


def flat_errors(form) -> list[tuple[str, str]]:
    """(field id, message) for every error, nested mailbox rows included, for the error summary."""
    out = []
    for field in form:
        if field.name == "csrf_token":
            continue
        if isinstance(field, FieldList):
            for entry in field.entries:
                out.extend((sub.id, str(msg)) for sub in entry.form for msg in sub.errors)
        elif field.errors and isinstance(field.errors, (list, tuple)):
            out.extend((field.id, str(msg)) for msg in field.errors)
    return out
