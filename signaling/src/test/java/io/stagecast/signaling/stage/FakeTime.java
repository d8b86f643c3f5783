package io.stagecast.signaling.stage;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.function.LongSupplier;

/** Both of a room's clocks (wall and monotonic nanos), standing still until a test moves them. */
final class FakeTime extends Clock implements LongSupplier {
    private Instant wall = Instant.parse("2030-01-01T10:00:00Z");
    private long nanos = 1_000_000_000_000L;

    void advance(Duration by) {
        wall = wall.plus(by);
        nanos += by.toNanos();
    }

    long nanos() {
        return nanos;
    }

    @Override
    public long getAsLong() {
        return nanos;
    }

    @Override
    public Instant instant() {
        return wall;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("not needed in tests");
    }
}
