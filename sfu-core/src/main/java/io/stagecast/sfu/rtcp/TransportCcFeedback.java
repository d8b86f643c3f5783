package io.stagecast.sfu.rtcp;

import java.util.Arrays;

/**
 * Builds transport-wide congestion control feedback for one publisher
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01 3.1), in the layout libwebrtc parses.
 *
 * <p>Arrival times are kept in a ring indexed by the unwrapped transport sequence number, so a
 * publisher's send-side estimator sees every packet of the last {@value #WINDOW} sequence numbers,
 * reordered or not. Each {@link #build} reports the statuses since the previous one. A packet that
 * arrives after its status went out as lost moves the start back so it is reported again, as
 * libwebrtc's own receiver does; the sender takes the later report.
 *
 * <p>Single-threaded; no allocation after construction.
 */
public final class TransportCcFeedback {
    /** Unit of the reference time field. */
    public static final long REFERENCE_TIME_UNIT_MICROS = 64_000;
    /** Unit of the receive deltas. */
    public static final long DELTA_UNIT_MICROS = 250;
    /** Sequence numbers remembered behind the highest one. */
    public static final int WINDOW = 4096;

    private static final long NOT_RECEIVED = Long.MIN_VALUE;
    private static final int HEADER = RtcpReaders.TCC_HEADER;
    private static final int DELTA_UNITS_PER_REFERENCE = 256;
    /** Room kept for chunks still being decided: at most 14 pending symbols fit two chunks. */
    private static final int PENDING_CHUNK_BYTES = 4;
    private static final int MIN_BUILD_LENGTH = 32;
    private static final int TOO_FAR = -1;

    private final int senderSsrc;
    private int mediaSsrc;
    private final long[] arrivals = new long[WINDOW];
    private final byte[] deltas = new byte[2 * WINDOW];
    private final SequenceUnwrapper unwrapper = new SequenceUnwrapper();
    private final TransportCcChunks chunks = new TransportCcChunks();
    /** First unwrapped sequence number the next feedback reports. */
    private long start;
    private long highest;
    private int feedbackCount;
    private long tooOld;

    public TransportCcFeedback(int senderSsrc, int mediaSsrc) {
        this.senderSsrc = senderSsrc;
        this.mediaSsrc = mediaSsrc;
        Arrays.fill(arrivals, NOT_RECEIVED);
    }

    /**
     * The SSRC the next feedback names as its media source. libwebrtc (RTCPReceiver::
     * HandleTransportFeedback, since 2023) drops transport feedback whose media source SSRC is not
     * one its RTP module sends, so it must be one of the publisher's own SSRCs, as libwebrtc's
     * receiver does with the SSRC of the last packet it recorded; 0 is silently ignored.
     */
    public void setMediaSsrc(int ssrc) {
        mediaSsrc = ssrc;
    }

    /** Records the arrival of a packet carrying transport-wide sequence number {@code transportSeq}. */
    public void onPacket(int transportSeq, long arrivalMicros) {
        if (!unwrapper.started()) {
            highest = unwrapper.unwrap(transportSeq);
            start = highest;
            arrivals[slot(highest)] = arrivalMicros;
            return;
        }
        long seq = unwrapper.peek(transportSeq);
        if (seq > highest) {
            if (seq - highest >= WINDOW) {
                Arrays.fill(arrivals, NOT_RECEIVED);
            } else {
                for (long s = highest + 1; s < seq; s++) {
                    arrivals[slot(s)] = NOT_RECEIVED;
                }
            }
            unwrapper.unwrap(transportSeq);
            highest = seq;
            arrivals[slot(seq)] = arrivalMicros;
            // Statuses that fell out of the ring can no longer be reported.
            start = Math.max(start, seq - WINDOW + 1);
        } else if (seq > highest - WINDOW) {
            int slot = slot(seq);
            if (arrivals[slot] == NOT_RECEIVED) {
                arrivals[slot] = arrivalMicros;
                start = Math.min(start, seq);
            }
        } else {
            tooOld++;
        }
    }

    /** Packets that arrived too late to be reported at all. */
    public long tooOldCount() {
        return tooOld;
    }

    /** True when a call to {@link #build} would write a packet. */
    public boolean hasPending() {
        return unwrapper.started() && start <= highest;
    }

    /**
     * Writes one feedback packet covering the statuses recorded since the last build, as many as
     * fit in {@code maxLength} bytes; returns the bytes written, 0 when there is nothing to report
     * or no room. Whatever did not fit, or lies more than a large delta (about 8 s) after the
     * previous reported arrival, starts the next feedback.
     */
    public int build(byte[] dst, int off, int maxLength) {
        int limit = Math.min(maxLength, dst.length - off);
        if (!hasPending() || off < 0 || limit < MIN_BUILD_LENGTH) {
            return 0;
        }
        long first = start;
        while (arrivals[slot(first)] == NOT_RECEIVED) {
            first++; // terminates: the highest packet is always received
        }
        long referenceUnits = Math.floorDiv(arrivals[slot(first)], REFERENCE_TIME_UNIT_MICROS);
        long previousTicks = referenceUnits * DELTA_UNITS_PER_REFERENCE;

        int chunkStart = off + HEADER;
        chunks.start(dst, chunkStart);
        int deltaLength = 0;
        int count = 0;
        for (long s = start; s <= highest && count < 0xFFFF; s++) {
            long arrival = arrivals[slot(s)];
            int symbol = TransportCcChunks.NOT_RECEIVED;
            long ticks = 0;
            long delta = 0;
            if (arrival != NOT_RECEIVED) {
                ticks = Math.floorDiv(arrival, DELTA_UNIT_MICROS);
                delta = ticks - previousTicks;
                symbol = deltaSymbol(delta);
                if (symbol == TOO_FAR) {
                    break;
                }
            }
            int worstCase = chunks.position() - off + PENDING_CHUNK_BYTES + deltaLength + symbol + 3;
            if (worstCase > limit) {
                break;
            }
            chunks.add(symbol);
            if (symbol == TransportCcChunks.SMALL_DELTA) {
                deltas[deltaLength++] = (byte) delta;
            } else if (symbol == TransportCcChunks.LARGE_DELTA) {
                deltas[deltaLength++] = (byte) (delta >> 8);
                deltas[deltaLength++] = (byte) delta;
            }
            if (symbol != TransportCcChunks.NOT_RECEIVED) {
                previousTicks = ticks;
            }
            count++;
        }
        if (count == 0) {
            return 0;
        }
        chunks.finish();
        int at = chunks.position();
        System.arraycopy(deltas, 0, dst, at, deltaLength);
        at += deltaLength;
        // libwebrtc pads to a word with the RTCP padding bit and a count in the last octet.
        int padding = (4 - (at - off) % 4) % 4;
        for (int i = 0; i < padding; i++) {
            dst[at++] = (byte) (i == padding - 1 ? padding : 0);
        }
        int length = at - off;
        dst[off] = (byte) (0x80 | (padding > 0 ? 0x20 : 0) | RtcpReaders.FMT_TRANSPORT_CC);
        dst[off + 1] = (byte) RtcpCompound.PT_RTPFB;
        BigEndian.put16(dst, off + 2, length / 4 - 1);
        BigEndian.put32(dst, off + 4, senderSsrc);
        BigEndian.put32(dst, off + 8, mediaSsrc);
        BigEndian.put16(dst, off + 12, (int) (start & 0xFFFF));
        BigEndian.put16(dst, off + 14, count);
        BigEndian.put24(dst, off + 16, (int) (referenceUnits & 0xFF_FFFF));
        dst[off + 19] = (byte) feedbackCount;
        feedbackCount = (feedbackCount + 1) & 0xFF;
        start += count;
        return length;
    }

    private static int deltaSymbol(long delta) {
        if (delta >= 0 && delta <= 0xFF) {
            return TransportCcChunks.SMALL_DELTA;
        }
        if (delta >= Short.MIN_VALUE && delta <= Short.MAX_VALUE) {
            return TransportCcChunks.LARGE_DELTA;
        }
        return TOO_FAR;
    }

    private static int slot(long seq) {
        return (int) (seq & (WINDOW - 1));
    }
}
