package io.stagecast.sfu.transport;

import io.netty.util.concurrent.EventExecutor;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The check that loop-owned state is touched on its loop, written {@code assert
 * LoopConfinement.owned(loop)} where a transport, a consumer or a producer does its work: free
 * when assertions are off (the server), an {@link AssertionError} plus a counted violation in
 * tests (surefire runs with {@code -ea}), so a test of several loops under load can assert that
 * none happened even where the error itself was swallowed by the loop's handler.
 */
public final class LoopConfinement {
    private static final AtomicLong VIOLATIONS = new AtomicLong();

    private LoopConfinement() {
    }

    /** Whether the caller runs on {@code loop}; counts a violation when not. */
    public static boolean owned(EventExecutor loop) {
        if (loop.inEventLoop()) {
            return true;
        }
        VIOLATIONS.incrementAndGet();
        return false;
    }

    /** Violations seen in this JVM so far. */
    public static long violations() {
        return VIOLATIONS.get();
    }
}
