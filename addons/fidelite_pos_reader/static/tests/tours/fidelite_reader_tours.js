import * as Chrome from "@point_of_sale/../tests/pos/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/generic_helpers/dialog_util";
import * as ProductScreen from "@point_of_sale/../tests/pos/tours/utils/product_screen_util";
import { registry } from "@web/core/registry";

// The test presents a virtual card on the vpcd reader once the page is connected to the bridge.
const READ_TIMEOUT = 30000;

registry.category("web_tour.tours").add("fidelite_reader_member_tap", {
    steps: () =>
        [
            Chrome.startPoS(),
                        {
                content: "the reader status shows the bridge is ready",
                trigger: ".o_fidelite_reader_status[data-state=ready]",
                timeout: READ_TIMEOUT,
            },
            {
                content: "the tapped card's member panel opens",
                trigger: ".o_fidelite_member_panel .o_fidelite_member_name:contains(Lou Garnier)",
                timeout: READ_TIMEOUT,
            },
            {
                content: "with the member's balance, tier and reward",
                trigger: ".o_fidelite_member_panel .o_fidelite_points:contains(120)",
            },
            { trigger: ".o_fidelite_member_panel .o_fidelite_tier:contains(Membre)" },
            { trigger: ".o_fidelite_member_panel .o_fidelite_rewards li:contains(100)" },
            { trigger: ".o_fidelite_panel_close", run: "click" },
            ProductScreen.customerIsSelected("Lou Garnier"),
        ].flat(),
});

registry.category("web_tour.tours").add("fidelite_reader_enrol_tap", {
    steps: () =>
        [
            Chrome.startPoS(),
            {
                content: "an unknown card offers to enrol a member",
                trigger: ".o_fidelite_enrol_name",
                timeout: READ_TIMEOUT,
                run: "edit Nina Roux",
            },
            { trigger: ".o_fidelite_enrol", run: "click" },
            {
                content: "the new member's panel opens",
                trigger: ".o_fidelite_member_panel .o_fidelite_member_name:contains(Nina Roux)",
            },
            { trigger: ".o_fidelite_member_panel .o_fidelite_points:contains(0)" },
            { trigger: ".o_fidelite_panel_close", run: "click" },
            ProductScreen.customerIsSelected("Nina Roux"),
        ].flat(),
});

registry.category("web_tour.tours").add("fidelite_reader_typed_barcode", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            { trigger: ".o_fidelite_reader_status", run: "click" },
            { trigger: ".o_fidelite_card_input", run: "edit 2990000000125" },
            { trigger: ".o_fidelite_card_confirm", run: "click" },
            { trigger: ".o_fidelite_member_panel .o_fidelite_member_name:contains(Lou Garnier)" },
            { trigger: ".o_fidelite_member_panel .o_fidelite_points:contains(120)" },
            { trigger: ".o_fidelite_panel_close", run: "click" },
            ProductScreen.customerIsSelected("Lou Garnier"),
        ].flat(),
});
