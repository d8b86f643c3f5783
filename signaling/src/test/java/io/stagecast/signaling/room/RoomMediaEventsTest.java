package io.stagecast.signaling.room;

import io.stagecast.sfu.router.Producer;
import io.stagecast.sfu.transport.Transport;
import io.stagecast.signaling.StagecastServer;
import io.stagecast.signaling.testutil.LoopbackServer;
import io.stagecast.signaling.testutil.WhipEncoder;
import io.stagecast.signaling.token.JoinGrant;
import io.stagecast.signaling.token.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hand-over of the media plane's news off its loop: at most one task queued however much
 * news comes, and what reaches the room is the latest state. The producers are those of a WHIP
 * encoder's offer on a loopback node (never connected: only their identity matters here).
 */
class RoomMediaEventsTest {
    private static StagecastServer server;
    private static WhipEncoder encoder;
    private static Producer audio;
    private static Producer video;

    @BeforeAll
    static void start() throws Exception {
        server = LoopbackServer.start(Map.of());
        encoder = new WhipEncoder(1);
        String token = server.tokens().mint(JoinGrant.of("news", "enc", "enc", Role.MODERATOR,
                Instant.now().plus(Duration.ofHours(1))));
        assertEquals(201, encoder.publish(server.baseUrl(), "news", token).statusCode());
        List<StageTrack> tracks = server.rooms().get("news").stageTracks();
        audio = tracks.get(0).producer();
        video = tracks.get(1).producer();
    }

    @AfterAll
    static void stop() {
        encoder.close();
        server.close();
    }

    /** An executor that runs nothing until told: the media loop's side is seen alone. */
    private static final class ManualExecutor implements Executor {
        final Queue<Runnable> tasks = new ArrayDeque<>();

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }

        void runAll() {
            for (Runnable task; (task = tasks.poll()) != null; ) {
                task.run();
            }
        }
    }

    private static final class RecordingSink implements RoomMediaEvents.Sink {
        final List<String> speakers = new ArrayList<>();
        final List<List<Boolean>> demands = new ArrayList<>();
        final List<String> closes = new ArrayList<>();
        final Map<Producer, List<Boolean>> lastDemand = new HashMap<>();

        @Override
        public void dominantSpeakerChanged(Producer audioOrNull) {
            speakers.add(audioOrNull == null ? "nobody" : audioOrNull.id());
        }

        @Override
        public void layerDemandChanged(Producer producer, List<Boolean> needed) {
            demands.add(needed);
            lastDemand.put(producer, needed);
        }

        int learnt;

        @Override
        public void streamsLearned() {
            learnt++;
        }

        @Override
        public void transportClosed(Participant owner, Transport transport, String reason) {
            closes.add(owner.id() + ": " + reason);
        }
    }

    @Test
    void streamsLearntInABurstAreOneNews() {
        ManualExecutor executor = new ManualExecutor();
        RecordingSink sink = new RecordingSink();
        RoomMediaEvents events = new RoomMediaEvents(executor, sink);
        events.onStreamLearned(video);
        events.onStreamLearned(video);
        events.onStreamLearned(audio);
        assertEquals(1, executor.tasks.size());
        executor.runAll();
        assertEquals(1, sink.learnt, "the room's tracks were described anew, once");
        executor.runAll();
        assertEquals(1, sink.learnt, "nothing new, nothing delivered");
    }

    @Test
    void aBurstOfNewsQueuesOneTaskAndDeliversTheLatest() {
        ManualExecutor executor = new ManualExecutor();
        RecordingSink sink = new RecordingSink();
        RoomMediaEvents events = new RoomMediaEvents(executor, sink);
        for (int i = 0; i < 1_000; i++) {
            events.onDominantSpeaker(i % 2 == 0 ? audio : null);
        }
        events.onDominantSpeaker(audio);
        assertEquals(1, executor.tasks.size(), "one drain queued for a thousand changes");
        executor.runAll();
        assertEquals(List.of(audio.id()), sink.speakers, "the latest only");

        executor.runAll();
        assertEquals(1, sink.speakers.size(), "nothing new, nothing delivered");
        events.onDominantSpeaker(null);
        assertEquals(1, executor.tasks.size(), "news after a drain queues the next one");
    }

    @Test
    void onlyTheLatestDemandOfAProducerIsDelivered() throws Exception {
        ManualExecutor executor = new ManualExecutor();
        RecordingSink sink = new RecordingSink();
        RoomMediaEvents events = new RoomMediaEvents(executor, sink);
        Producer producer = video;
        List<Boolean> changing = new ArrayList<>(List.of(true, true, true));
        events.onLayerDemand(producer, changing);
        changing.set(2, false); // the caller's list changing later does not change what was handed over
        events.onLayerDemand(producer, List.of(true, false, false));
        events.onLayerDemand(producer, List.of(true, true, false));
        events.onLayerDemand(audio, List.of(true));
        assertEquals(1, executor.tasks.size());
        executor.runAll();
        assertEquals(2, sink.demands.size(), "one per producer: " + sink.demands);
        assertTrue(sink.demands.contains(List.of(true, true, false)), "the video's latest: " + sink.demands);
        assertTrue(sink.demands.contains(List.of(true)));
        events.onLayerDemand(null, List.of(true));
        assertTrue(executor.tasks.isEmpty(), "a demand without a producer is ignored");
    }

    @Test
    void aRefusingExecutorLeavesTheNextNewsFree() {
        RecordingSink sink = new RecordingSink();
        int[] calls = {0};
        RoomMediaEvents events = new RoomMediaEvents(task -> {
            calls[0]++;
            throw new java.util.concurrent.RejectedExecutionException("shut down");
        }, sink);
        events.onDominantSpeaker(null);
        events.onDominantSpeaker(null);
        assertEquals(2, calls[0], "a refused drain does not block later ones");
        assertNull(sink.speakers.isEmpty() ? null : sink.speakers.get(0));
    }

    /**
     * Several media loops at once (one thread per loop, each on its own producer, as each producer
     * lives on its publisher's loop) while the room's thread drains: never more than one drain
     * waits in the queue, and what the room ends with is each loop's last word.
     */
    @Test
    void newsFromSeveralLoopsAtOnceQueuesAtMostOneDrainAndEndsOnTheLatest() throws Exception {
        ExecutorService roomThread = Executors.newSingleThreadExecutor();
        AtomicInteger waiting = new AtomicInteger();
        AtomicInteger mostWaiting = new AtomicInteger();
        Executor counted = task -> {
            mostWaiting.accumulateAndGet(waiting.incrementAndGet(), Math::max);
            roomThread.execute(() -> {
                waiting.decrementAndGet();
                task.run();
            });
        };
        RecordingSink sink = new RecordingSink();
        RoomMediaEvents events = new RoomMediaEvents(counted, sink);
        int rounds = 20_000;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> loops = new ArrayList<>();
        for (Producer producer : List.of(audio, video)) {
            loops.add(new Thread(() -> {
                await(go);
                for (int i = 1; i <= rounds; i++) {
                    events.onLayerDemand(producer, List.of(i % 2 == 0, i % 3 == 0));
                }
            }));
        }
        for (long base : new long[] {0, 1}) { // two loops pushing voice: the later time wins
            loops.add(new Thread(() -> {
                await(go);
                for (int i = 1; i <= rounds; i++) {
                    events.onVoiceActivity(audio, 2L * i + base);
                }
            }));
        }
        loops.forEach(Thread::start);
        go.countDown();
        for (Thread loop : loops) {
            loop.join(30_000);
        }
        roomThread.shutdown();
        assertTrue(roomThread.awaitTermination(10, TimeUnit.SECONDS));

        assertEquals(1, mostWaiting.get(), "at most one drain waits, whatever the number of loops");
        List<Boolean> last = List.of(rounds % 2 == 0, rounds % 3 == 0);
        assertEquals(last, sink.lastDemand.get(audio), "the audio loop's last demand reached the room");
        assertEquals(last, sink.lastDemand.get(video), "the video loop's last demand reached the room");
        assertEquals(0, events.pending(), "nothing left behind");
        assertEquals(2L * rounds + 1, events.lastVoiceNanos(audio), "the latest voice of either loop");
    }

    @Test
    void aTransportsEndIsHandedOverOnce() {
        ManualExecutor executor = new ManualExecutor();
        RecordingSink sink = new RecordingSink();
        RoomMediaEvents events = new RoomMediaEvents(executor, sink);
        Participant owner = new Participant("p1", false, Participant.Via.WHIP, null);
        Transport transport = audio.transport();
        events.onTransportClosed(owner, transport, "consent expired");
        events.onTransportClosed(owner, transport, "closed again");
        events.onDominantSpeaker(audio);
        assertEquals(1, executor.tasks.size(), "one drain for all of it");
        assertEquals(List.of(), sink.closes, "nothing handled on the calling (loop) thread");
        executor.runAll();
        assertEquals(List.of("p1: consent expired"), sink.closes, "the end once, with its first reason");
        assertEquals(List.of(audio.id()), sink.speakers);
        assertEquals(0, events.pending());
    }

    @Test
    void voiceActivityIsKeptWithoutATaskUntilTheRoomForgetsTheProducer() {
        ManualExecutor executor = new ManualExecutor();
        RoomMediaEvents events = new RoomMediaEvents(executor, new RecordingSink());
        assertFalse(events.voicePushed(), "nothing pushed yet: the room falls back to reading the producer");
        events.onVoiceActivity(audio, 0);
        assertFalse(events.voicePushed(), "0 is no voice");
        events.onVoiceActivity(audio, 100);
        events.onVoiceActivity(audio, 50);
        assertTrue(events.voicePushed());
        assertEquals(100, events.lastVoiceNanos(audio), "times only move forward");
        assertEquals(0, events.lastVoiceNanos(video));
        assertTrue(executor.tasks.isEmpty(), "voice is read at the room's tick: no task per push");
        events.retainVoiceOf(List.of(video));
        assertEquals(0, events.lastVoiceNanos(audio), "a producer off the stage is forgotten");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
