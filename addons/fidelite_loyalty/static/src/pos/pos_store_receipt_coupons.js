import { PosStore } from "@point_of_sale/app/services/pos_store";
import { patch } from "@web/core/utils/patch";

// The server issues the receipt coupons when the order is synced. Odoo's till prints the new
// coupons its confirmation returns, but confirms only orders that moved loyalty points or
// used a reward: for the others, ask the server for the order's coupons.
patch(PosStore.prototype, {
    async postProcessLoyalty(order) {
        await super.postProcessLoyalty(...arguments);
        const rules = this.config.fidelite_receipt_coupons;
        if (
            order.new_coupon_info?.length ||
            !rules ||
            rules === "none" ||
            (rules === "members" && !order.getPartner())
        ) {
            return;
        }
        const coupons = await this.data.call("pos.order", "fidelite_receipt_coupons", [order.id]);
        if (coupons.length) {
            order.new_coupon_info = coupons;
        }
    },
});
