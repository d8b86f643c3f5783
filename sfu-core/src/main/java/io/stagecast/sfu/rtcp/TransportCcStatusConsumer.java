package io.stagecast.sfu.rtcp;

/** Receives each packet status of a transport-cc feedback packet, in sequence order. */
@FunctionalInterface
public interface TransportCcStatusConsumer {
    /**
     * @param seq transport-wide sequence number (16 bits)
     * @param received whether the remote side reported the packet as received
     * @param receiveTimeMicros arrival time on the remote clock: reference time x 64 ms plus the
     *     deltas so far, at 250 us resolution; only comparable between packets of one feedback
     *     stream, and meaningless when {@code received} is false
     */
    void onStatus(int seq, boolean received, long receiveTimeMicros);
}
