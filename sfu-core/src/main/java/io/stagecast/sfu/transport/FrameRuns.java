package io.stagecast.sfu.transport;


import java.net.InetSocketAddress;

/**
 * One subscriber transport's video packets held for UDP GSO: per video stream (SSRC) at most one
 * {@link FrameRun} being filled with the protected packets of the current frame, sent as one
 * {@code UDP_SEGMENT} send when
 * <ul>
 *   <li>the frame's last packet joined it (RTP marker, RFC 3550 5.1 / RFC 7741 4.1: the last
 *       packet of a video frame), so the frame's last packet leaves as soon as it arrives;</li>
 *   <li>a packet of the stream cannot join: another timestamp (a new frame, or the old frame's
 *       marker was lost), longer than the run's segments (GSO cuts a run into equal segments,
 *       only the last may be shorter), or another destination (the ICE pair moved); the run goes
 *       first, then the packet starts the next, so the stream's order on the wire is kept;</li>
 *   <li>a shorter packet joined (no further one could), or the run is full
 *       ({@value FrameRunPool#MAX_SEGMENTS} segments);</li>
 *   <li>the loop's tick found it filling since the previous tick ({@link FrameRunPool#tick});</li>
 *   <li>the transport closes ({@link #sendAll}).</li>
 * </ul>
 * What it costs: a frame's early packets wait for its last one (a frame takes as long to arrive
 * as before; its first packet is later), and the frame leaves as one burst instead of at the
 * publisher's pacing. Audio, RTCP, retransmissions and probes do not come here; they may pass a
 * held run, which reorders packets of different SSRCs only (the transport-wide sequence numbers
 * were stamped in sending order; the receiver's feedback reports by number, and the estimator's
 * packet groups take a burst that arrives faster than it was stamped as one group, gcc-02 5.2).
 *
 * <p>Event loop only; nothing allocated per packet.
 */
final class FrameRuns {
    /**
     * Video streams of one subscriber filling at once: a stage of up to 8 tiles (publishers pace
     * independently, so their frames overlap); a ninth sends the oldest slot's run.
     */
    static final int STREAMS = 8;
    /**
     * The largest packet gathered: 1280 (the smallest MTU IPv6 allows, RFC 8200 5) less the IPv6
     * and UDP headers. The kernel refuses a whole GSO send whose segments do not fit the route's
     * MTU (EINVAL), where a plain datagram would be fragmented and still arrive; browsers' RTP
     * stays under ~1,200 bytes, so only unusual packets go out one by one.
     */
    static final int MAX_SEGMENT_BYTES = 1280 - 40 - 8;

    private final FrameRunPool pool;
    private final DatagramPool datagrams;
    private final FrameRun[] runs = new FrameRun[STREAMS];
    private int nextVictim;

    FrameRuns(FrameRunPool pool, DatagramPool datagrams) {
        this.pool = pool;
        this.datagrams = datagrams;
    }

    /**
     * Queues the protected RTP packet of {@code length} bytes at {@code b[off]} (its header is
     * clear text: marker, timestamp and SSRC are read there) to {@code to}: into this stream's run,
     * or at once when nothing can be gathered.
     */
    void send(byte[] b, int off, int length, InetSocketAddress to) {
        boolean marker = (b[off + 1] & 0x80) != 0;
        int timestamp = readInt(b, off + 4);
        int ssrc = readInt(b, off + 8);
        int slot = slotOf(ssrc);
        FrameRun run = slot >= 0 ? runs[slot] : null;
        boolean fits = length <= MAX_SEGMENT_BYTES;
        if (run != null && fits && run.accepts(to, ssrc, timestamp, length, FrameRunPool.MAX_SEGMENTS)) {
            run.add(b, off, length);
            if (marker || run.isClosed() || run.segments() >= FrameRunPool.MAX_SEGMENTS) {
                pool.send(run);
            }
            return;
        }
        if (run != null) {
            pool.send(run); // forgets it: runs[slot] is free
        }
        if (marker || !fits) {
            plain(b, off, length, to); // a run of one (the frame's only packet, or its last after a cut), or too big
            return;
        }
        if (slot < 0) {
            slot = freeSlot();
        }
        FrameRun fresh = pool.take(this);
        if (fresh == null) {
            plain(b, off, length, to);
            return;
        }
        runs[slot] = fresh.start(to, ssrc, timestamp);
        fresh.add(b, off, length);
    }

    /** Sends every run of this transport (it closes, or is told to stop holding). */
    void sendAll() {
        for (FrameRun run : runs) {
            if (run != null) {
                pool.send(run);
            }
        }
    }

    /** The pool sent {@code run}: its slot is free. */
    void forget(FrameRun run) {
        for (int i = 0; i < STREAMS; i++) {
            if (runs[i] == run) {
                runs[i] = null;
                return;
            }
        }
    }

    private int slotOf(int ssrc) {
        for (int i = 0; i < STREAMS; i++) {
            FrameRun run = runs[i];
            if (run != null && run.ssrc() == ssrc) {
                return i;
            }
        }
        return -1;
    }

    private int freeSlot() {
        for (int i = 0; i < STREAMS; i++) {
            if (runs[i] == null) {
                return i;
            }
        }
        int victim = nextVictim;
        nextVictim = (nextVictim + 1) % STREAMS;
        pool.send(runs[victim]);
        return victim;
    }

    private void plain(byte[] b, int off, int length, InetSocketAddress to) {
        datagrams.send(b, off, length, to);
    }

    private static int readInt(byte[] b, int off) {
        return ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }
}
