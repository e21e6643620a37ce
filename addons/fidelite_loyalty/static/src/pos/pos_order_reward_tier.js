import { PosOrder } from "@point_of_sale/app/models/pos_order";
import { patch } from "@web/core/utils/patch";

patch(PosOrder.prototype, {
    /**
     * Rewards kept for some tiers are offered only to members of those tiers; rewards whose
     * stock ran out when the session was opened are not offered (the server checks the stock
     * again at payment).
     */
    getClaimableRewards() {
        return super.getClaimableRewards(...arguments).filter(({ coupon_id, reward }) => {
            if (reward.fidelite_stock_limited && reward.fidelite_stock_left <= 0) {
                return false;
            }
            if (!reward.fidelite_tier_list) {
                return true;
            }
            const card = this.models["loyalty.card"].get(coupon_id);
            const allowed = reward.fidelite_tier_list.split(",").map(Number);
            return Boolean(card?.fidelite_tier_key) && allowed.includes(card.fidelite_tier_key);
        });
    },
});
