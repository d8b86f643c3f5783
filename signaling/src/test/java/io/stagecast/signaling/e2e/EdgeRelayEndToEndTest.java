package io.stagecast.signaling.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecast.signaling.testutil.JsonWebSocketClient;
import io.stagecast.signaling.testutil.RedisProcess;
import io.stagecast.signaling.testutil.SyntheticMedia;
import io.stagecast.signaling.testutil.WhepPlayer;
import io.stagecast.signaling.testutil.WhipEncoder;
import io.stagecast.signaling.token.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 14 with three node processes on one real Redis (docs/operations.md, "Edge viewers (WHEP)
 * and the relay"): a WHIP encoder publishes on node A, the room's origin; WHEP players watch on
 * node B (two) and node C (one), each edge serving its own viewers from one relay of the room.
 *
 * <p>Judged first: every viewer gets every packet, and A sends each packet once per edge however
 * many viewers an edge has ({@code stagecast_relay_packets_total{end="origin"}} against what the
 * encoder sent). Then B is killed with SIGKILL: its players notice their media stopped (no packet
 * for 1 s, a player's watchdog), POST again to C, and hear the publisher again within 5 s of the
 * kill; the viewer on C misses nothing meanwhile; and A closes its relay to B once B is silent.
 * Everything stays on loopback.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EdgeRelayEndToEndTest {
    private static final String ROOM = "townhall";
    private static final Duration BACK_LIMIT = Duration.ofSeconds(5);
    /** How long a player waits without a packet before it gives its node up. */
    private static final long WATCHDOG_MS = 1_000;

    private static RedisProcess redis;
    private static final List<NodeProcess> nodes = new ArrayList<>();
    private static final List<AutoCloseable> peers = new ArrayList<>();
    private static WhipEncoder encoder;
    private static final List<WhepPlayer> onB = new ArrayList<>();
    private static WhepPlayer onC;

    @BeforeAll
    static void startCluster() throws Exception {
        assumeTrue(System.getenv("CI") != null || RedisProcess.available(), "needs redis-server (Debian package redis-server)");
        redis = RedisProcess.start();
        for (String id : List.of("node-a", "node-b", "node-c")) {
            nodes.add(NodeProcess.onLoopback("edge-relay-" + id, Map.of(
                    "STAGECAST_CLUSTER_REDIS_URL", redis.url(),
                    "STAGECAST_CLUSTER_NODE_ID", id)));
        }
        for (NodeProcess node : nodes) {
            within(Duration.ofSeconds(10), "every node sees three", () -> metric(node, "stagecast_cluster_nodes", "") == 3);
        }
    }

    @AfterAll
    static void stopCluster() throws Exception {
        for (AutoCloseable peer : peers) {
            peer.close();
        }
        for (NodeProcess node : nodes) {
            node.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    @Order(1)
    void viewersOnTwoEdgesGetEveryPacketAndTheOriginSendsEachOncePerEdge() throws Exception {
        NodeProcess a = nodes.get(0);
        NodeProcess b = nodes.get(1);
        NodeProcess c = nodes.get(2);
        encoder = keep(new WhipEncoder(9));
        HttpResponse<String> published = encoder.publish(a.baseUrl, ROOM, a.token(ROOM, "Host", Role.MODERATOR));
        assertEquals(201, published.statusCode(), "the room starts on A: " + published.body());
        for (int i = 0; i < 2; i++) {
            onB.add(watch(b, "viewer-b" + i));
        }
        onC = watch(c, "viewer-c");
        for (WhepPlayer p : all()) {
            within(Duration.ofSeconds(5), "each viewer hears the publisher", () -> p.received(9) > 0);
        }
        within(Duration.ofSeconds(5), "A relays to B and C", () -> metric(a, "stagecast_relays", "end=\"origin\"") == 2);

        long sentBefore = encoder.sent();
        long relayedBefore = (long) metric(a, "stagecast_relay_packets_total", "end=\"origin\"");
        long[] gotBefore = all().stream().mapToLong(p -> p.received(9)).toArray();
        Thread.sleep(3_000);
        long sent = encoder.sent() - sentBefore;
        long relayed = (long) metric(a, "stagecast_relay_packets_total", "end=\"origin\"") - relayedBefore;
        List<WhepPlayer> viewers = all();
        StringBuilder got = new StringBuilder();
        for (int i = 0; i < viewers.size(); i++) {
            long n = viewers.get(i).received(9) - gotBefore[i];
            got.append(i == 0 ? "" : ", ").append(n);
            assertTrue(n >= sent * 0.97 && n <= sent + 3, "viewer " + i + " got every packet once: " + n + " of " + sent);
        }
        System.out.println("edge relay: in 3 s the encoder sent " + sent + " packets, the viewers (B, B, C) got " + got
                + ", A relayed " + relayed + " (two edges, three viewers)");
        // The counter and the encoder are read a few ms apart: a packet or two each way at 50/s.
        assertTrue(Math.abs(relayed - 2 * sent) <= 6, "once per edge, not per viewer: " + relayed + " for " + sent + " sent");
    }

    /**
     * The stage rules across nodes: the moderator is a web client of B and the attendee one of C
     * ({@code cluster.edge-web}: each stays at its node, its requests passed through to the origin
     * A), so the request, the approval and the removal are the origin's one state machine; on
     * stage the attendee publishes to A (its {@code publish} is answered there), the media of the
     * new speaker reaches viewers on all three nodes, and the removal drops its next packet at A,
     * where it sends, so at every node at once.
     */
    @Test
    @Order(2)
    void anAttendeeEnteringThroughCGoesOnStageAndIsRemovedEverywhereAtOnce() throws Exception {
        NodeProcess a = nodes.get(0);
        NodeProcess b = nodes.get(1);
        NodeProcess c = nodes.get(2);
        JsonWebSocketClient mod = joinAt(b, b.token(ROOM, "mod", "Mia Moderator", Role.MODERATOR));
        mod.request("session.start"); // refused when the WHIP host's publish already started it
        assertTrue(mod.request("room.settings", "accessMode", "request").path("ok").asBoolean());
        JsonWebSocketClient ann = joinAt(c, c.token(ROOM, "ann", "Ann Attendee", Role.ATTENDEE));
        assertEquals(1.0, metric(b, "stagecast_edge_web_clients", ""), "the moderator is B's web client");
        assertEquals(1.0, metric(c, "stagecast_edge_web_clients", ""), "the attendee is C's web client");
        assertTrue(ann.request("stage.request").path("ok").asBoolean());
        assertTrue(mod.awaitEvent("stage.requestReceived", 5_000) != null, "the moderator (through B) sees the request");
        assertTrue(mod.request("stage.approve", "participantId", "ann").path("ok").asBoolean());
        assertTrue(ann.awaitEvent("stage.invitation", 5_000) != null, "the attendee (through C) is invited");
        assertTrue(ann.request("stage.accept").path("ok").asBoolean());
        WhipEncoder annMedia = keep(new WhipEncoder(21));
        JsonNode answer = ann.request("publish", "sdp", annMedia.offer());
        assertTrue(answer.path("ok").asBoolean(), answer.toString());
        annMedia.start(answer.path("data").path("sdp").asText());
        assertTrue(ann.request("media.microphone", "on", true).path("ok").asBoolean());

        List<WhepPlayer> everywhere = new ArrayList<>();
        List<String[]> resources = new ArrayList<>();
        for (NodeProcess node : nodes) {
            WhepPlayer p = keep(new WhepPlayer(2));
            String token = node.token(ROOM, "watcher", Role.ATTENDEE);
            HttpResponse<String> watched = p.watch(node.baseUrl, ROOM, token);
            assertEquals(201, watched.statusCode(), watched.body());
            resources.add(new String[] {node.baseUrl, watched.headers().firstValue("Location").orElseThrow(), token});
            everywhere.add(p);
        }
        for (WhepPlayer p : everywhere) {
            within(Duration.ofSeconds(5), "viewers on A, B and C hear the new speaker", () -> p.received(21) > 20);
        }

        assertTrue(mod.request("stage.remove", "participantId", "ann").path("ok").asBoolean());
        Thread.sleep(300); // what was in flight before the removal drains
        long[] heard = everywhere.stream().mapToLong(p -> p.received(21)).toArray();
        long sentBefore = annMedia.sent();
        Thread.sleep(1_000);
        assertTrue(annMedia.sent() > sentBefore + 30, "the removed speaker keeps sending");
        for (int i = 0; i < heard.length; i++) {
            assertEquals(heard[i], everywhere.get(i).received(21), "nothing of the removed speaker reaches node " + "ABC".charAt(i));
        }
        assertTrue(everywhere.get(0).received(9) > 0 && everywhere.get(2).received(9) > 0, "the host goes on");
        System.out.println("edge relay: the attendee entering through C went on stage (approved through B), was heard on A, B"
                + " and C, and nothing of it reached any node after the removal (" + Arrays.toString(heard) + " packets)");
        for (String[] r : resources) {
            assertEquals(200, SyntheticMedia.delete(r[0], r[1], r[2]), "the watcher leaves");
        }
        mod.close();
        ann.close();
    }

    /**
     * Joins at {@code node}, which serves the web client there as an edge of the origin A
     * ({@code cluster.edge-web}): joined at once, no {@code wrong_node}.
     */
    private static JsonWebSocketClient joinAt(NodeProcess node, String token) throws Exception {
        JsonWebSocketClient socket = JsonWebSocketClient.connect(node.baseUrl);
        JsonNode reply = socket.request("join", "room", ROOM, "token", token, "stage", false);
        assertTrue(reply.path("ok").asBoolean(), "joined where it connected: " + reply);
        return socket;
    }

    /**
     * A publisher connected to an edge: a WHIP encoder POSTs to C, which answers it and relays its
     * track to the origin A over an uplink; A puts it on stage and relays it to every edge (C's
     * own viewer hears it through A). The moderator, through B, takes it off the stage: nothing
     * of it reaches any node after, and C ends the encoder's session.
     */
    @Test
    @Order(3)
    void anEncoderPublishingToEdgeCIsHeardOnAllThreeNodesAndTheModeratorsRemovalEndsItEverywhere() throws Exception {
        NodeProcess c = nodes.get(2);
        JsonWebSocketClient mod = joinAt(nodes.get(1), nodes.get(1).token(ROOM, "mod2", "Max Moderator", Role.MODERATOR));
        mod.drainEvents();
        WhipEncoder cleo = keep(new WhipEncoder(31));
        String cleoToken = c.token(ROOM, "Cleo Encoder", Role.SPEAKER);
        HttpResponse<String> published = cleo.publish(c.baseUrl, ROOM, cleoToken);
        assertEquals(201, published.statusCode(), "published at C, not sent to the origin: " + published.body());
        assertEquals(1, (int) metric(c, "stagecast_edge_publishers", ""), "C carries the encoder");

        List<WhepPlayer> everywhere = new ArrayList<>();
        List<String[]> resources = new ArrayList<>();
        for (NodeProcess node : nodes) {
            WhepPlayer p = keep(new WhepPlayer(2));
            String token = node.token(ROOM, "listener", Role.ATTENDEE);
            HttpResponse<String> watched = p.watch(node.baseUrl, ROOM, token);
            assertEquals(201, watched.statusCode(), watched.body());
            resources.add(new String[] {node.baseUrl, watched.headers().firstValue("Location").orElseThrow(), token});
            everywhere.add(p);
        }
        for (WhepPlayer p : everywhere) {
            within(Duration.ofSeconds(5), "viewers on A, B and C hear the encoder at C", () -> p.received(31) > 20);
        }
        long sentBefore = cleo.sent();
        long[] before = everywhere.stream().mapToLong(p -> p.received(31)).toArray();
        Thread.sleep(2_000);
        long sent = cleo.sent() - sentBefore;
        for (int i = 0; i < before.length; i++) {
            long got = everywhere.get(i).received(31) - before[i];
            assertTrue(got >= sent * 0.97 && got <= sent + 3, "node " + "ABC".charAt(i) + " got every packet: " + got + " of " + sent);
        }

        String cleoId = null;
        for (JsonNode event : mod.drainEvents()) {
            if (event.path("event").asText().equals("participant.added")
                    && event.path("participant").path("name").asText().equals("Cleo Encoder")) {
                cleoId = event.path("participant").path("id").asText();
            }
        }
        assertTrue(cleoId != null, "the moderator (through B) sees the encoder at C join the origin's room");
        assertTrue(mod.request("stage.remove", "participantId", cleoId).path("ok").asBoolean());
        long removedAt = System.nanoTime();
        within(Duration.ofSeconds(3), "C ends the encoder's session", () -> metric(c, "stagecast_edge_publishers", "") == 0);
        long endedMs = (System.nanoTime() - removedAt) / 1_000_000;
        Thread.sleep(300);
        long[] heard = everywhere.stream().mapToLong(p -> p.received(31)).toArray();
        Thread.sleep(1_000);
        for (int i = 0; i < heard.length; i++) {
            assertEquals(heard[i], everywhere.get(i).received(31), "nothing of the removed encoder reaches node " + "ABC".charAt(i));
        }
        assertEquals(404, SyntheticMedia.delete(c.baseUrl, published.headers().firstValue("Location").orElseThrow(), cleoToken));
        System.out.println("edge relay: an encoder at C was heard on A, B and C (every packet of " + sent + " in 2 s); taken off"
                + " the stage through B, its session at C ended within " + endedMs + " ms, nothing of it anywhere after");
        for (String[] r : resources) {
            assertEquals(200, SyntheticMedia.delete(r[0], r[1], r[2]), "the listener leaves");
        }
        mod.close();
    }

    @Test
    @Order(4)
    void anEdgeKilledItsViewersWatchAgainFromAnotherNodeWithin5s() throws Exception {
        NodeProcess a = nodes.get(0);
        NodeProcess b = nodes.get(1);
        NodeProcess c = nodes.get(2);
        long cBefore = onC.received(9);
        long sentBefore = encoder.sent();
        long killedAt = System.nanoTime();
        b.kill();

        // Each player on B, side by side: its watchdog fires, it POSTs again, to C (a node it knows).
        int n = onB.size();
        long[] last = new long[n];
        long[] lastChange = new long[n];
        WhepPlayer[] again = new WhepPlayer[n];
        long[] backMs = new long[n];
        for (int i = 0; i < n; i++) {
            last[i] = onB.get(i).received(9);
            lastChange[i] = System.nanoTime();
        }
        long deadline = killedAt + BACK_LIMIT.toNanos() + 5_000_000_000L;
        while (System.nanoTime() < deadline && Arrays.stream(backMs).anyMatch(ms -> ms == 0)) {
            for (int i = 0; i < n; i++) {
                long now = System.nanoTime();
                if (again[i] == null) {
                    long got = onB.get(i).received(9);
                    if (got != last[i]) {
                        last[i] = got;
                        lastChange[i] = now;
                    } else if ((now - lastChange[i]) / 1_000_000 >= WATCHDOG_MS) {
                        again[i] = watch(c, "viewer-b-again" + i);
                    }
                } else if (backMs[i] == 0 && again[i].received(9) > 0) {
                    backMs[i] = (now - killedAt) / 1_000_000;
                }
            }
            Thread.sleep(10);
        }
        long sent = encoder.sent() - sentBefore;
        long cGot = onC.received(9) - cBefore;
        System.out.println("edge relay: B killed; its viewers heard the publisher again from C " + Arrays.toString(backMs)
                + " ms after the kill (watchdog " + WATCHDOG_MS + " ms); C's viewer got " + cGot + " of " + sent
                + " packets meanwhile");
        for (long ms : backMs) {
            assertTrue(ms > 0 && ms <= BACK_LIMIT.toMillis(), "watching again " + (ms == 0 ? "never" : ms + " ms") + " after the kill");
        }
        assertTrue(cGot >= sent * 0.97, "the viewer on C missed nothing: " + cGot + " of " + sent);
        assertEquals(3, (int) metric(c, "stagecast_edge_viewers", ""), "C's viewer and the two from B");
        assertEquals(1, (int) metric(c, "stagecast_relays", "end=\"edge\""), "C still needs one relay, for its three viewers");
        within(Duration.ofSeconds(20), "A closes its relay to the dead node",
                () -> metric(a, "stagecast_relays", "end=\"origin\"") == 1);
        System.out.println("edge relay: A closed its relay to B " + (System.nanoTime() - killedAt) / 1_000_000 + " ms after the kill");
    }

    private static WhepPlayer watch(NodeProcess node, String name) throws Exception {
        WhepPlayer player = keep(new WhepPlayer(1));
        HttpResponse<String> watched = player.watch(node.baseUrl, ROOM, node.token(ROOM, name, Role.ATTENDEE));
        assertEquals(201, watched.statusCode(), "served at the node asked: " + watched.body());
        return player;
    }

    private static List<WhepPlayer> all() {
        List<WhepPlayer> all = new ArrayList<>(onB);
        all.add(onC);
        return all;
    }

    private static <T extends AutoCloseable> T keep(T peer) {
        peers.add(peer);
        return peer;
    }

    /** A sample of {@code name} whose labels contain {@code label} ("" for none), from the node's /metrics; -1 if absent. */
    private static double metric(NodeProcess node, String name, String label) {
        try {
            HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
                    .connectTimeout(Duration.ofSeconds(2)).build();
            String body = http.send(HttpRequest.newBuilder(URI.create(node.baseUrl + "/metrics"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body();
            for (String line : body.split("\n")) {
                boolean named = line.startsWith(name + " ") || line.startsWith(name + "{");
                if (named && line.contains(label)) {
                    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return -1;
        } catch (Exception e) {
            return -1;
        }
    }

    private static Duration within(Duration limit, String what, BooleanSupplier condition) throws InterruptedException {
        long start = System.nanoTime();
        while (System.nanoTime() - start < limit.toNanos()) {
            if (condition.getAsBoolean()) {
                return Duration.ofNanos(System.nanoTime() - start);
            }
            Thread.sleep(50);
        }
        throw new AssertionError(what + ": not within " + limit.toMillis() + " ms");
    }
}
