import OrderPaymentValidation from "@point_of_sale/app/utils/order_payment_validation";
import { AlertDialog } from "@web/core/confirmation_dialog/confirmation_dialog";
import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";

patch(OrderPaymentValidation.prototype, {
    /** Before payment, the server says whether the stock still has the rewards of the order. */
    async validateOrder(isForceValidate) {
        const claims = {};
        const seen = new Set();
        for (const line of this.order._get_reward_lines()) {
            const reward = line.reward_id;
            const claim = line.reward_identifier_code || line.uuid;
            if (!reward?.fidelite_stock_limited || seen.has(claim)) {
                continue;
            }
            seen.add(claim);
            claims[reward.id] = (claims[reward.id] || 0) + 1;
        }
        if (Object.keys(claims).length) {
            let answer = { ok: true };
            try {
                answer = await this.pos.data.call("loyalty.reward", "fidelite_check_stock", [claims]);
            } catch {
                // offline: the order is recorded when it syncs, and the stock with it
            }
            if (!answer.ok) {
                this.pos.dialog.add(AlertDialog, {
                    title: _t("Reward out of stock"),
                    body: answer.message,
                });
                return;
            }
        }
        return super.validateOrder(...arguments);
    },
});
