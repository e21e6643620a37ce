from odoo import api, models


class FideliteDemo(models.AbstractModel):
    """Entry point of the demo data's generator (``demo/scenarios``), called by the demo XML."""

    _name = "fidelite.demo"
    _description = "Demo scenarios"

    @api.model
    def _generate_scenarios(self, names=("retail", "wholesale", "restaurant"), scale=1.0):
        """Populate the named scenarios with a fixed seed; ``scale`` sizes them (1.0 for the demo)."""
        from ..demo import scenarios

        return bool(scenarios.generate(self.env, names, scale))
