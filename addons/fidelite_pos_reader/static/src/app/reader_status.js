import { Component, useState } from "@odoo/owl";
import { patch } from "@web/core/utils/patch";
import { _t } from "@web/core/l10n/translation";
import { usePos } from "@point_of_sale/app/hooks/pos_hook";
import { Navbar } from "@point_of_sale/app/components/navbar/navbar";
import { FideliteCardInput } from "./member_panel";

const STATES = {
    off: { color: "text-muted", label: () => _t("Member card") },
    connecting: { color: "text-muted", label: () => _t("Card reader: connecting") },
    disconnected: { color: "text-danger", label: () => _t("Card reader: bridge not running") },
    pcsc_down: { color: "text-danger", label: () => _t("Card reader: reader service stopped") },
    no_reader: { color: "text-warning", label: () => _t("Card reader: no reader plugged in") },
    ready: { color: "text-success", label: () => _t("Card reader: ready") },
};

/** The reader's status in the POS header; a click opens the field to scan or type a card number. */
export class FideliteReaderStatus extends Component {
    static template = "fidelite_pos_reader.ReaderStatus";
    static props = {};

    setup() {
        this.pos = usePos();
        this.reader = useState(this.pos.fideliteReader);
    }
    get info() {
        return STATES[this.reader.state] || STATES.off;
    }
    open() {
        this.pos.dialog.add(FideliteCardInput, {});
    }
}

patch(Navbar, { components: { ...Navbar.components, FideliteReaderStatus } });
