import re
from datetime import date

from werkzeug.exceptions import NotFound

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.http import request, route

from odoo.addons.fidelite_loyalty.models.fidelite_consent import CHANNELS

from .portal import FidelitePortal

MAX_NAME = 128
MAX_FIRST_NAME = 64
MAX_EMAIL = 254
MAX_PHONE = 32
MAX_CODE = 32
OLDEST_BIRTH_YEAR = 1900
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_RE = re.compile(r"^[0-9+()./\s-]*$")


class FidelitePortalProfile(FidelitePortal):
    """Personal data, household, consents per channel and referral."""

    # ------------------------------------------------------------------ helpers
    def _fidelite_stores(self, env):
        """The stores a member may choose as their own: names only (they are printed on receipts).

        ``env`` is the one the calling route raised: a member reads no till."""
        return env["pos.config"].search_read([("active", "=", True)], ["name"], order="name")

    def _fidelite_check_birthdate(self, value, errors, key):
        """The date typed, or None (with an error in ``errors`` when it is not a valid past date)."""
        if not value:
            return False
        try:
            day = fields.Date.to_date(value.strip())
        except ValueError:
            day = None
        if not day:
            errors[key] = request.env._("Type the birth date as YYYY-MM-DD.")
            return None
        if day > fields.Date.context_today(request.env.user):
            errors[key] = request.env._("A birth date cannot be in the future.")
            return None
        if day < date(OLDEST_BIRTH_YEAR, 1, 1):
            errors[key] = request.env._("This birth date is too far in the past.")
            return None
        return day

    def _fidelite_check_text(self, value, limit, errors, key, required=False):
        value = (value or "").strip()
        if required and not value:
            errors[key] = request.env._("This field is required.")
        elif len(value) > limit:
            errors[key] = request.env._("Too long: %s characters at most.", limit)
        return value

    def _fidelite_referrals(self, partner):
        """The member's referred customers: when they joined and whether the reward came (no names)."""
        return partner.env["res.partner"].search_read(
            [("fidelite_referred_by_id", "=", partner.id)],
            ["create_date", "fidelite_referral_rewarded"],
            order="create_date desc",
        )

    def _fidelite_referral_moves(self, partner):
        return request.env["fidelite.points.move"].search(
            [("card_id.partner_id", "=", partner.id), ("idempotency_key", "=like", "referral:%")], limit=50
        )

    def _fidelite_render_profile(self, errors=None, status=200, **values):
        partner = self._fidelite_partner()
        # portal route: the member's own number, code and consents, the stores' names, their
        # referees (no names) are fields or records a portal user does not read
        partner_sudo = partner.sudo()
        base_url = partner.get_base_url()
        code = partner_sudo.fidelite_referral_code
        result = self._fidelite_values(
            "fidelite_profile",
            partner=partner,
            member_number=partner_sudo.fidelite_member_number,
            birthdate=partner_sudo.birthdate,
            home_store_id=partner_sudo.fidelite_home_store_id.id,
            stores=self._fidelite_stores(partner_sudo.env),
            dependants=request.env["fidelite.dependant"].search([("partner_id", "=", partner.id)]),
            relations=request.env["fidelite.dependant"]._fields["relation"]._description_selection(request.env),
            channels=[(channel, label, partner_sudo[f"fidelite_consent_{channel}"]) for channel, label in CHANNELS],
            channel_labels=dict(request.env["fidelite.consent"]._fields["channel"]._description_selection(request.env)),
            source_labels=dict(request.env["fidelite.consent"]._fields["source"]._description_selection(request.env)),
            consents=request.env["fidelite.consent"].search([("partner_id", "=", partner.id)], limit=40),
            referral_code=code,
            referral_link=code and f"{base_url}/my/fidelite/referral?code={code}",
            referred_by=bool(partner_sudo.fidelite_referred_by_id),
            referrals=self._fidelite_referrals(partner_sudo),
            referral_moves=self._fidelite_referral_moves(partner),
            errors=errors or {},
            form=values.pop("form", {}),
            **values,
        )
        return request.render("fidelite_portal.portal_my_fidelite_profile", result, status=status)

    # ------------------------------------------------------------------ profile
    @route("/my/fidelite/profile", type="http", auth="user", website=True)
    def portal_my_fidelite_profile(self, **kw):
        return self._fidelite_render_profile(saved=kw.get("saved"))

    @route("/my/fidelite/profile/save", type="http", auth="user", website=True, methods=["POST"])
    def portal_my_fidelite_profile_save(self, name=None, email=None, phone=None, birthdate=None, store_id=None, **kw):
        # portal route: the member writes their own contact, the fields checked below and nothing
        # else, and picks a store among names they may not read
        partner_sudo = self._fidelite_partner().sudo()
        errors = {}
        name = self._fidelite_check_text(name, MAX_NAME, errors, "name", required=True)
        email = self._fidelite_check_text(email, MAX_EMAIL, errors, "email")
        if email and "email" not in errors and not EMAIL_RE.match(email):
            errors["email"] = request.env._("This e-mail address is not valid.")
        phone = self._fidelite_check_text(phone, MAX_PHONE, errors, "phone")
        if phone and "phone" not in errors and not PHONE_RE.match(phone):
            errors["phone"] = request.env._("A phone number has digits, spaces and + only.")
        day = self._fidelite_check_birthdate(birthdate, errors, "birthdate")
        store = False
        if store_id:
            allowed = {store["id"] for store in self._fidelite_stores(partner_sudo.env)}
            store = int(store_id) if str(store_id).isdigit() and int(store_id) in allowed else None
            if store is None:
                errors["store_id"] = request.env._("Choose one of our stores.")
        if errors:
            form = {"name": name, "email": email, "phone": phone, "birthdate": birthdate}
            return self._fidelite_render_profile(errors, 400, form=form)
        # the member's own contact: the fields are the ones checked above, nothing else
        partner_sudo.write(
            {"name": name, "email": email, "phone": phone, "birthdate": day, "fidelite_home_store_id": store}
        )
        return request.redirect("/my/fidelite/profile?saved=profile")

    # ------------------------------------------------------------------ household
    def _fidelite_dependant(self, dependant_id):
        dependant = request.env["fidelite.dependant"].search([("id", "=", int(dependant_id))], limit=1)
        if not dependant:
            raise NotFound()
        return dependant

    def _fidelite_save_dependant(self, dependant, first_name, relation, birthdate):
        errors = {}
        first_name = self._fidelite_check_text(first_name, MAX_FIRST_NAME, errors, "first_name", required=True)
        relations = dict(request.env["fidelite.dependant"]._fields["relation"]._description_selection(request.env))
        if relation not in relations:
            errors["relation"] = request.env._("Choose how this person is related to you.")
        day = self._fidelite_check_birthdate(birthdate, errors, "dependant_birthdate")
        if dependant.birthdate and day != dependant.birthdate and "dependant_birthdate" not in errors:
            errors["dependant_birthdate"] = request.env._(
                "A birth date cannot be changed once set: ask the store to correct it."
            )
        values = {"first_name": first_name, "relation": relation, "birthdate": day}
        if not errors:
            try:
                with request.env.cr.savepoint():
                    if dependant:
                        dependant.write(values)
                    else:
                        request.env["fidelite.dependant"].create({**values, "partner_id": self._fidelite_partner().id})
            except (UserError, ValidationError) as error:
                errors["first_name"] = str(error)
        if errors:
            form = {"dependant_id": dependant.id, "first_name": first_name, "birthdate": birthdate}
            return self._fidelite_render_profile(errors, 400, form=form)
        return request.redirect("/my/fidelite/profile?saved=household#fidelite_household")

    @route("/my/fidelite/household/add", type="http", auth="user", website=True, methods=["POST"])
    def portal_my_fidelite_household_add(self, first_name=None, relation=None, birthdate=None, **kw):
        return self._fidelite_save_dependant(request.env["fidelite.dependant"], first_name, relation, birthdate)

    @route("/my/fidelite/household/<int:dependant_id>/save", type="http", auth="user", website=True, methods=["POST"])
    def portal_my_fidelite_household_save(self, dependant_id, first_name=None, relation=None, birthdate=None, **kw):
        dependant = self._fidelite_dependant(dependant_id)
        return self._fidelite_save_dependant(dependant, first_name, relation, birthdate)

    @route("/my/fidelite/household/<int:dependant_id>/remove", type="http", auth="user", website=True, methods=["POST"])
    def portal_my_fidelite_household_remove(self, dependant_id, **kw):
        self._fidelite_dependant(dependant_id).unlink()
        return request.redirect("/my/fidelite/profile?saved=household#fidelite_household")

    # ------------------------------------------------------------------ consents
    @route("/my/fidelite/consents", type="http", auth="user", website=True, methods=["POST"])
    def portal_my_fidelite_consents(self, **kw):
        """One new consent record, given on the portal, for each channel whose choice changed."""
        partner = self._fidelite_partner()
        for channel, _label in CHANNELS:
            partner._fidelite_set_consent(channel, bool(kw.get(f"consent_{channel}")), "portal")
        return request.redirect("/my/fidelite/profile?saved=consents#fidelite_consents")

    # ------------------------------------------------------------------ referral
    @route("/my/fidelite/referral", type="http", auth="user", website=True)
    def portal_my_fidelite_referral(self, code=None, **kw):
        code = (code or "")[:MAX_CODE]
        return self._fidelite_render_profile(form={"referral_code": code})

    @route("/my/fidelite/referral/apply", type="http", auth="user", website=True, methods=["POST"])
    def portal_my_fidelite_referral_apply(self, code=None, **kw):
        """The member joined on a friend's recommendation: throttled, as codes could be guessed."""
        code = (code or "").strip()[:MAX_CODE]
        # portal route: the throttle's log counts every account's tries, and the code names a
        # referrer the member may not read
        partner_sudo = self._fidelite_partner().sudo()
        Attempt = partner_sudo.env["fidelite.portal.attempt"]
        ip_address, user = request.httprequest.remote_addr, request.env.user
        if not Attempt._fidelite_allowed("referral", ip_address, user):
            Attempt._fidelite_record("referral", ip_address, user, code, False, blocked=True)
            message = request.env._("Too many codes tried: please wait a few minutes and try again.")
            return self._fidelite_render_profile({"referral_code": message}, 429, form={"referral_code": code})
        try:
            with request.env.cr.savepoint():
                # the referral service checks the code, self-referral and first purchase itself
                partner_sudo.fidelite_apply_referral_code(code)
        except UserError as error:
            Attempt._fidelite_record("referral", ip_address, user, code, False)
            return self._fidelite_render_profile({"referral_code": str(error)}, 400, form={"referral_code": code})
        Attempt._fidelite_record("referral", ip_address, user, code, True)
        return request.redirect("/my/fidelite/profile?saved=referral#fidelite_referral")
