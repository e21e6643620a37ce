import * as PosLoyalty from "@pos_loyalty/../tests/tours/utils/pos_loyalty_util";
import * as ProductScreen from "@point_of_sale/../tests/pos/tours/utils/product_screen_util";
import * as PaymentScreen from "@point_of_sale/../tests/pos/tours/utils/payment_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/pos/tours/utils/receipt_screen_util";
import * as Chrome from "@point_of_sale/../tests/pos/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/generic_helpers/dialog_util";
import { scan_barcode } from "@point_of_sale/../tests/generic_helpers/utils";
import { registry } from "@web/core/registry";

// A member who never buys pastries pays a stationery basket: the receipt prints the
// personalised coupon the server issued for the next visit. An anonymous customer then gets
// the coupon of a rule open to everyone, though the order moved no loyalty points.
registry.category("web_tour.tours").add("fidelite_pos_receipt_coupon", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            scan_barcode("2990000000125"),
            ProductScreen.customerIsSelected("Lou Garnier"),
            ProductScreen.addOrderline("Whiteboard Pen", "3"),
            PosLoyalty.orderTotalIs("30"),
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Cash"),
            PaymentScreen.clickNumpad("3 0"),
            PaymentScreen.clickValidate(),
            ReceiptScreen.receiptIsThere(),
            {
                content: "the receipt prints the coupon with its validity",
                trigger: ".pos-receipt .pos-coupon-rewards .coupon-container:contains(Your pastry treat):contains(Until)",
            },
            ReceiptScreen.clickNextOrder(),
            ProductScreen.addOrderline("Whiteboard Pen", "3"),
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Cash"),
            PaymentScreen.clickNumpad("3 0"),
            PaymentScreen.clickValidate(),
            ReceiptScreen.receiptIsThere(),
            {
                content: "the anonymous customer's receipt prints the coupon open to everyone",
                trigger: ".pos-receipt .pos-coupon-rewards .coupon-container:contains(Thank you coupon)",
            },
            {
                content: "but not the members' coupon",
                trigger: ".pos-receipt:not(:has(.coupon-container:contains(Your pastry treat)))",
            },
            ReceiptScreen.clickNextOrder(),
        ].flat(),
});
