package io.stagecast.sfu.router;

import io.netty.channel.EventLoop;
import io.stagecast.sfu.audio.DominantSpeakerDetector;
import io.stagecast.sfu.transport.Transport;

import io.netty.util.concurrent.ScheduledFuture;
import io.stagecast.sfu.transport.LoopConfinement;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A room's forwarding graph: the producers published into it and who consumes them. Changes made
 * here are queued on the media event loops in call order, so signaling can call from any thread
 * and use the returned handles at once.
 *
 * <p>Every transport the router uses has one {@link TransportLink}, the transport's
 * {@link io.stagecast.sfu.transport.MediaListener}: packets flow up from the transport into it,
 * across the graph (producer -> consumers), and down through the subscribers' transports' send
 * API. Nothing in the transport package knows the router.
 *
 * <p>Several loops: a room's transports may live on any of the node's media loops. The router
 * has one {@link RouterShard} per loop it uses (that loop's links, producers and replicas); a
 * producer's packets reach another loop's consumers once per packet through a replica there
 * ({@link ProducerReplica}, {@link LoopRelay}). The room-wide parts (the dominant speaker) run on
 * the router's home loop, which has a replica of every audio producer published elsewhere.
 */
public final class Router {
    private static final long TICK_NANOS = 20_000_000L;

    private final String name;
    private final EventLoop home;
    private final RouterShard homeShard;
    private final Map<EventLoop, RouterShard> shards = new ConcurrentHashMap<>();
    private final List<Producer> producers = new CopyOnWriteArrayList<>();
    private volatile RouterEvents events = RouterEvents.NONE;
    /** Who speaks, from the audio producers' RFC 6464 levels; ids are {@link Producer#speakerId}. Home loop only. */
    private final DominantSpeakerDetector speakers = new DominantSpeakerDetector();
    private final BitSet speakerIds = new BitSet();
    private final Producer[] bySpeakerId = new Producer[256];
    /** Written by the home loop, read by every loop's allocation (once per allocation, not per packet). */
    private volatile Producer dominant;
    /** The home loop's own tick: the speaker detector runs even when no transport of the room lives there. */
    private final ScheduledFuture<?> homeTicker;

    /** @param home the loop of the room-wide parts (any of the node's loops) */
    public Router(String name, EventLoop home) {
        this.name = name;
        this.home = home;
        this.homeShard = new RouterShard(this, home, true);
        shards.put(home, homeShard);
        this.homeTicker = home.scheduleAtFixedRate(() -> homeShard.tick(System.nanoTime()),
                TICK_NANOS, TICK_NANOS, TimeUnit.NANOSECONDS);
    }

    public String name() {
        return name;
    }

    public Producer createProducer(Transport publisher, ProducerSpec spec) {
        Producer producer = new Producer(UUID.randomUUID().toString(), this, publisher, spec);
        producers.add(producer);
        publisher.execute(producer::attach);
        return producer;
    }

    public Consumer createConsumer(Transport subscriber, Producer producer, ConsumerSpec spec) {
        Consumer consumer = newConsumer(subscriber, producer, spec);
        subscriber.execute(consumer::attach);
        return consumer;
    }

    /**
     * The origin's end of a relay of {@code producer} to another node, on relay transport
     * {@code relay} ({@link io.stagecast.sfu.transport.Transport#isRelay}): every layer as the
     * publisher sent it (see {@link RelayConsumer}); the other node makes a producer of it with
     * {@link Producer#relaySpec()}.
     */
    public Consumer createRelayConsumer(Transport relay, Producer producer) {
        if (!relay.isRelay()) {
            throw new IllegalArgumentException("transport " + relay.id() + " is not a relay");
        }
        Consumer consumer = new RelayConsumer(UUID.randomUUID().toString(), this, relay, producer);
        relay.execute(consumer::attach);
        return consumer;
    }

    /**
     * A consumer on the same SSRCs as {@code previous} (closed, or null), continuing its sequence
     * numbers and timestamps: what a subscriber that cannot renegotiate (WHEP) needs when its
     * fixed slot shows another producer.
     */
    public Consumer createConsumer(Transport subscriber, Producer producer, ConsumerSpec spec, Consumer previous) {
        Consumer consumer = newConsumer(subscriber, producer, spec);
        subscriber.execute(() -> {
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

    // ---- the router's part on each loop ----

    /** The shard of {@code loop}, made on first use (any thread; then used on its loop only). */
    RouterShard shardOf(EventLoop loop) {
        return shards.computeIfAbsent(loop, l -> new RouterShard(this, l, false));
    }

    /** The link of {@code transport} on its loop's shard, made on first use. On that loop. */
    TransportLink linkOf(Transport transport) {
        return shardOf(transport.eventLoop()).linkOf(transport);
    }

    // ---- room-wide: the dominant speaker (home loop) ----

    /** Home loop, per tick: the detector's choice, pushed to signaling and every viewer's allocation. */
    void tickSpeakers(long nowNanos) {
        int id = speakers.tick(nowNanos);
        Producer now = id >= 0 && id < bySpeakerId.length ? bySpeakerId[id] : null;
        if (now != dominant) {
            dominant = now;
            events.onDominantSpeaker(now);
            allocateAllSoon();
        }
    }

    /** The audio producer speaking now (the detector's choice), null when nobody is. Any loop. */
    Producer dominantSpeaker() {
        return dominant;
    }

    /**
     * An RFC 6464 level (0 loudest .. 127 silence) of an audio producer's packet, from its
     * instance on the home loop (the origin or its pinned replica). Per packet: no allocation.
     */
    void onAudioLevel(Producer origin, int level, long nowNanos) {
        assert LoopConfinement.owned(home);
        if (origin.speakerId >= 0) {
            speakers.onAudioLevel(origin.speakerId, level, nowNanos);
        }
    }

    /** Origin's loop: a producer joined the graph; an audio one gets a speaker id on the home loop. */
    void onProducerAttached(Producer producer) {
        if (producer.kind() != MediaKind.AUDIO) {
            return;
        }
        home.execute(() -> {
            if (producer.isClosed() || producer.speakerId >= 0) {
                return;
            }
            int id = speakerIds.nextClearBit(0);
            if (id < bySpeakerId.length) {
                speakerIds.set(id);
                bySpeakerId[id] = producer;
                producer.speakerId = id;
                speakers.addSpeaker(id, System.nanoTime());
            }
            // Published on another loop: the home loop needs its levels, so it keeps a replica.
            homeShard.instanceOf(producer, true);
        });
    }

    /** Origin's loop: a producer left the graph. */
    void onProducerClosed(Producer producer) {
        if (producer.shard != null) {
            producer.shard.forget(producer);
        }
        if (producer.kind() == MediaKind.AUDIO) {
            home.execute(() -> {
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
            });
        }
        allocateAllSoon();
    }

    /** Every subscriber, on every loop, allocates again at its next tick (priorities, the dominant speaker changed). */
    void allocateAllSoon() {
        for (RouterShard shard : shards.values()) {
            if (shard.loop().inEventLoop()) {
                shard.allocateAllSoon();
            } else {
                shard.loop().execute(shard::allocateAllSoon);
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
        subscriber.execute(() -> linkOf(subscriber).subscriber().setLastN(lastN));
    }

    /** What the forwarding towards one subscriber decided, read on the media loop. */
    public CompletableFuture<SubscriberReport> subscriberReport(Transport subscriber) {
        CompletableFuture<SubscriberReport> report = new CompletableFuture<>();
        subscriber.execute(() -> {
            TransportLink link = shardOf(subscriber.eventLoop()).linkOrNull(subscriber);
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
        homeTicker.cancel(false);
        for (Producer producer : new ArrayList<>(producers)) {
            producer.close();
        }
        for (RouterShard shard : shards.values()) {
            shard.loop().execute(shard::close);
        }
    }

    @Override
    public String toString() {
        return "Router[" + name + ", " + producers.size() + " producers]";
    }
}
