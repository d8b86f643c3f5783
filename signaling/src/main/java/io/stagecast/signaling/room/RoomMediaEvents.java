package io.stagecast.signaling.room;

import io.stagecast.sfu.router.Producer;
import io.stagecast.sfu.router.RouterEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The media plane's news of one room, carried from the media event loop to a signaling thread.
 * The loop only stores the latest value and queues at most one drain: it never waits for the
 * room's lock (held while the room calls into the media plane) and never queues more than one
 * task however often the news changes. A burst of changes reaches the room as its latest state:
 * the dominant speaker now, and per producer the layers needed now.
 */
final class RoomMediaEvents implements RouterEvents {
    private static final Logger log = LoggerFactory.getLogger(RoomMediaEvents.class);

    /** Where the news goes, on the executor's thread. */
    interface Sink {
        void dominantSpeakerChanged(Producer audioOrNull);

        void layerDemandChanged(Producer producer, List<Boolean> needed);
    }

    private final Executor executor;
    private final Sink sink;
    /** null: no change waiting; empty: nobody speaks. */
    private final AtomicReference<Optional<Producer>> dominant = new AtomicReference<>();
    /** At most one entry per live producer: the latest demand not yet handed over. */
    private final ConcurrentMap<Producer, List<Boolean>> demand = new ConcurrentHashMap<>();
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
        try {
            Optional<Producer> speaker = dominant.getAndSet(null);
            if (speaker != null) {
                sink.dominantSpeakerChanged(speaker.orElse(null));
            }
            for (Producer producer : demand.keySet()) {
                List<Boolean> needed = demand.remove(producer);
                if (needed != null) {
                    sink.layerDemandChanged(producer, needed);
                }
            }
        } catch (RuntimeException e) {
            log.warn("media-plane news could not be handled", e);
        }
    }
}
