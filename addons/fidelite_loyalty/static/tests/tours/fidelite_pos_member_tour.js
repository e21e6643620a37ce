import * as PosLoyalty from "@pos_loyalty/../tests/tours/utils/pos_loyalty_util";
import * as ProductScreen from "@point_of_sale/../tests/pos/tours/utils/product_screen_util";
import * as Chrome from "@point_of_sale/../tests/pos/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/generic_helpers/dialog_util";
import { scan_barcode } from "@point_of_sale/../tests/generic_helpers/utils";
import { registry } from "@web/core/registry";

// The cashier scans a member's printed card: the member is selected, the order is paid,
// and the balance the till then shows is the one the server computed.
registry.category("web_tour.tours").add("fidelite_pos_member_scan", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            scan_barcode("2990000000125"),
            ProductScreen.customerIsSelected("Lou Garnier"),
            ProductScreen.addOrderline("Whiteboard Pen", "3"),
            PosLoyalty.orderTotalIs("30"),
            // 30 points and 10 for the bonus rule from 25 €, twice for a Privilège member:
            // the till previews what the server will credit
            PosLoyalty.pointsTotalIs("180"),
            // the only reward within reach is kept for Prestige members: nothing to claim
            PosLoyalty.isRewardButtonHighlighted(false),
            PosLoyalty.finalizeOrder("Cash", "30"),
            ProductScreen.clickPartnerButton(),
            {
                content: "the customer list shows the balance the server computed and the tier",
                trigger:
                    ".partner-list .partner-line:contains(Lou Garnier) .partner-line-balance:contains(180.00) .fidelite-tier:contains(Privilège)",
            },
        ].flat(),
});
