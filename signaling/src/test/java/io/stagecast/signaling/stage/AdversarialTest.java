package io.stagecast.signaling.stage;

import io.stagecast.signaling.token.Role;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;

import static io.stagecast.signaling.stage.TestRoom.MOD;
import static org.junit.jupiter.api.Assertions.*;

class AdversarialTest {

    @Test
    void attendeeSendingEveryModeratorActionIsForbiddenAndChangesNothing() {
        TestRoom t = TestRoom.live(AccessMode.REQUEST);
        t.attendee("a");
        t.speaker("s");
        t.ok(t.room.joinStage("s"));
        t.ok(t.room.setMicrophone("s", true));
        t.ok(t.room.sendChat("s", "hello", null));
        t.ok(t.room.createPoll(MOD, "Q?", List.of("x", "y"), Set.of()));
        t.attendee("b");
        t.ok(t.room.requestStage("b"));
        for (String actor : List.of("a", "s")) {
            List<Supplier<Outcome>> actions = List.of(
                    () -> t.room.start(actor),
                    () -> t.room.end(actor),
                    () -> t.room.changeSettings(actor, SettingsChange.NONE.withAccessMode(AccessMode.OPEN)),
                    () -> t.room.approveStageRequest(actor, "b"),
                    () -> t.room.declineStageRequest(actor, "b"),
                    () -> t.room.inviteToStage(actor, "b"),
                    () -> t.room.revokeInvitation(actor, "b"),
                    () -> t.room.removeFromStage(actor, "s"),
                    () -> t.room.forceOff(actor, "s", TrackKind.MICROPHONE),
                    () -> t.room.forceOffAll(actor, TrackKind.CAMERA),
                    () -> t.room.allowTrack(actor, "s", TrackKind.MICROPHONE),
                    () -> t.room.spotlight(actor, "s"),
                    () -> t.room.setRole(actor, actor, Role.MODERATOR),
                    () -> t.room.lowerAllHands(actor),
                    () -> t.room.pinChat(actor, "m1"),
                    () -> t.room.clearChat(actor),
                    () -> t.room.blockChat(actor, "b", true),
                    () -> t.room.createPoll(actor, "Q?", List.of("x", "y"), Set.of()),
                    () -> t.room.openPoll(actor, "p1"),
                    () -> t.room.closePoll(actor, "p1"));
            for (Supplier<Outcome> action : actions) {
                t.refused(RefusalCode.FORBIDDEN, action);
            }
        }
    }

    /**
     * Random actions by random actors with random arguments: never an exception, every refusal
     * leaves the room exactly as it was, and the invariants hold after every step.
     */
    @Test
    void randomActionSequencesKeepInvariants() {
        int succeeded = 0;
        for (long seed = 1; seed <= 40; seed++) {
            Random random = new Random(seed);
            TestRoom t = TestRoom.notStarted(AccessMode.values()[random.nextInt(4)]);
            t.ok(t.room.join(MOD, "Mod", Role.MODERATOR, false, false));
            List<String> ids = List.of(MOD, "m2", "s1", "s2", "a1", "a2", "a3", "ghost");
            for (int step = 0; step < 400; step++) {
                String actor = ids.get(random.nextInt(ids.size()));
                String target = ids.get(random.nextInt(ids.size()));
                String before = t.room.debugState();
                Outcome outcome = step > 380 && random.nextInt(10) == 0 ? t.room.end(actor)
                        : randomAction(t.room, random, actor, target);
                if (outcome.ok()) {
                    succeeded++;
                } else {
                    assertEquals(before, t.room.debugState(), "seed " + seed + " step " + step + ": " + outcome);
                }
                if (random.nextInt(10) == 0) {
                    t.time.advance(Duration.ofSeconds(random.nextInt(40)));
                    t.room.tick();
                }
                checkInvariants(t.room, "seed " + seed + " step " + step);
            }
        }
        assertTrue(succeeded > 2000, "too few transitions exercised: " + succeeded);
    }

    private static Outcome randomAction(StageRoom room, Random r, String actor, String target) {
        TrackKind kind = TrackKind.values()[r.nextInt(3)];
        return switch (r.nextInt(50)) {
            case 0, 36, 37, 38, 39, 40 -> room.join(actor, "N " + actor, actor.startsWith("m") ? Role.MODERATOR
                    : actor.startsWith("s") ? Role.SPEAKER : Role.ATTENDEE, r.nextBoolean(), r.nextBoolean());
            case 1 -> room.leave(actor.equals(MOD) ? target : actor); // keep one moderator around
            case 2, 41 -> room.disconnect(actor.equals(MOD) ? target : actor);
            case 3, 42, 43 -> room.reconnect(actor);
            case 4, 44, 45 -> room.start(actor);
            case 5 -> room.joinStage(actor);
            case 6 -> room.changeSettings(actor, SettingsChange.NONE.withAccessMode(AccessMode.values()[r.nextInt(4)]));
            case 7 -> room.changeSettings(actor, SettingsChange.NONE.withCapacity(r.nextInt(5)));
            case 46, 47, 48, 49 -> room.inviteToStage(MOD, target);
            case 8 -> room.joinStage(actor);
            case 9 -> room.leaveStage(actor);
            case 10 -> room.removeFromStage(actor, target);
            case 11 -> room.requestStage(actor);
            case 12 -> room.cancelStageRequest(actor);
            case 13 -> room.approveStageRequest(actor, target);
            case 14 -> room.declineStageRequest(actor, target);
            case 15 -> room.inviteToStage(actor, target);
            case 16 -> room.revokeInvitation(actor, target);
            case 17 -> room.acceptInvitation(actor);
            case 18 -> room.declineInvitation(actor);
            case 19 -> room.setMicrophone(actor, r.nextBoolean());
            case 20 -> room.setCamera(actor, r.nextBoolean());
            case 21 -> room.setScreenShare(actor, r.nextBoolean());
            case 22 -> room.forceOff(actor, target, kind);
            case 23 -> room.forceOffAll(actor, kind);
            case 24 -> room.allowTrack(actor, target, kind);
            case 25 -> room.spotlight(actor, r.nextBoolean() ? target : null);
            case 26 -> room.setRole(actor, target, Role.values()[r.nextInt(3)]);
            case 27 -> room.raiseHand(actor);
            case 28 -> room.lowerHand(actor, target);
            case 29 -> room.sendChat(actor, r.nextBoolean() ? "hi" : "", r.nextBoolean() ? null : "m" + r.nextInt(5));
            case 30 -> room.likeChat(actor, "m" + r.nextInt(5), r.nextBoolean());
            case 31 -> room.deleteChat(actor, "m" + r.nextInt(5));
            case 32 -> room.changeSettings(actor, SettingsChange.NONE.withStrongMute(r.nextBoolean()).withLocked(r.nextInt(4) == 0));
            case 33 -> room.createPoll(actor, "Q", List.of("a", "b", "c"), r.nextBoolean() ? Set.of() : Set.of(r.nextInt(4)));
            case 34 -> room.answerPoll(actor, "p" + r.nextInt(3), r.nextInt(4) - 1);
            default -> r.nextBoolean() ? room.openPoll(actor, "p" + r.nextInt(3)) : room.closePoll(actor, "p" + r.nextInt(3));
        };
    }

    private static void checkInvariants(StageRoom room, String where) {
        int sharing = 0;
        for (ParticipantState p : room.participants()) {
            if (p.place() != Place.STAGE) {
                assertFalse(p.microphoneOn() || p.cameraOn() || p.screenSharing(), where + ": viewer publishes " + p);
            }
            if (p.place() == Place.STAGE) {
                assertFalse(p.stageRequested() || p.invited(), where + ": on stage yet pending " + p);
                assertFalse(p.handRaised() && p.handOrder() == 0, where);
            }
            if (p.screenSharing()) {
                sharing++;
                assertNotEquals(Role.ATTENDEE, p.role(), where + ": attendee sharing a screen");
            }
            if (p.stageRequested()) {
                assertEquals(AccessMode.REQUEST, room.settings().accessMode(), where + ": request outside request mode");
                assertFalse(p.invited(), where + ": request and invitation at once");
            }
            if (p.invited() && p.role() == Role.ATTENDEE) {
                assertNotEquals(AccessMode.CLOSED, room.settings().accessMode(), where + ": attendee invited in closed mode");
            }
        }
        assertTrue(sharing <= 1, where + ": two screen shares");
        String spotlight = room.session() == SessionState.ENDED ? null : room.participants().isEmpty() ? null
                : room.snapshot(room.participants().get(0).id()).spotlight();
        if (spotlight != null) {
            assertEquals(Place.STAGE, room.participant(spotlight).orElseThrow().place(), where + ": spotlight off stage");
        }
    }
}
