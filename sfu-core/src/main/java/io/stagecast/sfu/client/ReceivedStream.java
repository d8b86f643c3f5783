package io.stagecast.sfu.client;

import io.stagecast.sfu.rtp.RtpPacket;

/**
 * What a {@link SyntheticPeer} saw of one received SSRC. Written by the peer's receive thread
 * only, read by anyone: the fields are volatile so readers see recent values without locks.
 */
public final class ReceivedStream {
    private final int ssrc;
    private volatile long packets;
    private volatile int lastSequenceNumber = -1;
    private volatile int lastPayloadType = -1;
    private volatile long lastTimestamp = -1;
    private volatile long sequenceGaps;

    ReceivedStream(int ssrc) {
        this.ssrc = ssrc;
    }

    /** A packet that authenticated; receive thread only. */
    void onPacket(RtpPacket rtp) {
        int seq = rtp.sequenceNumber();
        int last = lastSequenceNumber;
        if (last >= 0 && seq != ((last + 1) & 0xFFFF)) {
            sequenceGaps++;
        }
        lastSequenceNumber = seq;
        lastPayloadType = rtp.payloadType();
        lastTimestamp = rtp.timestamp();
        packets++;
    }

    public int ssrc() {
        return ssrc;
    }

    public long packets() {
        return packets;
    }

    /** -1 before the first packet. */
    public int lastSequenceNumber() {
        return lastSequenceNumber;
    }

    public int lastPayloadType() {
        return lastPayloadType;
    }

    public long lastTimestamp() {
        return lastTimestamp;
    }

    /** Packets whose sequence number did not follow the previous one's (loss, reordering, a jump). */
    public long sequenceGaps() {
        return sequenceGaps;
    }

    @Override
    public String toString() {
        return "ReceivedStream[ssrc=" + Integer.toUnsignedString(ssrc) + ", packets=" + packets
                + ", lastSeq=" + lastSequenceNumber + ", gaps=" + sequenceGaps + "]";
    }
}
