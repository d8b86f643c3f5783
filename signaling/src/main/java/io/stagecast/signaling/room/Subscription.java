package io.stagecast.signaling.room;

import io.stagecast.sfu.transport.Transport;

import java.util.List;

/** How a participant receives the stage; kept in step with the room's tracks. Guarded by the room. */
interface Subscription {
    /** The stage changed: bind, release or (re)negotiate tracks so this participant gets all of them. */
    void sync(List<StageTrack> stage);

    /**
     * What the viewer shows of one of its tracks; a track it does not receive (it may just have
     * left the stage) is ignored. WHEP viewers have no channel to say it.
     */
    default void show(Viewport view) {
    }

    /** The last {@link #show} of a track it receives, {@link Viewport#UNKNOWN} before any, null if none. */
    default Viewport viewOf(String trackId) {
        return null;
    }

    /** The transport the stage is sent on. */
    Transport transport();

    void close();
}
