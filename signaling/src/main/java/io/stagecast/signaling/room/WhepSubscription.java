package io.stagecast.signaling.room;

import io.stagecast.sfu.router.Consumer;
import io.stagecast.sfu.router.Producer;
import io.stagecast.sfu.router.Router;
import io.stagecast.sfu.transport.Transport;
import io.stagecast.signaling.media.WhepNegotiation;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A WHEP viewer's fixed m-sections (it offered them; WHEP has no renegotiation), each showing
 * the first stage track of its kind and codec that no other slot shows, rebound as tracks come
 * and go.
 */
final class WhepSubscription implements Subscription {
    private final Transport transport;
    private final Router router;
    private final List<WhepNegotiation.Slot> slots;
    private final Map<WhepNegotiation.Slot, Consumer> bound = new HashMap<>();
    /** The last consumer of each slot that shows nothing now: the next one continues its numbering. */
    private final Map<WhepNegotiation.Slot, Consumer> ended = new HashMap<>();

    WhepSubscription(Transport transport, Router router, List<WhepNegotiation.Slot> slots) {
        this.transport = transport;
        this.router = router;
        this.slots = slots;
    }

    @Override
    public void sync(List<StageTrack> stage) {
        bound.entrySet().removeIf(entry -> {
            boolean gone = stage.stream().noneMatch(t -> t.producer() == entry.getValue().producer());
            if (gone) {
                entry.getValue().close();
                ended.put(entry.getKey(), entry.getValue());
            }
            return gone;
        });
        for (WhepNegotiation.Slot slot : slots) {
            if (bound.containsKey(slot)) {
                continue;
            }
            for (StageTrack track : stage) {
                Producer producer = track.producer();
                boolean fits = producer.kind() == slot.kind()
                        && producer.spec().codec().name().equalsIgnoreCase(slot.codecName())
                        && bound.values().stream().noneMatch(c -> c.producer() == producer);
                if (fits) {
                    // Same SSRCs as the slot's last consumer: go on from its sequence and timestamps.
                    bound.put(slot, router.createConsumer(transport, producer, slot.spec(), ended.remove(slot)));
                    break;
                }
            }
        }
    }

    @Override
    public Transport transport() {
        return transport;
    }

    @Override
    public void close() {
        for (Consumer consumer : bound.values()) {
            consumer.close();
        }
        bound.clear();
        ended.clear();
        transport.close();
    }
}
