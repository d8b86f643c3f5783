package io.stagecast.signaling.room;

import io.stagecast.signaling.SignalingException;

import java.util.List;

/**
 * A web client at this edge, as the edge's room sees it: a participant of the origin's room (by
 * its id there) who receives the stage from here, over the relay, on a {@link
 * RenegotiatingSubscription} of this node (the same offers, answers and viewports as at the
 * origin). Its requests and events pass through to the origin ({@code ws.EdgeWebProxy}), which
 * decides everything else; what the origin says there drives this: the join's answer (in the
 * lobby or not), {@code room.admitted}, the end of the connection. Guarded by its edge room's
 * monitor.
 */
public final class EdgeWebViewer {
    private final EdgeRoom edge;
    private final String originId;
    private final RenegotiatingSubscription subscription;
    private final ClientChannel channel;
    private boolean waiting;
    /** The join's response went out: offers may follow it. */
    private boolean started;
    private boolean closed;
    /** The last-N given to this node's media plane; 0 before. */
    private int appliedLastN;

    EdgeWebViewer(EdgeRoom edge, String originId, RenegotiatingSubscription subscription, ClientChannel channel,
                  boolean waiting) {
        this.edge = edge;
        this.originId = originId;
        this.subscription = subscription;
        this.channel = channel;
        this.waiting = waiting;
    }

    /** Its participant id in the origin's room (also its MediaStream owner in others' offers). */
    public String originId() {
        return originId;
    }

    /** The join's response was sent to the client: the stage is offered now (unless it waits in the lobby). */
    public void start() {
        synchronized (edge) {
            started = true;
            showStage();
        }
    }

    /** The origin's room let it in from its lobby ({@code room.admitted} passed through). */
    public void admitted() {
        synchronized (edge) {
            waiting = false;
            showStage();
        }
    }

    /** The client's answer to the edge's offer {@code revision}. */
    public void answer(String sdp, long revision) throws SignalingException {
        synchronized (edge) {
            requireOpen();
            subscription.onAnswer(sdp, revision);
        }
    }

    /** What the client shows of the tracks it receives here (media.viewport). */
    public void show(List<Viewport> views) throws SignalingException {
        synchronized (edge) {
            requireOpen();
            for (Viewport view : views) {
                subscription.show(view);
            }
        }
    }

    /**
     * The room's {@code lastN} as the origin's room says it (the join's snapshot, each
     * {@code settings.changed}), capped for a phone by this node's {@code media.last-n-mobile}, as
     * the origin caps its own viewers.
     */
    public void applyLastN(int roomSetting, boolean phone) {
        if (roomSetting < 1) {
            return;
        }
        synchronized (edge) {
            int n = edge.lastNPolicy().forViewer(roomSetting, phone);
            if (!closed && n != appliedLastN) {
                edge.setLastN(subscription.transport(), n);
                appliedLastN = n;
            }
        }
    }

    /** A media-plane or node event from this node itself (node.draining). */
    void tell(com.fasterxml.jackson.databind.node.ObjectNode event) {
        if (!closed) {
            channel.send(event);
        }
    }

    int appliedLastN() {
        return appliedLastN;
    }

    /** The client or its passage to the origin is gone: its media here ends, the edge room forgets it. */
    public void close() {
        edge.webLeft(this);
    }

    /** The stage as the edge has it now, if this viewer may see it. Under the edge room's monitor. */
    void sync(List<StageTrack> stage) {
        if (started && !waiting && !closed) {
            subscription.sync(stage);
        }
    }

    private void showStage() {
        sync(edge.stage());
    }

    private void requireOpen() throws SignalingException {
        if (closed) {
            throw new SignalingException(SignalingException.Code.INVALID_STATE, "the stage of this edge is closed");
        }
    }

    /** Ends its media here; with {@code reason}, its client's connection too (the edge ended, or the origin removed it). */
    void end(String reason) {
        if (closed) {
            return;
        }
        closed = true;
        subscription.close();
        if (reason != null) {
            channel.close(reason);
        }
    }

    RenegotiatingSubscription subscription() {
        return subscription;
    }
}
