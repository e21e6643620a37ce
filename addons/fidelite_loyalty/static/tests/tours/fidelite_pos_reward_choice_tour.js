import * as PosLoyalty from "@pos_loyalty/../tests/tours/utils/pos_loyalty_util";
import * as ProductScreen from "@point_of_sale/../tests/pos/tours/utils/product_screen_util";
import * as Chrome from "@point_of_sale/../tests/pos/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/generic_helpers/dialog_util";
import { scan_barcode } from "@point_of_sale/../tests/generic_helpers/utils";
import { registry } from "@web/core/registry";

// The member chooses one reward among those their balance allows; a reward whose stock ran
// out is not offered. The server records the choice when the order syncs.
registry.category("web_tour.tours").add("fidelite_pos_reward_choice", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            scan_barcode("2990000000132"),
            ProductScreen.customerIsSelected("Jeanne Morel"),
            ProductScreen.addOrderline("Whiteboard Pen", "3"),
            ProductScreen.clickControlButton("Reward"),
            {
                content: "the rewards within reach are offered",
                trigger: ".selection-item:contains('Christmas voucher')",
            },
            {
                content: "the 5 € off is offered too",
                trigger: ".selection-item:contains('5 € off')",
            },
            {
                content: "the umbrella, out of stock, is not offered",
                trigger: "body:not(:has(.selection-item:contains('Umbrella')))",
            },
            {
                content: "the member chooses the Christmas voucher",
                trigger: ".selection-item:contains('Christmas voucher')",
                run: "click",
            },
            PosLoyalty.hasRewardLine("Christmas voucher", "-8.00"),
            PosLoyalty.orderTotalIs("22.00"),
            PosLoyalty.finalizeOrder("Cash", "22"),
        ].flat(),
});
