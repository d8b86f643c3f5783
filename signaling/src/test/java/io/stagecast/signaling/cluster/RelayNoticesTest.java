package io.stagecast.signaling.cluster;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static io.stagecast.signaling.cluster.ClusterRoutingTest.within;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The origin's stage-change notices over a real redis-server: heard by the node that subscribed to
 * the room and only for that room, not after it unsubscribed, made once Redis comes up when it was
 * down at the subscription, and heard again after Redis restarts (Lettuce subscribes again).
 */
class RelayNoticesTest {
    @RegisterExtension
    static final RedisPerTest redis = new RedisPerTest();

    private record End(RelayNotices notices, SimpleMeterRegistry metrics) {
        double count(String direction) {
            return metrics.get("stagecast.cluster.relay.notices").tag("direction", direction).counter().count();
        }

        double failures() {
            return metrics.get("stagecast.cluster.relay.notice.failures").counter().count();
        }
    }

    private End end(String nodeId) {
        ClusterRedis client = redis.closeAfter(new ClusterRedis(redis.url()));
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        return new End(redis.closeAfter(new RelayNotices(client, nodeId, metrics)), metrics);
    }

    /** Notices of {@code room} sent until {@code heard} counts one (a subscription is made asynchronously). */
    private static Duration untilHeard(End origin, String room, AtomicInteger heard, int before) throws InterruptedException {
        return within(Duration.ofSeconds(6), "a notice of " + room + " heard", () -> {
            origin.notices().stageChanged(room);
            return heard.get() > before;
        });
    }

    @Test
    void aNoticeReachesTheNodeThatRelaysTheRoomAndOnlyThatRoomsListener() throws Exception {
        End origin = end("node-a");
        End edge = end("node-b");
        AtomicInteger stage = new AtomicInteger();
        AtomicInteger other = new AtomicInteger();
        Runnable onStage = stage::incrementAndGet;
        edge.notices().subscribe("stage", onStage);
        edge.notices().subscribe("other", other::incrementAndGet);
        untilHeard(origin, "stage", stage, 0);
        assertEquals(0, other.get(), "a notice of one room runs no other room's listener");

        // Round trips once subscribed: a notice is heard within milliseconds on loopback.
        long worst = 0;
        for (int i = 0; i < 20; i++) {
            int before = stage.get();
            long start = System.nanoTime();
            origin.notices().stageChanged("stage");
            while (stage.get() == before) {
                assertTrue(System.nanoTime() - start < 2_000_000_000L, "notice " + i + " heard within 2 s");
                Thread.onSpinWait();
            }
            worst = Math.max(worst, System.nanoTime() - start);
        }
        System.out.println("relay notices: worst of 20 heard " + worst / 1000 + " µs after stageChanged");
        within(Duration.ofSeconds(2), "sent and received counted",
                () -> origin.count("sent") >= 21 && edge.count("received") >= 21);

        edge.notices().unsubscribe("stage", () -> { }); // not its listener: nothing changes
        untilHeard(origin, "stage", stage, stage.get());
        edge.notices().unsubscribe("stage", onStage);
        Thread.sleep(200); // the UNSUBSCRIBE is sent on the notices' thread
        int after = stage.get();
        for (int i = 0; i < 5; i++) {
            origin.notices().stageChanged("stage");
            Thread.sleep(20);
        }
        Thread.sleep(200);
        assertEquals(after, stage.get(), "nothing heard once unsubscribed");
    }

    @Test
    void aSubscriptionMadeWhileRedisIsDownIsMadeWhenItComesUpAndSurvivesARestart() throws Exception {
        redis.process().kill();
        End edge = end("node-b");
        AtomicInteger heard = new AtomicInteger();
        edge.notices().subscribe("late", heard::incrementAndGet);
        End origin = end("node-a");
        origin.notices().stageChanged("late"); // Redis down: counted, not queued
        within(Duration.ofSeconds(3), "both failures counted", () -> edge.failures() >= 1 && origin.failures() >= 1);

        redis.process().restart();
        Duration up = untilHeard(origin, "late", heard, 0);
        System.out.println("relay notices: subscribed " + up.toMillis() + " ms after Redis came up (retry every "
                + RelayNotices.RETRY_MILLIS + " ms)");

        redis.process().kill();
        redis.process().restart();
        Duration again = untilHeard(origin, "late", heard, heard.get());
        System.out.println("relay notices: heard again " + again.toMillis() + " ms after a Redis restart");
    }
}
