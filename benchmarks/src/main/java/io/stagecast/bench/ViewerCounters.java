package io.stagecast.bench;

import io.stagecast.sfu.client.ReceivedRtpListener;
import io.stagecast.sfu.rtp.RtpPacket;
import org.HdrHistogram.Recorder;

/**
 * What one viewer received, on its peer's receive thread: packets, packets expected from the
 * sequence numbers of each SSRC (so loss = expected - received), forwarding latency from the send
 * time the publisher stamped in the payload (same host, same clock), and the time of the first
 * packet. Single writer; the counters are volatile so the reporter reads recent values.
 */
final class ViewerCounters implements ReceivedRtpListener {
    private static final int MAX_SSRCS = 16;

    private final Recorder latencyMicros;
    private final int[] ssrcs = new int[MAX_SSRCS];
    private final long[] highest = new long[MAX_SSRCS];
    private int streams;
    private volatile long received;
    private volatile long expected;
    private volatile long firstPacketNanos;

    ViewerCounters(Recorder latencyMicros) {
        this.latencyMicros = latencyMicros;
    }

    @Override
    public void onRtp(RtpPacket packet, long receivedNanos) {
        if (firstPacketNanos == 0) {
            firstPacketNanos = receivedNanos;
        }
        countSequence(packet.ssrc(), packet.sequenceNumber());
        received++;
        long sent = PayloadStamp.read(packet.buffer(), packet.payloadOffset(), packet.payloadLength());
        if (sent != 0) {
            latencyMicros.recordValue(Math.max(0, (receivedNanos - sent) / 1_000));
        }
    }

    /** Extends the 16-bit sequence number against the highest seen (RFC 3550 A.1 style). */
    private void countSequence(int ssrc, int seq) {
        int i = 0;
        while (i < streams && ssrcs[i] != ssrc) {
            i++;
        }
        if (i == streams) {
            if (streams == MAX_SSRCS) {
                return;
            }
            ssrcs[i] = ssrc;
            highest[i] = seq;
            streams++;
            expected++;
            return;
        }
        long top = highest[i];
        int delta = (short) (seq - (int) (top & 0xFFFF));
        if (delta > 0) {
            highest[i] = top + delta;
            expected += delta;
        }
    }

    long received() {
        return received;
    }

    long expected() {
        return expected;
    }

    /** 0 until the first packet. */
    long firstPacketNanos() {
        return firstPacketNanos;
    }
}
