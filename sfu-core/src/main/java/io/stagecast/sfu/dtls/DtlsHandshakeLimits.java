package io.stagecast.sfu.dtls;

import java.time.Duration;

/**
 * How many DTLS handshakes a node runs at once, and how long one may wait for its peer; see
 * {@link DtlsHandshakeScheduler} for why these and not others.
 *
 * @param maxRunning     handshake threads: handshakes in progress at once
 * @param maxWaiting     handshakes whose peer spoke, waiting for a thread; more are refused
 * @param maxPerAddress  handshakes running or waiting for one remote IP address; more are refused
 * @param stallTimeout   a handshake whose peer sends nothing for this long (after our last new
 *                       flight, or its own last datagram) is ended; one waiting that long is dropped
 */
public record DtlsHandshakeLimits(int maxRunning, int maxWaiting, int maxPerAddress, Duration stallTimeout) {

    /**
     * 64 threads as before; 32 per address so that one host (or one NAT) cannot take them all;
     * 3 s without a datagram outlasts a lost flight in each direction (BouncyCastle and browsers
     * retransmit after 1 s) and is far below the 20 s an idle peer used to hold a thread for.
     */
    public static final DtlsHandshakeLimits DEFAULT = new DtlsHandshakeLimits(64, 256, 32, Duration.ofSeconds(3));

    public DtlsHandshakeLimits {
        if (maxRunning < 1 || maxWaiting < 0 || maxPerAddress < 1) {
            throw new IllegalArgumentException("DTLS handshake limits must be positive: " + maxRunning + ", "
                    + maxWaiting + ", " + maxPerAddress);
        }
        if (stallTimeout == null || stallTimeout.isNegative() || stallTimeout.isZero()) {
            throw new IllegalArgumentException("stall timeout must be positive: " + stallTimeout);
        }
    }

    public DtlsHandshakeLimits withStallTimeout(Duration timeout) {
        return new DtlsHandshakeLimits(maxRunning, maxWaiting, maxPerAddress, timeout);
    }

    public DtlsHandshakeLimits withMaxPerAddress(int max) {
        return new DtlsHandshakeLimits(maxRunning, maxWaiting, max, stallTimeout);
    }
}
