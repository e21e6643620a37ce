import logging

from odoo import api, models

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
        """The demo's French companies count in euros (Odoo creates its first company in dollars)."""
        from ..demo.scenarios import common

        for company in self.env["res.company"].browse(company_ids):
            if not common.ensure_euro(self.env, company):
                _logger.warning("%s has journal items in %s: it keeps its currency", company.name, company.currency_id)
        return True
