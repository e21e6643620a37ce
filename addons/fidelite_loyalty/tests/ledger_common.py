from odoo import Command
from odoo.tests import TransactionCase


def make_loyalty_program(env, name="Club test", **values):
    """A loyalty program: 1 point per euro paid, 5 € off for 100 points."""
    return env["loyalty.program"].create(
        {
            "name": name,
            "program_type": "loyalty",
            "trigger": "auto",
            "applies_on": "both",
            "rule_ids": [Command.create({"reward_point_mode": "money", "reward_point_amount": 1})],
            "reward_ids": [
                Command.create(
                    {
                        "reward_type": "discount",
                        "discount_mode": "per_order",
                        "discount": 5,
                        "required_points": 100,
                    }
                )
            ],
            **values,
        }
    )


class LedgerAssertions:
    def moves(self, card):
        return self.env["fidelite.points.move"].sudo().search([("card_id", "=", card.id)])

    def assert_balance(self, card, expected, history=True):
        """The card shows ``expected``, its movements add up to it, and so does Odoo's history."""
        card = card.sudo()
        card.invalidate_recordset(["points"])
        self.assertAlmostEqual(card.points, expected, places=2)
        self.assertAlmostEqual(sum(self.moves(card).mapped("points")), expected, places=2)
        if history:
            card.invalidate_recordset(["history_ids"])
            shown = sum(card.history_ids.mapped("issued")) - sum(card.history_ids.mapped("used"))
            self.assertAlmostEqual(shown, expected, places=2, msg="the card's history does not add up to its balance")


class LedgerCase(TransactionCase, LedgerAssertions):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.program = make_loyalty_program(cls.env)
        cls.member = cls.env["res.partner"].create({"name": "Camille Roux", "email": "camille@example.com"})
        cls.card = cls.env["loyalty.card"].create(
            {"program_id": cls.program.id, "partner_id": cls.member.id, "code": "FIDTEST0001"}
        )
        cls.manager = cls.env["res.users"].create(
            {
                "name": "Loyalty manager",
                "login": "fid_ledger_manager",
                "group_ids": [Command.set([cls.env.ref("fidelite_loyalty.group_fidelite_manager").id])],
            }
        )
        cls.clerk = cls.env["res.users"].create(
            {
                "name": "Shop clerk",
                "login": "fid_ledger_clerk",
                "group_ids": [Command.set([cls.env.ref("fidelite_loyalty.group_fidelite_user").id])],
            }
        )
