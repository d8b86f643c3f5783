package io.stagecast.signaling.room;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecast.sfu.router.Consumer;
import io.stagecast.sfu.router.ConsumerSpec;
import io.stagecast.sfu.router.MediaKind;
import io.stagecast.sfu.router.Router;
import io.stagecast.sfu.transport.Transport;
import io.stagecast.signaling.SignalingException;
import io.stagecast.signaling.media.SubscriberNegotiation;
import io.stagecast.signaling.media.SubscriberSlot;
import io.stagecast.signaling.media.TransportDescription;
import io.stagecast.signaling.sdp.SdpParseException;
import io.stagecast.signaling.sdp.SessionDescription;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The web client's receive session: the server offers, the client answers, and every change of
 * the stage is a new offer. One offer is outstanding at a time (JSEP forbids overlapping offers);
 * changes meanwhile are folded into the next one.
 */
final class RenegotiatingSubscription implements Subscription {
    /**
     * How long a new video consumer stays on its lowest layer waiting for the app's first
     * media.viewport (sent ~300 ms after the tile appears, debounced); a client that never sends
     * one is then served by bandwidth alone.
     */
    private static final long VIEWPORT_WAIT_MILLIS = 3_000;
    private final Participant owner;
    private final Transport transport;
    private final TransportDescription local;
    private final Router router;
    private final List<SubscriberSlot> slots = new ArrayList<>();
    private final Map<SubscriberSlot, Consumer> consumers = new HashMap<>();
    /** The viewer's last report per track, kept for a consumer made after it (at most one per slot). */
    private final Map<SubscriberSlot, Viewport> views = new HashMap<>();
    private long revision;
    private boolean awaitingAnswer;
    private boolean changedMeanwhile;
    private boolean remoteDtlsSet;

    RenegotiatingSubscription(Participant owner, Transport transport, TransportDescription local, Router router) {
        this.owner = owner;
        this.transport = transport;
        this.local = local;
        this.router = router;
    }

    @Override
    public void sync(List<StageTrack> stage) {
        boolean changed = false;
        for (SubscriberSlot slot : slots) {
            if (slot.isActive() && stage.stream().noneMatch(t -> t.producer() == slot.producer())) {
                Consumer consumer = consumers.remove(slot);
                if (consumer != null) {
                    consumer.close();
                }
                views.remove(slot);
                slot.release();
                changed = true;
            }
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (StageTrack track : stage) {
            if (track.participantId().equals(owner.id())) {
                continue; // nobody receives their own tracks back
            }
            if (slots.stream().anyMatch(s -> s.producer() == track.producer())) {
                continue;
            }
            SubscriberSlot slot = new SubscriberSlot(String.valueOf(slots.size()), track.producer().kind(),
                    random.nextInt() | 1, random.nextInt() | 1);
            slot.assign(track.producer(), track.participantId(), track.trackId());
            slots.add(slot);
            changed = true;
        }
        if (changed) {
            offer();
        }
    }

    private void offer() {
        if (awaitingAnswer) {
            changedMeanwhile = true;
            return;
        }
        revision++;
        awaitingAnswer = true;
        SessionDescription sdp = SubscriberNegotiation.offer(revision, local, slots);
        ObjectNode event = JsonNodeFactory.instance.objectNode();
        event.put("event", "subscriberOffer");
        event.put("sdp", sdp.write());
        event.put("revision", revision);
        owner.send(event);
    }

    /** The client's answer to offer {@code answeredRevision}. */
    void onAnswer(String sdpText, long answeredRevision) throws SignalingException {
        if (!awaitingAnswer || answeredRevision != revision) {
            throw new SignalingException(SignalingException.Code.INVALID_STATE,
                    "no offer with revision " + answeredRevision + " is waiting for an answer");
        }
        SessionDescription answer;
        try {
            answer = SessionDescription.parse(sdpText);
        } catch (SdpParseException e) {
            throw SignalingException.badRequest("the answer is not valid SDP: " + e.getMessage());
        }
        if (!remoteDtlsSet) {
            transport.setRemoteDtls(SubscriberNegotiation.remoteDtls(answer));
            remoteDtlsSet = true;
        }
        awaitingAnswer = false;
        for (SubscriberSlot slot : slots) {
            if (slot.isActive() && !consumers.containsKey(slot)) {
                Optional<ConsumerSpec> spec = SubscriberNegotiation.accepted(answer, slot);
                spec.ifPresent(s -> {
                    Consumer consumer = router.createConsumer(transport, slot.producer(), s);
                    consumers.put(slot, consumer);
                    Viewport view = views.get(slot);
                    if (view != null) {
                        consumer.setViewport(view.visible(), view.width(), view.height());
                    } else if (slot.producer().kind() == MediaKind.VIDEO) {
                        // The web app reports each tile once its track arrives (docs/protocol.md, media.viewport).
                        consumer.expectViewport(VIEWPORT_WAIT_MILLIS);
                    }
                });
            }
        }
        if (changedMeanwhile) {
            changedMeanwhile = false;
            offer();
        }
    }

    @Override
    public void show(Viewport view) {
        SubscriberSlot slot = activeSlot(view.trackId());
        if (slot == null || view.equals(views.get(slot))) {
            return;
        }
        views.put(slot, view);
        Consumer consumer = consumers.get(slot);
        if (consumer != null) {
            consumer.setViewport(view.visible(), view.width(), view.height());
        }
    }

    @Override
    public Viewport viewOf(String trackId) {
        SubscriberSlot slot = activeSlot(trackId);
        return slot == null ? null : views.getOrDefault(slot, Viewport.UNKNOWN);
    }

    private SubscriberSlot activeSlot(String trackId) {
        for (SubscriberSlot slot : slots) {
            if (slot.isActive() && trackId.equals(slot.trackId())) {
                return slot;
            }
        }
        return null;
    }

    @Override
    public Transport transport() {
        return transport;
    }

    @Override
    public void close() {
        for (Consumer consumer : consumers.values()) {
            consumer.close();
        }
        consumers.clear();
        transport.close();
    }
}
