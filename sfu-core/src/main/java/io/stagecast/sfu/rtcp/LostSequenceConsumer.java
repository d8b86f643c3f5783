package io.stagecast.sfu.rtcp;

/** Receives the sequence numbers a NACK asks for; implemented once and reused, not per packet. */
@FunctionalInterface
public interface LostSequenceConsumer {
    void onLost(int seq);
}
