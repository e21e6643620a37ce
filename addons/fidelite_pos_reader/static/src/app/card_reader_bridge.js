import { patch } from "@web/core/utils/patch";
import { reactive } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { PosStore } from "@point_of_sale/app/services/pos_store";
import { FideliteEnrolDialog, FideliteMemberPanel } from "./member_panel";

const RECONNECT_DELAY_MS = 3000;
// a read older than this is never applied: it could select the member of a previous customer
const MAX_EVENT_AGE_MS = 10000;

/**
 * Listens to the card reader bridge on the till's computer (a WebSocket on 127.0.0.1, see the
 * bridge's README) and shows the member panel of each card read, scanned or typed.
 */
patch(PosStore.prototype, {
    async afterProcessServerData() {
        await super.afterProcessServerData(...arguments);
        this.fideliteReader = reactive({ state: "off", readers: [] });
        if (this.config.fidelite_reader_enabled && this.config.fidelite_reader_url) {
            this.fideliteConnectReader();
        }
    },
    fideliteBridgeUrl() {
        const url = new URL(this.config.fidelite_reader_url);
        url.searchParams.set("token", this.config.fidelite_reader_token || "");
        return url.toString();
    },
    fideliteConnectReader() {
        let socket;
        this.fideliteReader.state = "connecting";
        try {
            socket = new WebSocket(this.fideliteBridgeUrl());
        } catch {
            this.fideliteReader.state = "disconnected";
            return;
        }
        socket.addEventListener("message", (event) => this.fideliteOnReaderMessage(event.data));
        socket.addEventListener("close", () => {
            this.fideliteReader.state = "disconnected";
            setTimeout(() => this.fideliteConnectReader(), RECONNECT_DELAY_MS);
        });
        this.fideliteReaderSocket = socket;
    },
    async fideliteOnReaderMessage(raw) {
        let message;
        try {
            message = JSON.parse(raw);
        } catch {
            return;
        }
        if (message.type === "status") {
            this.fideliteReader.readers = message.readers || [];
            if (message.pcsc !== "ok") {
                this.fideliteReader.state = "pcsc_down";
            } else {
                this.fideliteReader.state = this.fideliteReader.readers.length ? "ready" : "no_reader";
            }
            return;
        }
        if (message.type !== "card" || (message.age_ms || 0) > MAX_EVENT_AGE_MS) {
            return;
        }
        if (!this.fideliteTillReady()) {
            // the register is being opened or the till is locked: apply the read once the
            // cashier is on the register, if still fresh
            const received = Date.now() - (message.age_ms || 0);
            const retry = () => {
                if (Date.now() - received > MAX_EVENT_AGE_MS) {
                    return;
                }
                if (!this.fideliteTillReady()) {
                    setTimeout(retry, 300);
                    return;
                }
                this.fideliteOnReaderMessage(JSON.stringify({ ...message, age_ms: Date.now() - received }));
            };
            setTimeout(retry, 300);
            return;
        }
        if (!message.identifier) {
            this.notification.add(_t("The card could not be read: present it again."), { type: "warning" });
            return;
        }
        await this.fideliteIdentify(String(message.identifier), message.medium || "contactless");
    },
    /** Whether a read may be shown: the register open and a cashier on it (not the lock screens). */
    fideliteTillReady() {
        return (
            this.session.state === "opened" &&
            !["LoginScreen", "SaverScreen"].includes(this.router.state.current)
        );
    },
    /** Look the card up on the server, select its member and show the member panel. */
    async fideliteIdentify(identifier, medium) {
        let panel;
        try {
            panel = await this.data.call("pos.config", "fidelite_member_panel", [
                [this.config.id],
                identifier,
                medium,
            ]);
        } catch {
            this.notification.add(_t("The card could not be checked: is the server reachable?"), {
                type: "danger",
            });
            return;
        }
        await this.fideliteShowPanel(panel);
    },
    async fideliteShowPanel(panel) {
        if (panel.status === "refused") {
            this.notification.add(panel.message, { type: "warning" });
            return;
        }
        if (panel.status === "unknown") {
            this.dialog.add(FideliteEnrolDialog, { panel });
            return;
        }
        if (panel.status === "found") {
            const order = this.getOrder() || this.addNewOrder();
            if (!this.models["res.partner"].get(panel.partner_id) && panel.pos_data) {
                // the server sent the member as the POS loads customers: no second request
                this.models.connectNewData(panel.pos_data);
            }
            if (!this.models["res.partner"].get(panel.partner_id)) {
                await this.data.read("res.partner", [panel.partner_id]);
            }
            const partner = this.models["res.partner"].get(panel.partner_id);
            if (partner) {
                order.setPartner(partner);
                await this.updateRewards();
            }
        }
        this.dialog.add(FideliteMemberPanel, { panel });
    },
});
