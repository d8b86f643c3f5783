package io.stagecast.sfu.router;

import io.netty.channel.EventLoop;
import io.stagecast.sfu.metrics.DropReason;
import io.stagecast.sfu.metrics.MediaMetrics;
import io.stagecast.sfu.transport.LoopConfinement;
import io.stagecast.sfu.transport.Transport;
import io.stagecast.sfu.transport.TransportState;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A router's part on one media loop: the links of the router's transports that this loop owns,
 * the producers living here (origins published on this loop, replicas of the others), the relays
 * from here to the router's other loops, and the periodic work of those producers (layer ranking
 * of replicas, pausing at the source). The router's home shard also runs the speaker detector.
 * Everything here is touched on its loop only.
 */
final class RouterShard {
    private static final long TICK_NANOS = 20_000_000L;
    private static final long LAYER_DEMAND_INTERVAL_NANOS = 100_000_000L;

    private final Router router;
    private final EventLoop loop;
    private final boolean home;
    /** Transport -> its link; the transports this loop owns. */
    private final Map<Transport, TransportLink> links = new HashMap<>();
    /** Origins on this loop and replicas here, for their periodic work. */
    private final List<Producer> local = new ArrayList<>();
    /** Origin (on another loop) -> its replica here. */
    private final Map<Producer, ProducerReplica> replicas = new HashMap<>();
    /** Target shard -> the relay from here to there. */
    private final Map<RouterShard, LoopRelay> relays = new HashMap<>();
    /** The same relays, iterated per tick without an iterator's allocation. */
    private final List<LoopRelay> relayList = new ArrayList<>();
    private final LayerDemand layerDemand = new LayerDemand();
    private long lastTickNanos = Long.MIN_VALUE / 2;
    private long lastDemandNanos = Long.MIN_VALUE / 2;
    private MediaMetrics metrics;
    /** Any sender of this loop: they all share the loop's socket, which {@link #flush} sends. */
    private io.stagecast.sfu.transport.TransportSender socketSender;

    RouterShard(Router router, EventLoop loop, boolean home) {
        this.router = router;
        this.loop = loop;
        this.home = home;
    }

    EventLoop loop() {
        return loop;
    }

    boolean isHome() {
        return home;
    }

    /** The link of {@code transport} (owned by this loop), made and set as its listener on first use. */
    TransportLink linkOf(Transport transport) {
        assert LoopConfinement.owned(loop);
        TransportLink link = links.get(transport);
        if (link == null) {
            link = new TransportLink(router, this, transport);
            links.put(transport, link);
            if (metrics == null) {
                metrics = transport.metrics();
            }
            if (socketSender == null) {
                socketSender = transport.sender();
            }
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

    TransportLink linkOrNull(Transport transport) {
        return links.get(transport);
    }

    void addLocal(Producer producer) {
        local.add(producer);
    }

    void removeLocal(Producer producer) {
        local.remove(producer);
    }

    /**
     * What this loop's consumers of {@code origin} attach to: the origin itself when it lives
     * here, else this loop's replica of it (made on first use, and then fed by the origin).
     */
    Producer instanceOf(Producer origin, boolean pinned) {
        assert LoopConfinement.owned(loop);
        if (origin.originLoop() == loop) {
            return origin;
        }
        ProducerReplica replica = replicas.get(origin);
        if (replica == null) {
            replica = new ProducerReplica(origin, this, pinned);
            replicas.put(origin, replica);
            local.add(replica);
            ProducerReplica added = replica;
            origin.originLoop().execute(() -> origin.addReplica(added));
        }
        return replica;
    }

    void removeReplica(ProducerReplica replica) {
        replicas.remove(replica.origin(), replica);
        local.remove(replica);
    }

    /** This loop: sends what the consumers queued on its socket (after a relayed batch). */
    void flush() {
        if (socketSender != null) {
            socketSender.flush();
        }
    }

    /** Source side (this loop): the relay to {@code target}'s loop. */
    LoopRelay relayTo(RouterShard target) {
        LoopRelay relay = relays.get(target);
        if (relay == null) {
            relay = new LoopRelay(loop, target);
            relays.put(target, relay);
            relayList.add(relay);
        }
        return relay;
    }

    /** Every subscriber of this loop allocates again at its next tick. */
    void allocateAllSoon() {
        for (TransportLink link : links.values()) {
            SubscriberLink subscriber = link.subscriberOrNull();
            if (subscriber != null) {
                subscriber.allocateSoon();
            }
        }
    }

    /** Periodic work; every link of this loop calls it per tick (and the home loop's own ticker): once per tick interval. */
    void tick(long nowNanos) {
        if (nowNanos - lastTickNanos < TICK_NANOS / 2) {
            return;
        }
        lastTickNanos = nowNanos;
        if (home) {
            router.tickSpeakers(nowNanos);
        }
        for (int i = local.size() - 1; i >= 0; i--) {
            if (local.get(i) instanceof ProducerReplica replica) {
                replica.rateLayers(nowNanos);
                replica.retryKeyframes(nowNanos);
                if (replica.idle(nowNanos)) {
                    replica.closeNow();
                }
            }
        }
        if (nowNanos - lastDemandNanos >= LAYER_DEMAND_INTERVAL_NANOS) {
            lastDemandNanos = nowNanos;
            for (int i = 0; i < local.size(); i++) {
                Producer producer = local.get(i);
                if (producer instanceof ProducerReplica replica) {
                    replica.reportNeeds(nowNanos);
                } else {
                    layerDemand.update(producer, nowNanos, router.events(), metrics);
                }
            }
            for (int i = 0; i < relayList.size(); i++) {
                long dropped = relayList.get(i).takeDropped();
                for (long k = 0; k < dropped && metrics != null; k++) {
                    metrics.drop(DropReason.LOOP_RELAY_FULL);
                }
            }
        }
    }

    /** An origin of this loop closed: its paused layers no longer count. */
    void forget(Producer origin) {
        layerDemand.forget(origin, metrics);
    }

    /** Closes every replica here (the router closes). */
    void close() {
        for (ProducerReplica replica : new ArrayList<>(replicas.values())) {
            replica.closeNow();
        }
    }
}
