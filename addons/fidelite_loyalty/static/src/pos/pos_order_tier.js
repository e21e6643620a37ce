import { PosOrder } from "@point_of_sale/app/models/pos_order";
import { patch } from "@web/core/utils/patch";

// Preview only: the server computes the points again when the order is synced.
patch(PosOrder.prototype, {
    /**
     * Points of loyalty programs with the bonus rules the server previewed for this basket,
     * then multiplied by the member's tier, in the server's order.
     */
    pointsForPrograms(programs) {
        const result = super.pointsForPrograms(...arguments);
        const partner = this.getPartner();
        if (!partner) {
            return result;
        }
        for (const program of programs) {
            if (program.program_type !== "loyalty" || !result[program.id]) {
                continue;
            }
            const card = this.models["loyalty.card"].find(
                (c) => c.partner_id?.id === partner.id && c.program_id?.id === program.id
            );
            const multiplier = card?.fidelite_tier_multiplier || 1;
            const bonus = this.uiState.fideliteBonus?.programs?.[program.id];
            if (multiplier === 1 && !bonus) {
                continue;
            }
            result[program.id] = result[program.id].map((entry, index) => {
                let points = entry.points;
                if (bonus && points) {
                    points = points * bonus.multiplier + (index === 0 ? bonus.extra : 0);
                }
                return { ...entry, points: points * multiplier };
            });
        }
        return result;
    },
});
