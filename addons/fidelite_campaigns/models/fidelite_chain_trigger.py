from odoo import api, fields, models

TRIGGERS = [
    ("segment", "Member of the target"),
    ("birthday", "Member's birthday"),
    ("dependant_birthday", "Household member's birthday"),
    ("anniversary", "Membership anniversary"),
    ("last_visit", "N days after the last visit"),
    ("points_expiry", "N days before points expire"),
    ("fixed_date", "Fixed date"),
    ("enrolment", "Enrolment"),
    ("first_purchase", "First purchase"),
    ("category_purchase", "Purchase in a category"),
    ("tier_up", "Tier up"),
    ("tier_down", "Tier down"),
    ("reward_redeemed", "Reward redeemed"),
    ("gift_card_low", "Gift card nearly empty"),
    ("no_purchase", "No purchase for N days"),
    ("survey_answered", "Survey answered"),
]
DATE_TRIGGERS = (
    "segment",
    "birthday",
    "dependant_birthday",
    "anniversary",
    "last_visit",
    "points_expiry",
    "fixed_date",
    "no_purchase",
)
DAYS_TRIGGERS = ("last_visit", "points_expiry", "no_purchase")


class FideliteChainTrigger(models.Model):
    """One way into a chain: a date (birthday, N days after the last visit...) or an event.

    A chain may have several: a member enters when any of them fires, once per event, under
    the chain's re-entry policy.
    """

    _name = "fidelite.chain.trigger"
    _description = "Marketing chain entry trigger"
    _order = "chain_id, sequence, id"

    sequence = fields.Integer(default=10)
    chain_id = fields.Many2one("fidelite.chain", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="chain_id.company_id", store=True)
    kind = fields.Selection(TRIGGERS, string="Trigger", required=True, default="segment")
    timing = fields.Selection(
        [("date", "Date"), ("event", "Event")], compute="_compute_timing", string="Based on", store=True
    )
    days = fields.Integer(default=30)
    date = fields.Date(string="On")
    category_id = fields.Many2one("product.category", string="Category")
    amount = fields.Float(
        string="Balance under", help="Gift card nearly empty: the balance a spend must bring the card under."
    )
    survey_id = fields.Many2one("survey.survey", string="Survey", help="Survey answered: empty for any survey.")

    @api.depends("kind")
    def _compute_timing(self):
        for trigger in self:
            trigger.timing = "date" if trigger.kind in DATE_TRIGGERS else "event"

    @api.depends("kind", "days", "date", "category_id", "amount", "survey_id")
    def _compute_display_name(self):
        labels = dict(self._fields["kind"]._description_selection(self.env))
        for trigger in self:
            label = labels.get(trigger.kind, "")
            match trigger.kind:
                case "last_visit":
                    label = self.env._("%(days)s days after the last visit", days=trigger.days)
                case "no_purchase":
                    label = self.env._("No purchase for %(days)s days", days=trigger.days)
                case "points_expiry":
                    label = self.env._("%(days)s days before points expire", days=trigger.days)
                case "fixed_date" if trigger.date:
                    label = self.env._("On %(date)s", date=fields.Date.to_string(trigger.date))
                case "category_purchase" if trigger.category_id:
                    label = self.env._("Purchase in %(category)s", category=trigger.category_id.display_name)
                case "gift_card_low":
                    label = self.env._("Gift card balance under %(amount)s", amount=trigger.amount)
                case "survey_answered" if trigger.survey_id:
                    label = self.env._("Survey answered: %(survey)s", survey=trigger.survey_id.title)
            trigger.display_name = label

    def _configuration_problems(self):
        """What keeps each trigger from ever firing, in words."""
        problems = []
        labels = dict(self._fields["kind"]._description_selection(self.env))
        for trigger in self:
            if trigger.kind in DAYS_TRIGGERS and trigger.days <= 0:
                problems.append(
                    self.env._("its trigger “%(trigger)s” needs a number of days", trigger=labels[trigger.kind])
                )
            if trigger.kind == "fixed_date" and not trigger.date:
                problems.append(self.env._("its fixed date trigger needs a date"))
            if trigger.kind == "category_purchase" and not trigger.category_id:
                problems.append(self.env._("its category purchase trigger needs a product category"))
            if trigger.kind == "gift_card_low" and trigger.amount <= 0:
                problems.append(self.env._("its gift card trigger needs a balance to fall under"))
        return problems
