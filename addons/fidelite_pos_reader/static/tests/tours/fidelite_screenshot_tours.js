import { registry } from "@web/core/registry";

// The user guide's picture of the member panel (make screenshots): without a reader, the
// cashier clicks the card icon and types Claire Dubois's card number.
registry.category("web_tour.tours").add("fidelite_screenshot_member_panel", {
    steps: () =>
        [
            {
                // the first opening of a till builds its assets: give it time on a busy machine
                content: "open the register",
                trigger: ".screen-login .btn.open-register-btn",
                run: "click",
                timeout: 60000,
            },
            { content: "open the card input", trigger: ".o_fidelite_reader_status", run: "click" },
            { content: "type the card number", trigger: ".o_fidelite_card_input", run: "edit 2990000000019" },
            { content: "find the member", trigger: ".o_fidelite_card_confirm", run: "click" },
            {
                content: "the member panel shows Claire Dubois",
                trigger: ".o_fidelite_member_panel .o_fidelite_member_name:contains(Claire Dubois)",
            },
        ].flat(),
});
