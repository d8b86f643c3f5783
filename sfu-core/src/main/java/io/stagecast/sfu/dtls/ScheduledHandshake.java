package io.stagecast.sfu.dtls;

import java.net.InetAddress;

/** What {@link DtlsHandshakeScheduler} needs of a session's handshake. */
interface ScheduledHandshake {
    /** The remote IP address the per-address cap counts it under. */
    InetAddress peer();

    /** When the handshake last moved (see {@link QueuedDatagramTransport#lastProgressNanos}). */
    long lastProgressNanos();

    /** Runs the blocking handshake to its end, on a scheduler thread. */
    void run();

    /** Ends a running handshake whose peer went silent; false if it was already ending. */
    boolean stall(String reason);

    /** Ends a handshake that never got a thread. */
    void expire(String reason);

    /** Closed or failed meanwhile: a waiting one is skipped. */
    boolean isOver();
}
