package io.stagecast.signaling.room;

import io.stagecast.sfu.router.Producer;
import io.stagecast.sfu.router.RouterEvents;
import io.stagecast.sfu.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The media plane's news of one room, carried from the media event loops to a signaling thread.
 * A loop only stores the latest value and queues at most one drain: it never waits for the
 * room's lock (held while the room calls into the media plane, and while it writes every
 * subscriber's SDP) and never queues more than one task however often the news changes. A burst
 * of changes reaches the room as its latest state: the dominant speaker now, per producer the
 * layers needed now, per transport its end. Every store is keyed (one slot, one entry per live
 * producer or transport), so nothing here grows with the rate of news, only with the room.
 *
 * <p>Safe to call from several loops at once (each transport and producer on its own loop): the
 * slots are concurrent, and news stored while a drain runs queues the next one. The executor runs
 * one task at a time (the rooms' timer thread), so the room sees the news in the order drained.
 *
 * <p>Voice activity is not drained: the loop pushes each microphone's last voice time here
 * ({@link #onVoiceActivity}) and the room reads it at its once-a-second tick.
 */
final class RoomMediaEvents implements RouterEvents {
    private static final Logger log = LoggerFactory.getLogger(RoomMediaEvents.class);

    /** Where the news goes, on the executor's thread. */
    interface Sink {
        void dominantSpeakerChanged(Producer audioOrNull);

        void layerDemandChanged(Producer producer, List<Boolean> needed);

        /** A producer learnt a stream's SSRC since the last drain (its relay spec changed). */
        void streamsLearned();

        /** {@code transport}, made for {@code owner}, ended on its loop (consent, DTLS, or a close). */
        void transportClosed(Participant owner, Transport transport, String reason);
    }

    private record Closed(Participant owner, String reason) {
    }

    private final Executor executor;
    private final Sink sink;
    /** null: no change waiting; empty: nobody speaks. */
    private final AtomicReference<Optional<Producer>> dominant = new AtomicReference<>();
    /** At most one entry per live producer: the latest demand not yet handed over. */
    private final ConcurrentMap<Producer, List<Boolean>> demand = new ConcurrentHashMap<>();
    /** Transports that ended and whose end the room has not handled yet (each ends once). */
    private final ConcurrentMap<Transport, Closed> closed = new ConcurrentHashMap<>();
    /** Per microphone producer, the latest voice time its loop pushed; pruned by the room's tick. */
    private final ConcurrentMap<Producer, AtomicLong> voice = new ConcurrentHashMap<>();
    private volatile boolean voicePushed;
    private final AtomicBoolean learnt = new AtomicBoolean();
    private final AtomicBoolean drainQueued = new AtomicBoolean();

    RoomMediaEvents(Executor executor, Sink sink) {
        this.executor = executor;
        this.sink = sink;
    }

    @Override
    public void onDominantSpeaker(Producer audio) {
        dominant.set(Optional.ofNullable(audio));
        queueDrain();
    }

    @Override
    public void onLayerDemand(Producer producer, List<Boolean> needed) {
        if (producer == null || needed == null) {
            return;
        }
        demand.put(producer, List.copyOf(needed));
        queueDrain();
    }

    @Override
    public void onStreamLearned(Producer producer) {
        learnt.set(true);
        queueDrain();
    }

    /**
     * Stores the time only (no task): after the first push of a producer, a get and a CAS, no
     * allocation. Times only move forward, whichever loop's push lands last.
     */
    @Override
    public void onVoiceActivity(Producer producer, long lastVoiceNanos) {
        if (producer == null || lastVoiceNanos == 0) {
            return;
        }
        AtomicLong last = voice.get(producer);
        if (last == null) {
            last = voice.computeIfAbsent(producer, p -> new AtomicLong());
        }
        last.accumulateAndGet(lastVoiceNanos, Math::max);
        voicePushed = true;
    }

    /**
     * Called on the transport's loop ({@code TransportListener.onClosed}): the room handles the end
     * on the executor's thread, under its lock.
     */
    void onTransportClosed(Participant owner, Transport transport, String reason) {
        closed.putIfAbsent(transport, new Closed(owner, reason));
        queueDrain();
    }

    /** Whether the media plane pushes voice activity at all ({@link #onVoiceActivity} was called once). */
    boolean voicePushed() {
        return voicePushed;
    }

    /** The latest voice time pushed for {@code producer}, 0 if none. */
    long lastVoiceNanos(Producer producer) {
        AtomicLong last = voice.get(producer);
        return last == null ? 0 : last.get();
    }

    /** Forgets the voice of producers no longer on stage (a late push comes back until the next call). */
    void retainVoiceOf(Collection<Producer> live) {
        voice.keySet().retainAll(live);
    }

    /** Entries waiting for the room (tests: the stores stay bounded). */
    int pending() {
        return (dominant.get() == null ? 0 : 1) + demand.size() + closed.size();
    }

    private void queueDrain() {
        if (drainQueued.compareAndSet(false, true)) {
            try {
                executor.execute(this::drain);
            } catch (RejectedExecutionException e) {
                drainQueued.set(false); // the node is shutting down
            }
        }
    }

    private void drain() {
        // Cleared first: news arriving while the sink runs queues the next drain.
        drainQueued.set(false);
        // Ends first: the news after them may name what they ended (the room checks either way).
        for (Transport transport : closed.keySet()) {
            Closed end = closed.remove(transport);
            if (end != null) {
                deliver(() -> sink.transportClosed(end.owner(), transport, end.reason()));
            }
        }
        Optional<Producer> speaker = dominant.getAndSet(null);
        if (speaker != null) {
            deliver(() -> sink.dominantSpeakerChanged(speaker.orElse(null)));
        }
        for (Producer producer : demand.keySet()) {
            List<Boolean> needed = demand.remove(producer);
            if (needed != null) {
                deliver(() -> sink.layerDemandChanged(producer, needed));
            }
        }
        if (learnt.getAndSet(false)) {
            deliver(sink::streamsLearned);
        }
    }

    /** One piece of news; a failure is logged and does not hold back the rest. */
    private static void deliver(Runnable news) {
        try {
            news.run();
        } catch (RuntimeException e) {
            log.warn("media-plane news could not be handled", e);
        }
    }
}
