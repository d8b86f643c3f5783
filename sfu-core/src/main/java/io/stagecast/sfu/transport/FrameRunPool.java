package io.stagecast.sfu.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.stagecast.sfu.metrics.MediaMetrics;

import java.nio.ByteBuffer;

/**
 * One event loop's UDP GSO runs ({@link FrameRun}): the reusable direct buffers video frames are
 * gathered in per subscriber, the list of runs being filled (so the loop's tick can send those
 * whose frame never ended), and the send of a finished run.
 *
 * <p>Why runs are held across read batches: publishers pace a frame's packets (libwebrtc's pacer,
 * the load generator: ~2 ms apart), so one recvmmsg batch rarely holds two packets of one frame,
 * and grouping within a read batch would group almost nothing. Each subscriber's packets of a
 * frame are held instead until the frame's last packet (RTP marker), which leaves the moment it
 * arrives: a frame is decodable only once its last packet is there, so holding the earlier ones
 * delays no frame. See {@link FrameRuns} for what ends a run.
 *
 * <p>Up to {@code capacity} runs exist, made in slabs of {@value #SLAB} as needed
 * ({@code stagecast.media.send.gso.runs{outcome=created}}); with all of them filling or in
 * flight, a frame's packets go out as plain datagrams, counted as {@code outcome=overflow}.
 *
 * <p>Event loop only.
 */
public final class FrameRunPool {
    /**
     * Segments per run. A 1.5 Mbit/s, 30 fps VP8 frame is ~6 packets; keyframes are cut into runs
     * of this many. {@code SendFloor --gso} measured the kernel's cost per packet at 1 / 4 / 8
     * segments per send as 3.7-4.4 / 1.7-1.8 / 1.1 us: most of the gain is in by 8, and a run's
     * buffer stays ~10 KB (the kernel's limits are 64 segments and 64 KB).
     */
    static final int MAX_SEGMENTS = 8;
    /** Runs per loop: one per video stream per subscriber fills at a time; 1,024 x 10 KB = 10 MB at most. */
    static final int DEFAULT_CAPACITY = 1024;
    static final int SLAB = 16;
    /** Room for {@value #MAX_SEGMENTS} of the largest packets gathered ({@link FrameRuns#MAX_SEGMENT_BYTES}): ~10 KB. */
    private static final int RUN_BYTES = (MAX_SEGMENTS * FrameRuns.MAX_SEGMENT_BYTES + 63) & ~63;

    private final Channel channel;
    private final MediaMetrics metrics;
    private final DatagramPool datagrams;
    private final FrameRun[] free;
    private final FrameRun[] filling;
    private int freeCount;
    private int fillingCount;
    private int created;
    private long ticks;

    public FrameRunPool(Channel channel, MediaMetrics metrics, DatagramPool datagrams) {
        this(channel, metrics, datagrams, DEFAULT_CAPACITY);
    }

    FrameRunPool(Channel channel, MediaMetrics metrics, DatagramPool datagrams, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity " + capacity);
        }
        this.channel = channel;
        this.metrics = metrics;
        this.datagrams = datagrams;
        this.free = new FrameRun[capacity];
        this.filling = new FrameRun[capacity];
    }

    /** An empty run to fill, in the list of filling runs; null (counted) when all are in use. */
    FrameRun take(FrameRuns owner) {
        if (freeCount == 0 && created < free.length) {
            grow();
        }
        if (freeCount == 0) {
            metrics.gsoRunOverflow();
            return null;
        }
        FrameRun run = free[--freeCount];
        free[freeCount] = null;
        run.owner = owner;
        run.startTick = ticks;
        run.pendingIndex = fillingCount;
        filling[fillingCount++] = run;
        return run;
    }

    private void grow() {
        int n = Math.min(SLAB, free.length - created);
        ByteBuffer slab = ByteBuffer.allocateDirect(n * RUN_BYTES);
        for (int i = 0; i < n; i++) {
            free[freeCount++] = new FrameRun(this, Unpooled.wrappedBuffer(slab.slice(i * RUN_BYTES, RUN_BYTES)));
        }
        created += n;
        metrics.gsoRunsCreated(n);
    }

    /**
     * Sends {@code run} (off the filling list and its owner): a run of one as a plain pooled
     * datagram (no segmentation to ask the kernel for), else as one GSO send, counted.
     */
    void send(FrameRun run) {
        unlist(run);
        if (run.owner != null) {
            run.owner.forget(run);
            run.owner = null;
        }
        int segments = run.segments();
        if (segments <= 1) {
            if (segments == 1) {
                io.netty.buffer.ByteBuf content = run.content();
                datagrams.send(content, content.readerIndex(), content.readableBytes(), run.recipient());
            }
            run.release();
            return;
        }
        metrics.gsoSent(segments);
        datagrams.write(run);
    }

    /**
     * The loop's tick: sends every run that was already filling at the previous tick (its frame's
     * last packet was lost, or its stream stopped), so a run waits 20-40 ms at most; a run
     * started since then is left to finish its frame.
     */
    public void tick() {
        for (int i = fillingCount - 1; i >= 0; i--) {
            if (i < fillingCount && filling[i].startTick < ticks) {
                send(filling[i]);
            }
        }
        ticks++;
    }

    private void unlist(FrameRun run) {
        int i = run.pendingIndex;
        if (i < 0) {
            return;
        }
        FrameRun last = filling[--fillingCount];
        filling[fillingCount] = null;
        if (last != run) {
            filling[i] = last;
            last.pendingIndex = i;
        }
        run.pendingIndex = -1;
    }

    /** Netty's release of a written (or failed, or discarded) run gives it back. */
    void recycle(FrameRun run) {
        assert channel.eventLoop().inEventLoop() : "a frame run released off its loop";
        run.owner = null;
        free[freeCount++] = run;
    }

    /** Runs being filled now. */
    int filling() {
        return fillingCount;
    }

    int created() {
        return created;
    }

    int free() {
        return freeCount;
    }
}
