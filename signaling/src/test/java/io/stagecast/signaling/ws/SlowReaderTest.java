package io.stagecast.signaling.ws;

import io.stagecast.signaling.StagecastServer;
import io.stagecast.signaling.config.StagecastConfig;
import io.stagecast.signaling.testutil.RawWebSocket;
import io.stagecast.signaling.testutil.RawWebSocket.Frame;
import io.stagecast.signaling.token.JoinGrant;
import io.stagecast.signaling.token.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client that completes the handshake, joins, and then never reads, while the room keeps
 * talking: 50,000 events go to everyone. The node must keep at most the outbound cap for it and
 * close it with a stated reason, not buffer every event until the socket closes (issue 8: +54 MB
 * for one socket). The events come from many short-lived attendees (join, chat, hands, reactions,
 * leave), each within its own rate limits, as a busy room would make them.
 */
@Timeout(180)
class SlowReaderTest {
    private static final int EVENTS = 50_000;
    private static final long HEAP_SLACK_BYTES = 10L * 1024 * 1024;
    private static final String ROOM = "slow-reader";
    private static final String CHAT_TEXT = "x".repeat(900);
    private static StagecastServer server;

    @BeforeAll
    static void start() throws Exception {
        server = StagecastServer.start(StagecastConfig.load(null, Map.of(
                "STAGECAST_HTTP_HOST", "127.0.0.1", "STAGECAST_HTTP_PORT", "0",
                "STAGECAST_MEDIA_PORT", "0", "STAGECAST_MEDIA_BIND_ADDRESS", "127.0.0.1",
                "STAGECAST_MEDIA_ANNOUNCED_ADDRESSES", "127.0.0.1",
                "STAGECAST_MEDIA_ALLOWED_REMOTE_NETWORKS", "127.0.0.0/8",
                "STAGECAST_ROOMS_DEMO", "",
                "STAGECAST_TOKEN_SECRET", "slow-reader-secret-slow-reader-secret-012"), new Properties()));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String token(String id, Role role) {
        return server.tokens().mint(JoinGrant.of(ROOM, id, id, role, Instant.now().plus(Duration.ofHours(1))));
    }

    @Test
    void aClientThatStopsReadingIsClosedWithAReasonAndTheHeapStaysFlat() throws Exception {
        // The slow client is the moderator who starts the session, then reads nothing more. A small
        // receive buffer makes its TCP window small, so the node's socket fills soon.
        RawWebSocket slow = RawWebSocket.connect(server.baseUrl(), 4096);
        slow.sendText("{\"id\":1,\"type\":\"join\",\"room\":\"" + ROOM + "\",\"token\":\"" + token("slow-mod", Role.MODERATOR) + "\"}");
        slow.readTextContaining("\"id\":1", 5_000);
        slow.sendText("{\"id\":2,\"type\":\"session.start\"}");
        slow.readTextContaining("\"id\":2", 5_000);

        AtomicLong events = new AtomicLong();
        AtomicInteger names = new AtomicInteger();
        for (int i = 0; i < 3; i++) {
            events.addAndGet(attendeeVisit("warm-up-" + i)); // classes loaded, pools warm
        }
        long heapBefore = heapAfterGc();
        double closedBefore = slowReaderCloses();

        ExecutorService generators = Executors.newFixedThreadPool(4);
        // What the slow client reads once the node gave up on it: the text frames counted (not kept:
        // they would count in the heap measured below), the last frame kept.
        AtomicLong slowTextFrames = new AtomicLong();
        CompletableFuture<Frame> slowLast = new CompletableFuture<>();
        Thread watcher = new Thread(() -> {
            // Once the node gave up on the slow client, read what it still sends: up to the cap of
            // old events (dropped on the node), then the Close frame with the reason.
            try {
                while (slowReaderCloses() <= closedBefore) {
                    Thread.sleep(20);
                }
                Frame last = null;
                try {
                    for (Frame f; (f = slow.read(30_000)) != null; last = f) {
                        if (f.opcode() == RawWebSocket.TEXT) {
                            slowTextFrames.incrementAndGet();
                        }
                    }
                } catch (java.io.EOFException | java.net.SocketException endOfStream) {
                    // the node closed the connection
                }
                slowLast.complete(last);
            } catch (Exception e) {
                slowLast.completeExceptionally(e);
            }
        }, "slow-reader-watcher");
        watcher.setDaemon(true);
        watcher.start();
        long started = System.nanoTime();
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            running.add(generators.submit(() -> {
                while (events.get() < EVENTS) {
                    events.addAndGet(attendeeVisit("a" + names.incrementAndGet()));
                }
                return null;
            }));
        }
        for (Future<?> f : running) {
            f.get(150, TimeUnit.SECONDS);
        }
        generators.shutdown();
        long generatedMillis = (System.nanoTime() - started) / 1_000_000;
        long heapAfter = heapAfterGc();
        System.out.printf("slow reader: %d events in %d ms by %d attendees; heap after GC %d -> %d KiB (%+d KiB);"
                        + " the slow client read %d messages after the node gave up on it%n",
                events.get(), generatedMillis, names.get(), heapBefore / 1024, heapAfter / 1024,
                (heapAfter - heapBefore) / 1024, slowTextFrames.get());

        assertTrue(events.get() >= EVENTS, "events pushed to the room: " + events.get());
        assertTrue(heapAfter - heapBefore <= HEAP_SLACK_BYTES, "the node's heap grew by "
                + (heapAfter - heapBefore) / 1024 + " KiB while one client did not read");
        assertEquals(closedBefore + 1, slowReaderCloses(), 0.0, "counted in stagecast_websocket_closed_total{reason=slow_reader}");

        Frame last = slowLast.get(40, TimeUnit.SECONDS);
        assertNotNull(last, "the slow client got nothing at all");
        assertEquals(RawWebSocket.CLOSE, last.opcode(), "the last frame is the Close frame: " + RawWebSocket.describe(last));
        assertEquals(1008, last.closeCode(), RawWebSocket.describe(last));
        assertTrue(last.closeReason().contains("not reading"), RawWebSocket.describe(last));
        assertTrue(slowTextFrames.get() < EVENTS / 2,
                "most events were dropped for the slow client, not queued: it got " + slowTextFrames.get());
        slow.close();
    }

    /**
     * One attendee's visit: join, 5 chat messages, 18 raised and lowered hands, 10 reactions and
     * leave, each inside its rate limit, sent without waiting and read back. Returns the events
     * pushed to the whole room (one per accepted request, plus the join and the leave).
     */
    private static long attendeeVisit(String id) throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(server.baseUrl())) {
            ws.sendText("{\"id\":1,\"type\":\"join\",\"room\":\"" + ROOM + "\",\"token\":\"" + token(id, Role.ATTENDEE) + "\"}");
            if (!ws.readTextContaining("\"id\":1,", 10_000).contains("\"ok\":true")) {
                throw new AssertionError(id + " could not join");
            }
            int next = 2;
            List<String> requests = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                requests.add("{\"id\":" + next++ + ",\"type\":\"chat.send\",\"text\":\"" + CHAT_TEXT + "\"}");
            }
            for (int i = 0; i < 18; i++) {
                requests.add("{\"id\":" + next++ + ",\"type\":\"hand." + (i % 2 == 0 ? "raise" : "lower")
                        + "\",\"participantId\":\"" + id + "\"}");
            }
            for (int i = 0; i < 10; i++) {
                requests.add("{\"id\":" + next++ + ",\"type\":\"reaction.send\",\"emoji\":\"\\uD83D\\uDC4F\"}");
            }
            int leaveId = next;
            requests.add("{\"id\":" + leaveId + ",\"type\":\"room.leave\"}");
            for (String request : requests) {
                ws.sendText(request);
            }
            long accepted = 0;
            for (Frame frame : ws.readUntilEnd(30_000)) {
                if (frame.opcode() == RawWebSocket.TEXT && frame.text().startsWith("{\"type\":\"response\"")) {
                    String text = frame.text();
                    if (text.contains("\"ok\":true")) {
                        accepted++;
                    } else {
                        throw new AssertionError(id + ": refused " + text);
                    }
                }
            }
            if (accepted != requests.size()) {
                throw new AssertionError(id + ": " + accepted + " of " + requests.size() + " answered");
            }
            return accepted + 1; // the join's participant.added; the leave is among the accepted
        }
    }

    private static double slowReaderCloses() {
        var counter = server.metrics().find("stagecast.websocket.closed").tag("reason", "slow_reader").counter();
        return counter == null ? 0 : counter.count();
    }

    /** Heap in use after full collections, the lowest of a few tries (a collection can be cut short). */
    private static long heapAfterGc() throws InterruptedException {
        long lowest = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
            lowest = Math.min(lowest, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return lowest;
    }
}
