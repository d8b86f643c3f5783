package io.stagecast.signaling.stage;

import io.stagecast.signaling.stage.StageEvent.ForcedOff;
import io.stagecast.signaling.stage.StageEvent.SpotlightChanged;
import io.stagecast.signaling.stage.StageEvent.TrackForcedMute;
import io.stagecast.signaling.token.Role;

import java.util.Locale;
import java.util.Objects;

/**
 * Own media and its moderation: turning one's tracks on and off, a moderator's forced mute (and
 * with strong mute, the permission to unmute), one screen share per room, and the spotlight.
 */
final class MediaModeration {
    private final Roster roster;
    private String spotlightId;

    MediaModeration(Roster roster) {
        this.roster = roster;
    }

    String spotlight() {
        return spotlightId;
    }

    void setOwnTrack(String actorId, TrackKind kind, boolean on, Events out) throws StageRefusal {
        Member m = roster.requireAdmitted(actorId);
        if (m.tracks.on(kind) == on) {
            return;
        }
        if (on) {
            if (kind == TrackKind.SCREEN && m.role == Role.ATTENDEE) {
                throw StageRefusal.forbidden("attendees may not share their screen");
            }
            if (!m.onStage()) {
                throw StageRefusal.invalidState("only people on stage publish");
            }
            if (kind == TrackKind.SCREEN) {
                for (Member other : roster.all()) {
                    if (other.tracks.on(TrackKind.SCREEN)) {
                        throw StageRefusal.invalidState(other.name + " is already sharing a screen");
                    }
                }
            } else if (m.tracks.forcedOff(kind) && roster.settings.strongMute()) {
                throw StageRefusal.forbidden("a moderator turned this off; wait until a moderator allows it");
            }
        }
        if (on && kind != TrackKind.SCREEN && m.tracks.forcedOff(kind)) {
            // Without strong mute, turning it back on yourself ends the forced mute.
            m.tracks.setForcedOff(kind, false);
            out.media(new TrackForcedMute(m.id, kind, false));
        }
        m.tracks.set(kind, on);
        out.changed(m);
    }

    void forceOff(String actorId, String targetId, TrackKind kind, Events out) throws StageRefusal {
        Member actor = roster.requireModerator(actorId);
        requireMicOrCamera(kind);
        Member target = roster.requireTarget(targetId);
        if (target == actor) {
            throw StageRefusal.badRequest("use your own controls");
        }
        if (!target.onStage()) {
            throw StageRefusal.invalidState(target.name + " is not on stage");
        }
        if (target.tracks.forcedOff(kind)) {
            throw StageRefusal.invalidState("already turned off by a moderator");
        }
        applyForcedOff(target, kind, actor, out);
    }

    void forceOffAll(String actorId, TrackKind kind, Events out) throws StageRefusal {
        Member actor = roster.requireModerator(actorId);
        requireMicOrCamera(kind);
        for (Member m : roster.all()) {
            if (m.onStage() && !m.isModerator() && !m.tracks.forcedOff(kind)) {
                applyForcedOff(m, kind, actor, out);
            }
        }
    }

    void allowTrack(String actorId, String targetId, TrackKind kind, Events out) throws StageRefusal {
        roster.requireModerator(actorId);
        requireMicOrCamera(kind);
        Member target = roster.requireTarget(targetId);
        if (!target.tracks.forcedOff(kind)) {
            throw StageRefusal.invalidState(target.name + "'s " + kind.name().toLowerCase(Locale.ROOT) + " is not forced off");
        }
        target.tracks.setForcedOff(kind, false);
        out.media(new TrackForcedMute(target.id, kind, false));
        out.changed(target);
    }

    void spotlight(String actorId, String targetIdOrNull, Events out) throws StageRefusal {
        roster.requireModerator(actorId);
        if (targetIdOrNull != null) {
            Member target = roster.requireTarget(targetIdOrNull);
            if (!target.onStage()) {
                throw StageRefusal.invalidState(target.name + " is not on stage");
            }
        }
        if (Objects.equals(spotlightId, targetIdOrNull)) {
            return;
        }
        spotlightId = targetIdOrNull;
        out.everyone(new SpotlightChanged(spotlightId));
    }

    /** Whoever leaves the stage (or the room) leaves the spotlight. */
    void clearSpotlightOf(Member m, Events out) {
        if (m.id.equals(spotlightId)) {
            spotlightId = null;
            out.everyone(new SpotlightChanged(null));
        }
    }

    private static void applyForcedOff(Member target, TrackKind kind, Member by, Events out) {
        target.tracks.set(kind, false);
        target.tracks.setForcedOff(kind, true);
        out.media(new TrackForcedMute(target.id, kind, true));
        out.changed(target);
        out.to(target.id, new ForcedOff(target.id, kind, by.id));
    }

    private static void requireMicOrCamera(TrackKind kind) throws StageRefusal {
        if (kind != TrackKind.MICROPHONE && kind != TrackKind.CAMERA) {
            throw StageRefusal.badRequest("only microphone or camera");
        }
    }

    /** A kept spotlight, if its person is still in the room. */
    void restoreSpotlight(String id) {
        spotlightId = id != null && roster.contains(id) ? id : null;
    }

    String debugState() {
        return "spotlight=" + spotlightId;
    }
}
