import { patch } from "@web/core/utils/patch";
import { PosStore } from "@point_of_sale/app/services/pos_store";

const RECONNECT_DELAY_MS = 3000;

/**
 * Listens to the card reader bridge on the till's computer when the POS is configured
 * for it. Each message is JSON: {"type": "card", "uid": "04A1B2C3D4"}; the card's
 * identifier is handled like a scanned loyalty card code.
 */
patch(PosStore.prototype, {
    async afterProcessServerData() {
        await super.afterProcessServerData(...arguments);
        if (this.config.fidelite_reader_enabled && this.config.fidelite_reader_url) {
            this.fideliteConnectReader(this.config.fidelite_reader_url);
        }
    },
    fideliteConnectReader(url) {
        let socket;
        try {
            socket = new WebSocket(url);
        } catch {
            return;
        }
        socket.addEventListener("message", (event) => this.fideliteOnReaderMessage(event.data));
        socket.addEventListener("close", () =>
            setTimeout(() => this.fideliteConnectReader(url), RECONNECT_DELAY_MS)
        );
        this.fideliteReaderSocket = socket;
    },
    async fideliteOnReaderMessage(raw) {
        let message;
        try {
            message = JSON.parse(raw);
        } catch {
            return;
        }
        if (message.type === "card" && message.uid && this.getOrder()) {
            await this.activateCode(String(message.uid));
        }
    },
});
