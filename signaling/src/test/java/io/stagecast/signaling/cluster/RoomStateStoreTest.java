package io.stagecast.signaling.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.stagecast.signaling.StagecastServer;
import io.stagecast.signaling.testutil.JsonWebSocketClient;
import io.stagecast.signaling.token.JoinGrant;
import io.stagecast.signaling.token.RandomIds;
import io.stagecast.signaling.token.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A room's kept state in a real Redis: written shortly after a change, a burst of changes in few
 * writes, reactions in none, always with a TTL, and deleted when the room ends, so rooms that come
 * and go leave nothing behind.
 */
class RoomStateStoreTest {
    @RegisterExtension
    static final RedisPerTest redis = new RedisPerTest();

    private JsonWebSocketClient moderatorIn(StagecastServer node, String room) throws Exception {
        JsonWebSocketClient ws = redis.closeAfter(JsonWebSocketClient.connect(node.baseUrl()));
        String token = node.tokens().mint(new JoinGrant(room, "mod", "Mia", Role.MODERATOR, false,
                Instant.now().plus(Duration.ofHours(1)), RandomIds.tokenId(), false));
        JsonNode reply = ws.request("join", "room", room, "token", token);
        assertTrue(reply.path("ok").asBoolean(), reply.toString());
        assertTrue(ws.request("session.start").path("ok").asBoolean());
        return ws;
    }

    private static double writes(StagecastServer node) {
        Counter counter = node.metrics().find("stagecast.cluster.state.writes").counter();
        return counter == null ? -1 : counter.count();
    }

    private ClusterRedis client() {
        return redis.closeAfter(new ClusterRedis(redis.url()));
    }

    private static List<String> stateKeys(ClusterRedis client) {
        List<String> keys = new ArrayList<>();
        ScanIterator.scan(client.sync(), ScanArgs.Builder.matches("stagecast:room:*:state")).forEachRemaining(keys::add);
        return keys;
    }

    @Test
    void aBurstOfChangesIsKeptInAFewWritesWithATtlAndReactionsWriteNothing() throws Exception {
        StagecastServer node = redis.node("node-a");
        JsonWebSocketClient ws = moderatorIn(node, "webinar");
        Thread.sleep(3 * RoomStateStore.WRITE_DELAY.toMillis());
        double before = writes(node);
        // 30 joins in a burst (joins are not rate-limited, chat is): 30 changes of the room.
        List<JsonWebSocketClient> attendees = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            attendees.add(redis.closeAfter(JsonWebSocketClient.connect(node.baseUrl())));
        }
        long burstStart = System.nanoTime();
        for (int i = 0; i < 30; i++) {
            String token = node.tokens().mint(new JoinGrant("webinar", "guest-" + i, "Guest " + i, Role.ATTENDEE, false,
                    Instant.now().plus(Duration.ofHours(1)), RandomIds.tokenId(), false));
            assertTrue(attendees.get(i).request("join", "room", "webinar", "token", token).path("ok").asBoolean());
        }
        long burstMillis = (System.nanoTime() - burstStart) / 1_000_000;
        Thread.sleep(3 * RoomStateStore.WRITE_DELAY.toMillis());
        ClusterRedis client = client();
        String kept = client.sync().get(RoomStateStore.key("webinar"));
        assertTrue(kept != null && kept.contains("guest-29"), "the last one in is kept: " + kept);
        double burst = writes(node) - before;
        // One write per 200 ms window the burst spans, give or take the windows at its ends.
        long windows = burstMillis / RoomStateStore.WRITE_DELAY.toMillis() + 2;
        assertTrue(burst >= 1 && burst <= windows, "30 joins in " + burstMillis + " ms took " + burst + " writes");
        long ttl = client.sync().pttl(RoomStateStore.key("webinar"));
        assertTrue(ttl > RoomStateStore.TTL.toMillis() - 60_000 && ttl <= RoomStateStore.TTL.toMillis(), "TTL " + ttl);

        double settled = writes(node);
        for (int i = 0; i < 10; i++) {
            assertTrue(ws.request("reaction.send", "emoji", "👏").path("ok").asBoolean());
        }
        Thread.sleep(3 * RoomStateStore.WRITE_DELAY.toMillis());
        assertEquals(settled, writes(node), "reactions are not kept");
    }

    @Test
    void roomsThatEndLeaveNoStateBehind() throws Exception {
        StagecastServer node = redis.node("node-a");
        ClusterRedis client = client();
        for (int i = 0; i < 10; i++) {
            JsonWebSocketClient ws = moderatorIn(node, "room-" + i);
            assertTrue(ws.request("chat.send", "text", "hi").path("ok").asBoolean());
        }
        Thread.sleep(3 * RoomStateStore.WRITE_DELAY.toMillis());
        assertEquals(10, stateKeys(client).size(), "each live room is kept");
        for (int i = 0; i < 10; i++) {
            assertTrue(node.rooms().remove("room-" + i, "test"));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (!stateKeys(client).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(List.of(), stateKeys(client), "ended rooms leave no state");
        assertNull(client.sync().get(RoomStateStore.key("room-0")));
    }

    @Test
    void afterARedisRestartTheRoomKeepsWorkingAndItsStateIsWrittenAgainWithoutAChange() throws Exception {
        StagecastServer node = redis.node("node-a");
        JsonWebSocketClient ws = moderatorIn(node, "town-hall");
        assertTrue(ws.request("chat.send", "text", "before the restart").path("ok").asBoolean());
        Thread.sleep(3 * RoomStateStore.WRITE_DELAY.toMillis());
        redis.process().restart();
        ClusterRedis client = client();
        long start = System.nanoTime();
        String kept = null;
        while (kept == null && System.nanoTime() - start < Duration.ofSeconds(10).toNanos()) {
            Thread.sleep(100);
            try {
                kept = client.sync().get(RoomStateStore.key("town-hall"));
            } catch (RuntimeException notYet) {
                // the test's own client reconnects too
            }
        }
        assertTrue(kept != null && kept.contains("before the restart"),
                "the state is back in the empty Redis within 10 s, with nothing changed in the room");
        System.out.printf("state written again %d ms after the Redis restart%n",
                (System.nanoTime() - start) / 1_000_000);
        assertTrue(ws.request("chat.send", "text", "after the restart").path("ok").asBoolean(), "the room works on");
    }

    @Test
    void aLargeRoomWaitsLongerBetweenWrites() {
        assertEquals(200, RoomStateStore.writeDelayMillis(0));
        assertEquals(200, RoomStateStore.writeDelayMillis(2_000), "a small room: 200 ms");
        assertEquals(475, RoomStateStore.writeDelayMillis(563_228), "a full room of 5,000 (KeptRoomsTest's size)");
        assertEquals(RoomStateStore.MAX_WRITE_DELAY.toMillis(), RoomStateStore.writeDelayMillis(Integer.MAX_VALUE));
    }

    @Test
    void aChangeWhoseWriteFailedIsWrittenOnceRedisAnswersAgain() throws Exception {
        StagecastServer node = redis.node("node-a");
        JsonWebSocketClient ws = moderatorIn(node, "paused");
        Thread.sleep(3 * RoomStateStore.WRITE_DELAY.toMillis());
        ClusterRedis client = client();
        // Redis stops answering for 2.5 s (longer than a command's 1 s timeout), keeping its data: the
        // write times out (counted) and is tried again each second; Redis may also run the timed-out
        // command once the pause ends. Either way what the room became is in Redis soon after.
        client.sync().clientPause(2_500);
        assertTrue(ws.request("chat.send", "text", "while Redis was paused").path("ok").asBoolean());
        long deadline = System.nanoTime() + Duration.ofSeconds(8).toNanos();
        String kept = "";
        while (!kept.contains("while Redis was paused") && System.nanoTime() < deadline) {
            Thread.sleep(200);
            try {
                String json = client.sync().get(RoomStateStore.key("paused"));
                kept = json == null ? "" : json;
            } catch (RuntimeException stillPaused) {
                // the test's own reads wait too
            }
        }
        assertTrue(kept.contains("while Redis was paused"), "the change is kept once Redis answers: " + kept);
        Counter failures = node.metrics().find("stagecast.cluster.state.failures").counter();
        assertTrue(failures != null && failures.count() >= 1, "the failed write is counted");
    }
}
