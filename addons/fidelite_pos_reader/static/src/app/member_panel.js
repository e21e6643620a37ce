import { Component, useState } from "@odoo/owl";
import { Dialog } from "@web/core/dialog/dialog";
import { _t } from "@web/core/l10n/translation";
import { usePos } from "@point_of_sale/app/hooks/pos_hook";

export class FideliteMemberPanel extends Component {
    static template = "fidelite_pos_reader.MemberPanel";
    static components = { Dialog };
    static props = { panel: Object, close: Function };
}

export class FideliteEnrolDialog extends Component {
    static template = "fidelite_pos_reader.EnrolDialog";
    static components = { Dialog };
    static props = { panel: Object, close: Function };

    setup() {
        this.pos = usePos();
        this.state = useState({ name: "", email: "", phone: "", error: "" });
    }
    get currentCustomer() {
        return this.pos.getOrder()?.getPartner();
    }
    async enrol(partnerId) {
        const { identifier, medium } = this.props.panel;
        let panel;
        try {
            panel = await this.pos.data.call("pos.config", "fidelite_enrol_card", [
                [this.pos.config.id],
                identifier,
                medium,
                partnerId || false,
                this.state.name,
                this.state.email,
                this.state.phone,
            ]);
        } catch (error) {
            this.state.error = error?.data?.message || _t("The card could not be enrolled.");
            return;
        }
        this.props.close();
        await this.pos.fideliteShowPanel(panel);
    }
}

export class FideliteCardInput extends Component {
    static template = "fidelite_pos_reader.CardInput";
    static components = { Dialog };
    static props = { close: Function };

    setup() {
        this.pos = usePos();
        this.state = useState({ code: "" });
    }
    async confirm() {
        const code = this.state.code.trim();
        if (!code) {
            return;
        }
        this.props.close();
        await this.pos.fideliteIdentify(code, "barcode");
    }
}
