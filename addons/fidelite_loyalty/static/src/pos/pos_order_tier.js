import { PosOrder } from "@point_of_sale/app/models/pos_order";
import { patch } from "@web/core/utils/patch";

// Preview only: the server computes the points again when the order is synced.
patch(PosOrder.prototype, {
    /** Points of loyalty programs, multiplied by the member's tier as the server will. */
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
            if (multiplier !== 1) {
                result[program.id] = result[program.id].map((entry) => ({
                    ...entry,
                    points: entry.points * multiplier,
                }));
            }
        }
        return result;
    },
});
