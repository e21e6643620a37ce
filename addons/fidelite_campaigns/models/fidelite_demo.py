from odoo import api, models


class FideliteDemo(models.AbstractModel):
    _inherit = "fidelite.demo"

    @api.model
    def _generate_campaign_scenarios(self, names=("retail_chains", "restaurant_chains", "car_dealer"), scale=1.0):
        """Populate the marketing chains of the named scenarios (see ``demo/scenarios``)."""
        from ..demo import scenarios

        return bool(scenarios.generate(self.env, names, scale))
