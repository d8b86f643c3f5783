package io.stagecast.signaling.ws;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * The messages of one WebSocket waiting for the client to read them, at most {@code capBytes}.
 * Messages go to Netty only while the channel is writable (below its write-buffer high-water
 * mark), so what the socket cannot take waits here, counted, instead of in Netty's unbounded
 * outbound buffer or task queue: a client that stops reading while the room keeps talking would
 * otherwise hold every event ever sent to it (issue 8: +54 MB for one socket). When the cap is
 * reached the waiting messages are dropped and a Close frame with the reason is the next thing
 * written; a client that does not take even that is cut after {@code closeGrace}.
 *
 * <p>{@link #offer} and {@link #close} may be called from any thread (rooms deliver events under
 * their own lock); writing to the channel happens on its event loop only.
 */
final class OutboundQueue {
    /** What {@link #offer} did with a message. */
    enum Offer { QUEUED, DROPPED_CLOSING, OVER_CAP }

    private final Channel channel;
    private final long capBytes;
    private final long closeGraceMillis;
    private final ArrayDeque<Object> waiting = new ArrayDeque<>();
    private long waitingBytes;
    private boolean drainScheduled;
    private boolean closing;

    OutboundQueue(Channel channel, long capBytes, long closeGraceMillis) {
        this.channel = channel;
        this.capBytes = capBytes;
        this.closeGraceMillis = closeGraceMillis;
    }

    /**
     * Queues one text message. {@link Offer#OVER_CAP}: it would take the queue over the cap; the
     * queue is unchanged and the caller decides (see {@link #closeNow}).
     */
    Offer offer(byte[] utf8) {
        synchronized (this) {
            if (closing) {
                return Offer.DROPPED_CLOSING;
            }
            // One message alone always fits (a join snapshot of a large room may be big); the
            // bound is the cap plus one message.
            if (waitingBytes > 0 && waitingBytes + utf8.length > capBytes) {
                return Offer.OVER_CAP;
            }
            waiting.add(utf8);
            waitingBytes += utf8.length;
        }
        scheduleDrain();
        return Offer.QUEUED;
    }

    /** Bytes waiting here (not yet handed to Netty). */
    synchronized long waitingBytes() {
        return waitingBytes;
    }

    /**
     * Closes after what is already queued: a response to the request that ends this connection
     * still goes out first. Later messages are dropped. The connection is closed within
     * {@code closeGrace} whether or not the client took it all.
     */
    void close(CloseWebSocketFrame frame) {
        synchronized (this) {
            if (closing) {
                frame.release();
                return;
            }
            closing = true;
            waiting.add(frame);
        }
        scheduleDrain();
        cutAfterGrace();
    }

    /**
     * Drops everything waiting and writes {@code frame} at once: for a client that does not read,
     * whose backlog is worthless and must not be kept. The Close frame then only waits behind
     * what Netty already holds (at most the high-water mark).
     */
    void closeNow(CloseWebSocketFrame frame) {
        synchronized (this) {
            discardLocked();
            closing = true;
        }
        channel.eventLoop().execute(() -> {
            if (channel.isActive()) {
                channel.writeAndFlush(frame).addListener(f -> channel.close());
            } else {
                frame.release();
            }
        });
        cutAfterGrace();
    }

    /** Releases what is still waiting once the channel is gone. */
    synchronized void discard() {
        discardLocked();
        closing = true;
    }

    private void discardLocked() {
        for (Object message : waiting) {
            if (message instanceof CloseWebSocketFrame frame) {
                frame.release();
            }
        }
        waiting.clear();
        waitingBytes = 0;
    }

    /** A client that takes nothing, not even the Close frame, is cut after the grace. */
    private void cutAfterGrace() {
        channel.eventLoop().schedule(() -> {
            channel.close();
        }, closeGraceMillis, TimeUnit.MILLISECONDS);
    }

    /** The channel became writable again (event loop). */
    void writabilityChanged() {
        if (channel.isWritable()) {
            drain();
        }
    }

    private void scheduleDrain() {
        synchronized (this) {
            if (drainScheduled) {
                return;
            }
            drainScheduled = true;
        }
        if (channel.eventLoop().inEventLoop()) {
            drain();
        } else {
            channel.eventLoop().execute(this::drain);
        }
    }

    /** Hands waiting messages to Netty while the channel takes them (event loop only). */
    private void drain() {
        boolean wrote = false;
        try {
            while (channel.isActive()) {
                Object next;
                synchronized (this) {
                    next = waiting.peek();
                    if (next != null && !(next instanceof CloseWebSocketFrame) && !channel.isWritable()) {
                        // channelWritabilityChanged calls writabilityChanged() when the socket drained.
                        return;
                    }
                    waiting.poll();
                    if (next == null) {
                        drainScheduled = false;
                        return;
                    }
                    if (next instanceof byte[] bytes) {
                        waitingBytes -= bytes.length;
                    }
                }
                wrote = true;
                if (next instanceof byte[] bytes) {
                    channel.write(new TextWebSocketFrame(Unpooled.wrappedBuffer(bytes)));
                } else {
                    channel.writeAndFlush(next).addListener(f -> channel.close());
                    discard();
                    return;
                }
            }
            discard();
        } finally {
            if (wrote) {
                channel.flush();
            }
        }
    }
}
