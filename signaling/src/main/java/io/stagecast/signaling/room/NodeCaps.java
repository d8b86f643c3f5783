package io.stagecast.signaling.room;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.stagecast.sfu.MediaNode;
import io.stagecast.signaling.SignalingException;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The node's caps on what clients make it hold (rooms, transports) and the one counter of every
 * room and node cap a request hit, {@code stagecast_caps_refused_total{cap}} (docs/operations.md,
 * "Caps"). The caps of a room's stage rules (participants, stage, polls, questions) are checked
 * by the stage itself and only counted here.
 *
 * <p>Checked before anything changes, on the room's executor (transports) or the thread that
 * creates the room (rooms, under {@link Rooms}' creation lock). Transports are counted by the
 * media plane, so joins running at the same moment in different rooms may both pass the check
 * with one place left: the node then holds at most one transport per room worker more.
 */
public final class NodeCaps {
    /** Every cap a request can hit, as {@code cap} label values. */
    public static final List<String> CAPS = List.of("rooms", "transports", "participants", "stage", "polls", "questions");

    private final int maxRooms;
    private final int maxTransports;
    private final Map<String, Counter> refused;

    /**
     * @param maxRooms      {@code rooms.max-rooms}: rooms on this node at once
     * @param maxTransports {@code media.max-transports}: media transports (participants' and WHIP/WHEP
     *                      sessions') on this node at once
     */
    public NodeCaps(int maxRooms, int maxTransports, MeterRegistry metrics) {
        if (maxRooms < 1 || maxTransports < 1) {
            throw new IllegalArgumentException("rooms.max-rooms and media.max-transports must be at least 1");
        }
        this.maxRooms = maxRooms;
        this.maxTransports = maxTransports;
        this.refused = CAPS.stream().collect(Collectors.toUnmodifiableMap(Function.identity(),
                cap -> Counter.builder("stagecast.caps.refused").tag("cap", cap)
                        .description("requests refused because they would pass a cap of the node or a room")
                        .register(metrics)));
    }

    /** A room may be created while fewer than {@code maxRooms} exist. */
    void requireRoomFor(int rooms) throws SignalingException {
        if (rooms >= maxRooms) {
            throw refuse("rooms", "this node holds " + maxRooms + " rooms, as many as it takes: try again later");
        }
    }

    /** A request that makes a transport may go on while the node holds fewer than {@code maxTransports}. */
    void requireTransport(MediaNode node) throws SignalingException {
        if (node.transportCount() >= maxTransports) {
            throw refuse("transports", "this node carries " + maxTransports
                    + " media transports, as many as it takes: try again later");
        }
    }

    /** Counts a refusal by {@code cap} (one of {@link #CAPS}); null (no cap) is ignored. */
    void count(String cap) {
        Counter counter = cap == null ? null : refused.get(cap);
        if (counter != null) {
            counter.increment();
        }
    }

    private SignalingException refuse(String cap, String message) {
        count(cap);
        return new SignalingException(SignalingException.Code.UNAVAILABLE, message);
    }
}
