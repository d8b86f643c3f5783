package io.stagecast.signaling.room;

import io.stagecast.sfu.router.Producer;
import io.stagecast.sfu.transport.Transport;

import java.util.LinkedHashMap;
import java.util.Map;

/** A participant's publishing transport and the tracks on it, by mid. Guarded by the room. */
final class Publication {
    final Transport transport;
    final Map<String, Producer> producersByMid = new LinkedHashMap<>();
    boolean remoteDtlsSet;

    Publication(Transport transport) {
        this.transport = transport;
    }

    void close() {
        for (Producer producer : producersByMid.values()) {
            producer.close();
        }
        producersByMid.clear();
        transport.close();
    }
}
