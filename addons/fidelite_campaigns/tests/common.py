from datetime import datetime

from odoo import Command
from odoo.tests import TransactionCase


class CampaignCase(TransactionCase):
    """Members with e-mail and phone, a template, and helpers to build and run chains at a given time."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.write(
            {
                "fidelite_quiet_start": 0.0,
                "fidelite_quiet_end": 0.0,
                "fidelite_quiet_sunday": False,
                "fidelite_cost_email": 0.01,
                "fidelite_cost_sms": 0.05,
                "fidelite_cost_postal": 1.0,
                "email": "club@comptoirs.example",
            }
        )
        cls.company.partner_id.tz = "Europe/Paris"
        cls.env["fidelite.pressure.rule"].search([]).action_archive()
        cls.template = cls.env["mail.template"].create(
            {
                "name": "Welcome back",
                "model_id": cls.env["ir.model"]._get_id("res.partner"),
                "subject": "We miss you, {{ object.name }}",
                "body_html": '<p>Hello <t t-out="object.name"/>, '
                '<a href="https://comptoirs.example/offer">see the offer</a></p>',
                "email_from": "club@comptoirs.example",
            }
        )
        cls.t0 = datetime(2026, 3, 2, 10, 0)  # a Monday, 10:00 UTC

    @classmethod
    def _member(cls, name, consents=("email", "sms", "postal", "phone"), email=True, phone=True, **values):
        slug = name.lower().replace(" ", ".")
        CampaignCase._phones = getattr(CampaignCase, "_phones", 0) + 1
        partner = cls.env["res.partner"].create(
            {
                "name": name,
                "email": f"{slug}@members.example" if email else False,
                "phone": f"+33 6 12 {CampaignCase._phones:06d}" if phone else False,
                "street": "1 rue de la Paix",
                "zip": "75002",
                "city": "Paris",
                "country_id": cls.env.ref("base.fr").id,
                **values,
            }
        )
        partner._fidelite_enrol()
        for channel in consents:
            partner._fidelite_set_consent(channel, True, "form")
        return partner

    @classmethod
    def _chain(cls, steps, trigger="segment", triggers=None, **values):
        """A chain with ``steps``: a list of dicts; ``parent`` is the index of an earlier step.

        ``trigger``: the kind of its one entry trigger, whose fields are given as ``trigger_<field>``;
        ``triggers``: a list of dicts for several triggers.
        """
        if triggers is None:
            trigger_values = {"kind": trigger}
            for key in [key for key in values if key.startswith("trigger_")]:
                trigger_values[key.removeprefix("trigger_")] = values.pop(key)
            triggers = [trigger_values]
        chain = cls.env["fidelite.chain"].create(
            {"name": "Test chain", "trigger_ids": [Command.create(t) for t in triggers], **values}
        )
        created = []
        for index, given in enumerate(steps):
            step = dict(given)
            parent = step.pop("parent", None)
            step.setdefault("name", f"Step {index + 1}")
            if step.get("action", "email") in ("email",) and "mail_template_id" not in step:
                step["mail_template_id"] = cls.template.id
            created.append(
                cls.env["fidelite.chain.step"].create(
                    {
                        "chain_id": chain.id,
                        "sequence": index,
                        "parent_id": created[parent].id if parent is not None else False,
                        **step,
                    }
                )
            )
        return chain, created

    def _segment(self, partners):
        return self.env["fidelite.segment"].create(
            {"name": "Test segment", "kind": "static", "member_ids": [Command.set(partners.ids)]}
        )

    def _run(self, chain, when):
        from ..services import scheduler

        scheduler.run(self.env, chains=chain, now=when)

    def _traces(self, chain, **filters):
        domain = [("chain_id", "=", chain.id)] + [(key, "=", value) for key, value in filters.items()]
        return self.env["fidelite.chain.trace"].search(domain, order="id")
