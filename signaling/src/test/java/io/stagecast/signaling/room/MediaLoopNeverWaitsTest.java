package io.stagecast.signaling.room;

import io.stagecast.sfu.router.Producer;
import io.stagecast.sfu.transport.Transport;
import io.stagecast.signaling.StagecastServer;
import io.stagecast.signaling.stage.Place;
import io.stagecast.signaling.stage.SettingsChange;
import io.stagecast.signaling.stage.StageRoom;
import io.stagecast.signaling.testutil.LoopbackServer;
import io.stagecast.signaling.testutil.WhipEncoder;
import io.stagecast.signaling.token.JoinGrant;
import io.stagecast.signaling.token.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The media loop never waits for a room (issue 10): a transport that ends while its room's lock
 * is held (as it is while the room writes every subscriber's SDP) leaves the loop free, and the
 * room handles the end once the lock is free; voice activity the loop pushes is what decides who
 * is silent the longest. Real WHIP encoders on a loopback node.
 */
class MediaLoopNeverWaitsTest {
    /** What a free loop needs to run a queued task on a busy 2-core machine; a blocked one never does while the lock is held. */
    private static final long LOOP_FREE_MILLIS = 250;
    private static StagecastServer server;

    @BeforeAll
    static void start() throws Exception {
        server = LoopbackServer.start(Map.of());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String token(String room, String id) {
        return server.tokens().mint(JoinGrant.of(room, id, id, Role.SPEAKER, Instant.now().plus(Duration.ofHours(1))));
    }

    /** The newest stage track of a kind (the latest publish's). */
    private static StageTrack newestTrack(Room room, String kindName) {
        List<StageTrack> tracks = room.stageTracks();
        for (int i = tracks.size() - 1; i >= 0; i--) {
            if (tracks.get(i).kind().name().equals(kindName)) {
                return tracks.get(i);
            }
        }
        throw new AssertionError("no " + kindName + " track in " + tracks);
    }

    @Test
    void aTransportEndingWhileTheRoomIsLockedLeavesTheLoopFree() throws Exception {
        String name = "locked";
        try (WhipEncoder encoder = new WhipEncoder(1)) {
            assertEquals(201, encoder.publish(server.baseUrl(), name, token(name, "enc")).statusCode());
            Room room = server.rooms().get(name);
            StageTrack track = newestTrack(room, "MICROPHONE");
            String id = track.participantId();
            Transport transport = track.producer().transport();
            long loopMillis;
            synchronized (room) { // as a room writing SDP holds it
                CountDownLatch ran = new CountDownLatch(1);
                transport.close(); // on the loop: the transport ends and tells the room
                long queued = System.nanoTime();
                transport.execute(ran::countDown); // queued behind the close and its onClosed
                boolean free = ran.await(LOOP_FREE_MILLIS, TimeUnit.MILLISECONDS);
                loopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - queued);
                assertTrue(free, "the loop ran a task within " + LOOP_FREE_MILLIS + " ms while the room was locked");
                Thread.sleep(300);
                assertEquals(Participant.Via.WHIP, room.connectionOf(id), "the end waits for the room's lock");
            }
            System.out.println("loop ran a queued task " + loopMillis + " ms after the close, room locked");
            await(() -> room.connectionOf(id) == null && room.state(id).isEmpty(),
                    "once the lock is free the room ends the encoder's connection and it leaves");
            assertTrue(room.stageTracks().isEmpty(), "its tracks left the stage");
        }
    }

    @Test
    void voiceTheLoopPushedDecidesWhoIsSilentTheLongest() throws Exception {
        String name = "voices";
        Room room = server.rooms().create(name, r -> {
            r.act(s -> s.changeSettings(StageRoom.SERVER, SettingsChange.NONE.withCapacity(2)));
            r.act(s -> s.start(StageRoom.SERVER));
        }).orElseThrow();
        try (WhipEncoder first = new WhipEncoder(1); WhipEncoder second = new WhipEncoder(2);
             WhipEncoder third = new WhipEncoder(3)) {
            assertEquals(201, first.publish(server.baseUrl(), name, token(name, "first")).statusCode());
            StageTrack firstMic = newestTrack(room, "MICROPHONE");
            assertEquals(201, second.publish(server.baseUrl(), name, token(name, "second")).statusCode());
            String secondId = newestTrack(room, "MICROPHONE").participantId();
            // The synthetic encoders carry no audio level: the loop's own field stays 0, so only
            // the push (standing in for the router's call on the producer's loop) says who spoke.
            Producer mic = firstMic.producer();
            room.routerEvents().onVoiceActivity(mic, System.nanoTime());
            room.tick();

            assertEquals(201, third.publish(server.baseUrl(), name, token(name, "third")).statusCode());
            String thirdId = newestTrack(room, "MICROPHONE").participantId();
            assertEquals(Optional.of(Place.STAGE), room.state(firstMic.participantId()).map(s -> s.place()),
                    "the first on stage spoke since the second came: it stays (without the push it would go)");
            assertTrue(room.state(secondId).map(s -> s.place() != Place.STAGE).orElse(true),
                    "the second, silent the longest, left the stage");
            assertEquals(Optional.of(Place.STAGE), room.state(thirdId).map(s -> s.place()));
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out: " + what);
            }
            Thread.sleep(20);
        }
    }
}
