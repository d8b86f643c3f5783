package io.stagecast.sfu.router;

import io.netty.channel.EventLoop;
import io.stagecast.sfu.audio.DominantSpeakerDetector;
import io.stagecast.sfu.metrics.MediaMetrics;
import io.stagecast.sfu.transport.Transport;
import io.stagecast.sfu.transport.TransportState;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A room's forwarding graph: the producers published into it and who consumes them. Changes made
 * here are queued on the media event loop in call order, so signaling can call from any thread
 * and use the returned handles at once.
 *
 * <p>Every transport the router uses has one {@link TransportLink}, the transport's
 * {@link io.stagecast.sfu.transport.MediaListener}: packets flow up from the transport into it,
 * across the graph (producer -> consumers), and down through the subscribers' transports' send
 * API. Nothing in the transport package knows the router.
 */
public final class Router {
    private final String name;
    private final EventLoop loop;
    private final List<Producer> producers = new CopyOnWriteArrayList<>();
    private volatile RouterEvents events = RouterEvents.NONE;
    /** Transport -> its link; event loop only. */
    private final Map<Transport, TransportLink> links = new HashMap<>();
    /** Who speaks, from the audio producers' RFC 6464 levels; ids are {@link Producer#speakerId}. */
    private final DominantSpeakerDetector speakers = new DominantSpeakerDetector();
    private final BitSet speakerIds = new BitSet();
    private final Producer[] bySpeakerId = new Producer[256];
    private Producer dominant;
    private final LayerDemand layerDemand = new LayerDemand();
    private long lastTickNanos = Long.MIN_VALUE / 2;
    private long lastDemandNanos = Long.MIN_VALUE / 2;
    private MediaMetrics metrics;

    public Router(String name, EventLoop loop) {
        this.name = name;
        this.loop = loop;
    }

    public String name() {
        return name;
    }

    public Producer createProducer(Transport publisher, ProducerSpec spec) {
        Producer producer = new Producer(UUID.randomUUID().toString(), this, publisher, spec);
        producers.add(producer);
        loop.execute(producer::attach);
        return producer;
    }

    public Consumer createConsumer(Transport subscriber, Producer producer, ConsumerSpec spec) {
        Consumer consumer = newConsumer(subscriber, producer, spec);
        loop.execute(consumer::attach);
        return consumer;
    }

    /**
     * A consumer on the same SSRCs as {@code previous} (closed, or null), continuing its sequence
     * numbers and timestamps: what a subscriber that cannot renegotiate (WHEP) needs when its
     * fixed slot shows another producer.
     */
    public Consumer createConsumer(Transport subscriber, Producer producer, ConsumerSpec spec, Consumer previous) {
        Consumer consumer = newConsumer(subscriber, producer, spec);
        loop.execute(() -> {
            consumer.continueAfter(previous);
            consumer.attach();
        });
        return consumer;
    }

    /** One way of forwarding per kind of producer: one stream, or simulcast layers. */
    private Consumer newConsumer(Transport subscriber, Producer producer, ConsumerSpec spec) {
        String id = UUID.randomUUID().toString();
        return producer.spec().streams().size() > 1
                ? new SimulcastConsumer(id, this, subscriber, producer, spec)
                : new SimpleConsumer(id, this, subscriber, producer, spec);
    }

    // ---- the graph's links to transports (event loop) ----

    /** The link of {@code transport}, made (and set as its media listener) on first use. */
    TransportLink linkOf(Transport transport) {
        TransportLink link = links.get(transport);
        if (link == null) {
            link = new TransportLink(this, transport);
            links.put(transport, link);
            if (transport.state() == TransportState.CLOSED || transport.state() == TransportState.FAILED) {
                // Ended before the router saw it: no close will come, so the link goes at once.
                TransportLink ended = link;
                loop.execute(ended::close);
            } else {
                transport.setMediaListener(link);
            }
        }
        return link;
    }

    void unlink(Transport transport, TransportLink link) {
        links.remove(transport, link);
    }

    /** Room-wide periodic work; every link calls it per tick, it runs once per tick interval. */
    void tick(long nowNanos) {
        if (nowNanos - lastTickNanos < TICK_NANOS / 2) {
            return;
        }
        lastTickNanos = nowNanos;
        int id = speakers.tick(nowNanos);
        Producer now = id >= 0 && id < bySpeakerId.length ? bySpeakerId[id] : null;
        if (now != dominant) {
            dominant = now;
            events.onDominantSpeaker(now);
            allocateAllSoon();
        }
        if (nowNanos - lastDemandNanos >= LAYER_DEMAND_INTERVAL_NANOS) {
            lastDemandNanos = nowNanos;
            for (int i = 0; i < producers.size(); i++) {
                layerDemand.update(producers.get(i), nowNanos, events, metrics);
            }
        }
    }

    private static final long TICK_NANOS = 20_000_000L;
    private static final long LAYER_DEMAND_INTERVAL_NANOS = 100_000_000L;

    /** The audio producer speaking now (the detector's choice), null when nobody is. Event loop. */
    Producer dominantSpeaker() {
        return dominant;
    }

    /** An RFC 6464 level (0 loudest .. 127 silence) of an audio producer's packet. Per packet: no allocation. */
    void onAudioLevel(Producer producer, int level, long nowNanos) {
        if (producer.speakerId >= 0) {
            speakers.onAudioLevel(producer.speakerId, level, nowNanos);
        }
    }

    /** Event loop: a producer joined the graph; an audio one gets a speaker id. */
    void onProducerAttached(Producer producer) {
        if (metrics == null) {
            metrics = producer.transport().metrics();
        }
        if (producer.kind() == MediaKind.AUDIO) {
            int id = speakerIds.nextClearBit(0);
            if (id < bySpeakerId.length) {
                speakerIds.set(id);
                bySpeakerId[id] = producer;
                producer.speakerId = id;
                speakers.addSpeaker(id, System.nanoTime());
            }
        }
    }

    /** Event loop: a producer left the graph. */
    void onProducerClosed(Producer producer) {
        if (producer.speakerId >= 0) {
            speakers.removeSpeaker(producer.speakerId);
            speakerIds.clear(producer.speakerId);
            bySpeakerId[producer.speakerId] = null;
            producer.speakerId = -1;
        }
        if (producer == dominant) {
            dominant = null;
            events.onDominantSpeaker(null);
        }
        layerDemand.forget(producer, metrics);
        allocateAllSoon();
    }

    /** Every subscriber allocates again at its next tick (priorities, the dominant speaker changed). */
    void allocateAllSoon() {
        for (TransportLink link : links.values()) {
            SubscriberLink subscriber = link.subscriberOrNull();
            if (subscriber != null) {
                subscriber.allocateSoon();
            }
        }
    }

    RouterEvents events() {
        return events;
    }

    /**
     * Where this room's media-plane news goes (dominant speaker, layer demand); called on the loop.
     */
    public void setEvents(RouterEvents events) {
        this.events = events == null ? RouterEvents.NONE : events;
    }

    /**
     * At most {@code lastN} video tracks are forwarded to this subscriber (the room's setting, or
     * a phone's smaller default, {@value SubscriberLink#DEFAULT_LAST_N} until set); the rest are paused for it.
     */
    public void setLastN(Transport subscriber, int lastN) {
        loop.execute(() -> linkOf(subscriber).subscriber().setLastN(lastN));
    }

    /** What the forwarding towards one subscriber decided, read on the media loop. */
    public CompletableFuture<SubscriberReport> subscriberReport(Transport subscriber) {
        CompletableFuture<SubscriberReport> report = new CompletableFuture<>();
        loop.execute(() -> {
            TransportLink link = links.get(subscriber);
            SubscriberLink side = link == null ? null : link.subscriberOrNull();
            report.complete(side == null
                    ? new SubscriberReport(subscriber.id(), 0, 0, 0, SubscriberLink.DEFAULT_LAST_N, List.of())
                    : side.report());
        });
        return report;
    }

    public List<Producer> producers() {
        return List.copyOf(producers);
    }

    void removeProducer(Producer producer) {
        producers.remove(producer);
    }

    public void close() {
        for (Producer producer : new ArrayList<>(producers)) {
            producer.close();
        }
    }

    @Override
    public String toString() {
        return "Router[" + name + ", " + producers.size() + " producers]";
    }
}
