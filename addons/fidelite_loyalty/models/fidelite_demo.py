import logging

from odoo import api, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)


class FideliteDemo(models.AbstractModel):
    """Entry point of the demo data's generator (``demo/scenarios``), called by the demo XML."""

    _name = "fidelite.demo"
    _description = "Demo scenarios"

    @api.model
    def _generate_scenarios(self, names=("retail", "wholesale", "town_card", "restaurant"), scale=1.0):
        """Populate the named scenarios with a fixed seed; ``scale`` sizes them (1.0 for the demo)."""
        from ..demo import scenarios

        return bool(scenarios.generate(self.env, names, scale))

    @api.model
    def _ensure_euro(self, company_ids):
        """The demo's French companies count in euros.

        Odoo creates its first company in dollars and, with demo data, books its accounting demo
        there (invoices of its demo customers), which forbids a change of currency: those
        entries are removed first, so the French shop chain works in euros.
        """
        from ..demo.scenarios import common

        for company in self.env["res.company"].browse(company_ids):
            if company.currency_id != self.env.ref("base.EUR"):
                self._remove_accounting_demo(company)
            if not common.ensure_euro(self.env, company):
                _logger.warning("%s has journal items in %s: it keeps its currency", company.name, company.currency_id)
        return True

    def _remove_accounting_demo(self, company):
        """Remove the journal entries of ``company`` (only Odoo's accounting demo at this point)."""
        env = self.env(context=dict(self.env.context, allowed_company_ids=company.ids), su=True)
        Move = env["account.move"]
        try:
            with env.cr.savepoint():
                moves = Move.search([("company_id", "=", company.id)])
                moves.filtered(lambda move: move.state == "posted").button_draft()
                env["account.bank.statement.line"].search([("company_id", "=", company.id)]).unlink()
                env["account.payment"].search([("company_id", "=", company.id)]).unlink()
                env["account.bank.statement"].search([("company_id", "=", company.id)]).unlink()
                Move.search([("company_id", "=", company.id)]).with_context(force_delete=True).unlink()
        except UserError as error:
            _logger.warning("%s: Odoo's accounting demo could not be removed: %s", company.name, error)
