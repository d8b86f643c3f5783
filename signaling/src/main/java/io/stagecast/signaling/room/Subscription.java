package io.stagecast.signaling.room;

import io.stagecast.sfu.transport.Transport;

import java.util.List;

/** How a participant receives the stage; kept in step with the room's tracks. Guarded by the room. */
interface Subscription {
    /** The stage changed: bind, release or (re)negotiate tracks so this participant gets all of them. */
    void sync(List<StageTrack> stage);

    /** The transport the stage is sent on. */
    Transport transport();

    void close();
}
