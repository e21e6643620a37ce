import * as PosLoyalty from "@pos_loyalty/../tests/tours/utils/pos_loyalty_util";
import * as ProductScreen from "@point_of_sale/../tests/pos/tours/utils/product_screen_util";
import { scan_barcode } from "@point_of_sale/../tests/generic_helpers/utils";
import { registry } from "@web/core/registry";

// Scenario 1 (docs/fr/scenario-1-commerce-multi-boutiques.md): at the Montpellier shop the
// cashier scans Claire Dubois's printed card, sells two jars of honey and is paid in cash.
registry.category("web_tour.tours").add("fidelite_scenario_shop_member", {
    steps: () =>
        [
            {
                // the first opening of a till builds its assets: give it time on a busy machine
                content: "open the register",
                trigger: ".screen-login .btn.open-register-btn",
                run: "click",
                timeout: 60000,
            },
            {
                content: "the till shows its products: it is ready for the scan",
                trigger: '.product-screen article.product .product-name:contains("Miel de garrigue 500 g")',
                timeout: 30000,
            },
            scan_barcode("2990000000019"),
            // the card is looked up on the server: the first request of a fresh till may be slow
            ProductScreen.customerIsSelected("Claire Dubois").map((step) => ({ ...step, timeout: 30000 })),
            ProductScreen.addOrderline("Miel de garrigue 500 g", "2"),
            PosLoyalty.orderTotalIs("23.00"),
            PosLoyalty.finalizeOrder("Cash", "23"),
        ].flat(),
});
