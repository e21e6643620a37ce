import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("fidelite_portal_home", {
    steps: () => [
        {
            content: "the loyalty space is offered on the portal home",
            trigger: ".o_portal_index_card:not(.d-none) a[href='/my/fidelite']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "the member's card and balance are shown",
            trigger: ".o_fidelite_card:has(.o_fidelite_card_code:contains(2990000000019)) .o_fidelite_card_balance:contains(42 points)",
        },
    ],
});
