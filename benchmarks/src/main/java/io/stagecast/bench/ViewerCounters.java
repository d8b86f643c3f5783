package io.stagecast.bench;

import io.stagecast.sfu.client.ReceivedRtpListener;
import io.stagecast.sfu.rtp.RtpPacket;
import org.HdrHistogram.Recorder;

/**
 * What one viewer received, on its receive loop: packets, packets expected from the sequence
 * numbers of each SSRC (so loss = expected - received), the time of the first packet, and for the
 * sample that the peer authenticated, the forwarding latency from the send time the publisher
 * stamped in the (encrypted) payload: same host, same clock. Single writer; the counters are
 * volatile so the reporter reads recent values.
 */
public final class ViewerCounters implements ReceivedRtpListener {
    private static final int MAX_SSRCS = 16;

    private final Recorder latencyMicros;
    /**
     * The same for the sampled packets that end a frame (RTP marker): when the frame became
     * decodable. With UDP GSO in the node a frame's early packets wait for its last one, so the
     * per-packet latency grows while this one should not.
     */
    private final Recorder frameLatencyMicros;
    private final int[] ssrcs = new int[MAX_SSRCS];
    private final long[] highest = new long[MAX_SSRCS];
    private int streams;
    private volatile long received;
    private volatile long expected;
    private volatile long authenticated;
    private volatile long firstPacketNanos;
    private volatile int smallest = Integer.MAX_VALUE;
    private volatile int largest;

    ViewerCounters(Recorder latencyMicros, Recorder frameLatencyMicros) {
        this.latencyMicros = latencyMicros;
        this.frameLatencyMicros = frameLatencyMicros;
    }

    /** Every RTP packet from the node, authenticated or not. */
    void count(int ssrc, int seq, int bytes, long receivedNanos) {
        if (firstPacketNanos == 0) {
            firstPacketNanos = receivedNanos;
        }
        if (bytes > largest) {
            largest = bytes;
        }
        if (bytes < smallest) {
            smallest = bytes;
        }
        countSequence(ssrc, seq);
        received++;
    }

    /** The authenticated sample (called by the peer after SRTP unprotect). */
    @Override
    public void onRtp(RtpPacket packet, long receivedNanos) {
        authenticated++;
        long sent = PayloadStamp.read(packet.buffer(), packet.payloadOffset(), packet.payloadLength());
        if (sent != 0) {
            long micros = Math.max(0, (receivedNanos - sent) / 1_000);
            latencyMicros.recordValue(micros);
            if (packet.marker()) {
                frameLatencyMicros.recordValue(micros);
            }
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

    public long received() {
        return received;
    }

    public long expected() {
        return expected;
    }

    /** Packets of the sample that authenticated. */
    long authenticated() {
        return authenticated;
    }

    /** Size of the smallest SRTP packet seen (audio), MAX_VALUE before any. */
    int smallest() {
        return smallest;
    }

    /** Size of the largest SRTP packet seen (video), 0 before any. */
    int largest() {
        return largest;
    }

    /** 0 until the first packet. */
    long firstPacketNanos() {
        return firstPacketNanos;
    }
}
