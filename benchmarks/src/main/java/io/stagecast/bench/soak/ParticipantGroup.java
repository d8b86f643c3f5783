package io.stagecast.bench.soak;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishers and viewers that join together and leave together: the publishers first (each
 * going on stage), then the viewers at once. Joined means every viewer got its first media
 * packet (from these publishers or from others already in the room).
 */
final class ParticipantGroup implements AutoCloseable {
    private final SyntheticClients clients;
    private final SoakTokens tokens;
    private final int publisherCount;
    private final int viewerCount;
    private final List<SyntheticClients.Publisher> publishers = new ArrayList<>();
    private final List<SyntheticClients.Viewer> viewers = new ArrayList<>();
    /** Wall clock when each viewer's join began, to turn its join time into the first packet's epoch time. */
    private final List<Long> viewerStartEpochMillis = new ArrayList<>();
    private long joinedEpochMillis;
    private boolean closed;

    ParticipantGroup(SyntheticClients clients, SoakTokens tokens, int publishers, int viewers) {
        this.clients = clients;
        this.tokens = tokens;
        this.publisherCount = publishers;
        this.viewerCount = viewers;
    }

    /** Joins everyone; fails when one join fails or a viewer has no media within {@code timeout}. */
    void join(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int i = 0; i < publisherCount; i++) {
            SyntheticClients.Publisher publisher = clients.newPublisher(i);
            publishers.add(publisher);
            publisher.start(tokens.room(), tokens.publisher("publisher-" + i)).get(remaining(deadline), TimeUnit.NANOSECONDS);
        }
        List<CompletableFuture<Void>> joins = new ArrayList<>();
        for (int i = 0; i < viewerCount; i++) {
            SyntheticClients.Viewer viewer = clients.newViewer();
            viewers.add(viewer);
            viewerStartEpochMillis.add(System.currentTimeMillis());
            joins.add(viewer.start(tokens.room(), tokens.viewer("viewer-" + i)));
        }
        for (CompletableFuture<Void> join : joins) {
            join.get(remaining(deadline), TimeUnit.NANOSECONDS);
        }
        while (viewers.stream().anyMatch(v -> v.joinNanos() < 0)) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("viewers connected but without media after " + timeout);
            }
            Thread.sleep(10);
        }
        joinedEpochMillis = System.currentTimeMillis();
    }

    private static long remaining(long deadline) {
        return Math.max(1, deadline - System.nanoTime());
    }

    /** Epoch milliseconds of the first media packet any viewer got; without viewers, when the join ended. */
    long firstMediaEpochMillis() {
        long first = Long.MAX_VALUE;
        for (int i = 0; i < viewers.size(); i++) {
            long nanos = viewers.get(i).joinNanos();
            if (nanos >= 0) {
                first = Math.min(first, viewerStartEpochMillis.get(i) + nanos / 1_000_000);
            }
        }
        return first == Long.MAX_VALUE ? joinedEpochMillis : first;
    }

    /** RTP packets all viewers received. */
    long received() {
        long sum = 0;
        for (SyntheticClients.Viewer viewer : viewers) {
            sum += viewer.received();
        }
        return sum;
    }

    /** RTP packets all viewers should have received, by their sequence numbers. */
    long expected() {
        long sum = 0;
        for (SyntheticClients.Viewer viewer : viewers) {
            sum += viewer.expected();
        }
        return sum;
    }

    List<SyntheticClients.Publisher> publishers() {
        return publishers;
    }

    /** Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        viewers.forEach(SyntheticClients.Viewer::close);
        publishers.forEach(SyntheticClients.Publisher::close);
    }
}
