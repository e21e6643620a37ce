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
            trigger: ".o_fidelite_card:has(.o_fidelite_card_code:contains(2990000000019)) .o_fidelite_card_balance:contains(142)",
        },
        {
            content: "the tier and the progress to the next one are shown",
            trigger: ".o_fidelite_card .o_fidelite_next_tier:contains(Privilège)",
        },
        {
            content: "open the rewards the member can afford",
            trigger: ".o_fidelite_card a.o_fidelite_rewards_link",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "choose the tote bag",
            trigger: ".o_fidelite_reward:has(.o_fidelite_reward_name:contains(Tote bag Comptoirs)) button.o_fidelite_claim",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "the reward's code to show at the till",
            trigger: ".o_fidelite_redemption .o_fidelite_redemption_code:contains(R)",
        },
        {
            content: "go to the profile",
            trigger: ".o_fidelite_nav a[href='/my/fidelite/profile']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "type the child's first name",
            trigger: "#fidelite_dependant_name",
            run: "edit Léa",
        },
        {
            content: "type the child's birth date",
            trigger: "#fidelite_dependant_birthdate",
            run() {
                this.anchor.value = "2019-05-04";
            },
        },
        {
            content: "add the child",
            trigger: "button.o_fidelite_dependant_add",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "the child is in the household",
            trigger: ".o_fidelite_dependant input[name='first_name'][value='Léa']",
        },
        {
            content: "withdraw the SMS consent",
            trigger: "#fidelite_consent_sms:checked",
            run: "click",
        },
        {
            content: "save the choices",
            trigger: "button.o_fidelite_consent_save",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "SMS is no longer accepted, and the history says so",
            trigger: ".o_fidelite_saved",
        },
        {
            content: "the SMS switch is off",
            trigger: "#fidelite_consent_sms:not(:checked)",
        },
    ],
});
