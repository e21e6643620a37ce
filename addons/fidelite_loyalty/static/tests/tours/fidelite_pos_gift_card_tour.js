import * as PosLoyalty from "@pos_loyalty/../tests/tours/utils/pos_loyalty_util";
import * as ProductScreen from "@point_of_sale/../tests/pos/tours/utils/product_screen_util";
import * as PaymentScreen from "@point_of_sale/../tests/pos/tours/utils/payment_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/pos/tours/utils/receipt_screen_util";
import * as Chrome from "@point_of_sale/../tests/pos/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/generic_helpers/dialog_util";
import { registry } from "@web/core/registry";

// The cashier sells a pre-printed gift card with an amount the customer chose: Odoo's
// "Sell physical gift card?" popup takes the card's code and the amount; the receipt prints
// the card, its value and how VAT applies to it.
registry.category("web_tour.tours").add("fidelite_pos_gift_card_sale", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            ProductScreen.addOrderline("Gift Card", "1", "50", "50"),
            {
                content: "open Odoo's gift card popup",
                trigger: 'a:contains("Sell physical gift card?")',
                run: "click",
            },
            {
                content: "scan the pre-printed card",
                trigger: ".modal input#code",
                run: "edit GC-TOUR-0035",
            },
            {
                content: "the till checks the code with the server",
                trigger: ".modal .gift-card-loading",
            },
            {
                // a whole amount: the tour types key by key, and a number field drops "37."
                content: "a new card: the amount is free",
                trigger: ".modal:not(:has(.gift-card-loading)) input#amount:not([disabled])",
                run: "edit 35",
            },
            {
                trigger: '.modal .btn-primary:contains("Add Balance")',
                run: "click",
            },
            ProductScreen.selectedOrderlineHas("Gift Card", "1", "35.00"),
            PosLoyalty.orderTotalIs("35.00"),
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Cash"),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            {
                content: "the receipt prints the gift card's code and value",
                trigger:
                    ".pos-receipt .coupon-container:contains(GC-TOUR-0035) .fidelite-gift-card-amount:contains(35.00)",
            },
            {
                content: "and says how VAT applies to a multi-purpose voucher",
                trigger: ".pos-receipt .fidelite-voucher-note:contains(Multi-purpose voucher)",
            },
            ReceiptScreen.clickNextOrder(),
        ].flat(),
});
