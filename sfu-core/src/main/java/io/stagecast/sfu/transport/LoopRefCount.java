package io.stagecast.sfu.transport;

import io.netty.util.IllegalReferenceCountException;

/**
 * The reference count of a reused outbound message ({@link PooledDatagram}, {@link FrameRun}):
 * a plain int, since the message lives on one event loop (Netty releases written messages on
 * the channel's loop), with the checks of Netty's own counts. Reaching zero means "back to the
 * pool", which the owner does.
 */
final class LoopRefCount {
    private int count;

    /** Referenced once, by the write to come. */
    void reset() {
        count = 1;
    }

    int get() {
        return count;
    }

    void retain(int increment) {
        if (count <= 0 || increment <= 0) {
            throw new IllegalReferenceCountException(count, increment);
        }
        count += increment;
    }

    /** True when this was the last reference: the owner goes back to its pool. */
    boolean release(int decrement) {
        if (decrement <= 0 || count < decrement) {
            throw new IllegalReferenceCountException(count, -decrement);
        }
        count -= decrement;
        return count == 0;
    }
}
