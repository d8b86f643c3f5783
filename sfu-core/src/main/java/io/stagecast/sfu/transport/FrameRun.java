package io.stagecast.sfu.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.unix.SegmentedDatagramPacket;

import java.net.InetSocketAddress;

/**
 * Packets of one video frame on their way to one subscriber, sent in one UDP GSO send
 * ({@code UDP_SEGMENT}): Netty's {@link SegmentedDatagramPacket}, which the epoll channel hands to
 * sendmmsg with the segment size in a control message, so the kernel walks the stack once for the
 * whole run and cuts it into datagrams of {@link #segmentSize()} bytes at the end (the last one may
 * be shorter). Reused like {@link PooledDatagram}: the buffer is its own, direct (sendmmsg reads it
 * in place), the recipient and segment size are set per run, and Netty's release after the write
 * hands it back to its {@link FrameRunPool}.
 *
 * <p>While a run is being filled it also keeps what decides whether the next packet may join it
 * (its stream, RTP timestamp, size, and whether a shorter last segment closed it).
 *
 * <p>Event loop only.
 */
final class FrameRun extends SegmentedDatagramPacket {
    /** Stands in for the recipient until the first run: Netty's constructor refuses none. */
    private static final InetSocketAddress UNSET = InetSocketAddress.createUnresolved("unset", 9);

    private final FrameRunPool pool;
    private InetSocketAddress recipient;
    private final LoopRefCount refCnt = new LoopRefCount();
    private int segmentSize;
    private int segments;
    private int ssrc;
    private int timestamp;
    /** A segment shorter than {@link #segmentSize} was added: GSO allows only the last to be shorter. */
    private boolean closed;
    /** The transport's runs that hold this one while it fills (null once sent or given back). */
    FrameRuns owner;
    /** Place in the pool's list of runs being filled, -1 when not in it. */
    int pendingIndex = -1;
    /** The pool's tick count when the run started: the tick sends a run that outlived one tick. */
    long startTick;

    FrameRun(FrameRunPool pool, ByteBuf direct) {
        super(direct, 1, UNSET);
        this.pool = pool;
        this.recipient = UNSET;
    }

    /** Empty, addressed to {@code to}, for packets of stream {@code ssrc} at RTP time {@code timestamp}. */
    FrameRun start(InetSocketAddress to, int ssrc, int timestamp) {
        recipient = to;
        refCnt.reset();
        segmentSize = 0;
        segments = 0;
        closed = false;
        this.ssrc = ssrc;
        this.timestamp = timestamp;
        content().clear();
        return this;
    }

    /**
     * Whether a packet of {@code length} bytes of stream {@code ssrc} at {@code timestamp}, to
     * {@code to}, may be the next segment: same frame and destination, not longer than the first
     * segment, nothing shorter before it, and room left (segments and bytes).
     */
    boolean accepts(InetSocketAddress to, int ssrc, int timestamp, int length, int maxSegments) {
        return !closed && segments < maxSegments && to == recipient && ssrc == this.ssrc && timestamp == this.timestamp
                && (segments == 0 || length <= segmentSize) && content().writableBytes() >= length;
    }

    /** Appends one protected packet; the first sets the segment size, a shorter one closes the run. */
    void add(byte[] b, int off, int length) {
        if (segments == 0) {
            segmentSize = length;
        } else if (length < segmentSize) {
            closed = true;
        }
        content().writeBytes(b, off, length);
        segments++;
    }

    int segments() {
        return segments;
    }

    int ssrc() {
        return ssrc;
    }

    /** No further segment can join (a shorter one was added). */
    boolean isClosed() {
        return closed;
    }

    @Override
    public int segmentSize() {
        return segmentSize;
    }

    @Override
    public InetSocketAddress recipient() {
        return recipient;
    }

    @Override
    public int refCnt() {
        return refCnt.get();
    }

    @Override
    public FrameRun retain() {
        return retain(1);
    }

    @Override
    public FrameRun retain(int increment) {
        refCnt.retain(increment);
        return this;
    }

    @Override
    public boolean release() {
        return release(1);
    }

    @Override
    public boolean release(int decrement) {
        if (!refCnt.release(decrement)) {
            return false;
        }
        pool.recycle(this);
        return true;
    }

    @Override
    public FrameRun touch() {
        return this;
    }

    @Override
    public FrameRun touch(Object hint) {
        return this;
    }

    @Override
    public String toString() {
        return "FrameRun(" + segments + " x " + segmentSize + " B => " + recipient + ", refCnt " + refCnt.get() + ")";
    }
}
