import { PosStore } from "@point_of_sale/app/services/pos_store";
import { patch } from "@web/core/utils/patch";

// Preview only: the bonus rules (double points on Tuesday afternoons, points from 25 €...) are
// evaluated by the server for the basket on the till, and again when the order is synced.
patch(PosStore.prototype, {
    async orderUpdateLoyaltyPrograms() {
        await this.fideliteRefreshBonus(this.getOrder());
        return super.orderUpdateLoyaltyPrograms(...arguments);
    },

    async fideliteRefreshBonus(order) {
        if (!order || order.finalized) {
            return;
        }
        const partner = order.getPartner();
        const programs = this.models["loyalty.program"].filter((p) => p.fidelite_has_rules);
        if (!partner || !programs.length) {
            order.uiState.fideliteBonus = null;
            return;
        }
        const lines = order.getOrderlines().filter((line) => !line.is_reward_line);
        const productIds = [...new Set(lines.map((line) => line.product_id.id))].sort((a, b) => a - b);
        const amountIncl = lines.reduce((sum, line) => sum + line.priceIncl, 0);
        const amountExcl = lines.reduce((sum, line) => sum + line.priceExcl, 0);
        const signature = [partner.id, amountIncl.toFixed(2), ...productIds].join("|");
        if (order.uiState.fideliteBonus?.signature === signature) {
            return;
        }
        try {
            // the server answers the cashier of this open session only
            const bonus = await this.data.call("loyalty.program", "fidelite_pos_bonus_preview", [
                this.session.id,
                programs.map((p) => p.id),
                partner.id,
                productIds,
                amountIncl,
                amountExcl,
            ]);
            order.uiState.fideliteBonus = { signature, programs: bonus };
        } catch {
            // offline: no preview of the bonus, the server still applies it
            order.uiState.fideliteBonus = null;
        }
    },
});
