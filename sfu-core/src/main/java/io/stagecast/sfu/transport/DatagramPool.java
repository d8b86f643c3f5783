package io.stagecast.sfu.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.VoidChannelPromise;
import io.netty.channel.socket.DatagramPacket;
import io.stagecast.sfu.buffer.PacketBuffer;
import io.stagecast.sfu.metrics.MediaMetrics;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * One event loop's outbound datagrams: {@link PooledDatagram}s with direct buffers, taken for a
 * send and given back by Netty's release after the write, so forwarding allocates nothing per
 * packet (no envelope, no buffer, no copy from heap to direct inside Netty), and the scratch array
 * where a packet is built and protected before its one copy into a datagram (SRTP works on
 * {@code byte[]}).
 *
 * <p>Up to {@code capacity} datagrams exist; they are made as needed (counted as
 * {@code stagecast.media.send.datagrams{outcome=created}}), in slabs of {@value #SLAB} that share
 * one direct region (memory the JDK frees when the pool is gone: nothing here needs closing).
 * All of them in flight means one read batch fanned out further than the pool: the channel is
 * flushed (sendmmsg returns most of them at once); if none came back (the socket buffer is
 * full), the send takes a datagram of Netty's pooled direct allocator, counted as
 * {@code outcome=overflow}, rather than drop the packet.
 *
 * <p>Event loop only: {@link #take} runs in the send path, {@link #recycle} in Netty's release
 * after the write, both on the channel's loop.
 */
final class DatagramPool {
    /**
     * Per loop: 2,048 x 1.5 KB = 3 MB. With a flush every {@value #WRITES_PER_FLUSH} writes the
     * kernel takes datagrams back as fast as they are made, so the cap only matters when the
     * socket's send buffer is full, or on an embedded channel that keeps what it was sent.
     */
    static final int DEFAULT_CAPACITY = 2048;
    static final int SLAB = 32;
    /**
     * Netty's Recycler keeps up to 32 (its {@code io.netty.recycler.chunkSize}) recycled
     * {@code ChannelOutboundBuffer} entries per thread in a plain batch; past that they go through
     * a chunked MPSC queue that allocates a new chunk every 32 entries (~5 B per write measured at
     * fan-out 100). Flushing after at most this many writes keeps every entry in the batch: one
     * sendmmsg per 32 datagrams instead of one per read batch, a syscall's entry cost spread over
     * 32 packets.
     */
    static final int WRITES_PER_FLUSH = 32;
    /** A datagram's room: a protected packet, rounded to a cache line. */
    private static final int SLOT = (PacketBuffer.CAPACITY + 63) & ~63;

    private final Channel channel;
    private final VoidChannelPromise noPromise;
    private final MediaMetrics metrics;
    private final PooledDatagram[] free;
    private final byte[] scratch = new byte[PacketBuffer.CAPACITY];
    private int freeCount;
    private int created;
    private int unflushed;

    DatagramPool(Channel channel, MediaMetrics metrics) {
        this(channel, metrics, DEFAULT_CAPACITY);
    }

    DatagramPool(Channel channel, MediaMetrics metrics, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity " + capacity);
        }
        this.channel = channel;
        this.noPromise = new VoidChannelPromise(channel, false);
        this.metrics = metrics;
        this.free = new PooledDatagram[capacity];
    }

    /**
     * The array a packet is built in (from offset 0, {@link PacketBuffer#CAPACITY} long, room for
     * the SRTP trailer). One per loop: it holds one packet from its build to its send; nothing
     * may be sent on this loop in between.
     */
    byte[] scratch() {
        return scratch;
    }

    /**
     * A datagram to {@code to} holding {@code len} bytes of {@code b} from {@code off}, referenced
     * once: the caller writes it to the channel (which releases it), or releases it.
     */
    DatagramPacket take(byte[] b, int off, int len, InetSocketAddress to) {
        PooledDatagram d = takeFree();
        if (d == null) {
            return new DatagramPacket(overflowBuffer(len).writeBytes(b, off, len), to);
        }
        d.reset(to).content().writeBytes(b, off, len);
        return d;
    }

    /** The same, copying from a direct buffer (a {@link FrameRun} of one packet). */
    DatagramPacket take(ByteBuf src, int index, int len, InetSocketAddress to) {
        PooledDatagram d = takeFree();
        if (d == null) {
            return new DatagramPacket(overflowBuffer(len).writeBytes(src, index, len), to);
        }
        d.reset(to).content().writeBytes(src, index, len);
        return d;
    }

    /** Every pooled datagram is in flight: a Netty buffer for this one send, counted. */
    private ByteBuf overflowBuffer(int len) {
        metrics.sendDatagramOverflow();
        return channel.alloc().directBuffer(len, len);
    }

    private PooledDatagram takeFree() {
        if (freeCount == 0) {
            if (created < free.length) {
                grow();
            } else {
                channel.flush();
            }
            if (freeCount == 0) {
                return null;
            }
        }
        PooledDatagram d = free[--freeCount];
        free[freeCount] = null;
        return d;
    }

    private void grow() {
        int n = Math.min(SLAB, free.length - created);
        ByteBuffer slab = ByteBuffer.allocateDirect(n * SLOT);
        for (int i = 0; i < n; i++) {
            ByteBuffer slot = slab.slice(i * SLOT, PacketBuffer.CAPACITY);
            free[freeCount++] = new PooledDatagram(this, Unpooled.wrappedBuffer(slot));
        }
        created += n;
        metrics.sendDatagramsCreated(n);
    }

    /** Copies {@code len} bytes of {@code b} from {@code off} into a datagram to {@code to} and writes it. */
    void send(byte[] b, int off, int len, InetSocketAddress to) {
        write(take(b, off, len, to));
    }

    /** The same, copying from a direct buffer (a {@link FrameRun} of one packet). */
    void send(ByteBuf src, int index, int len, InetSocketAddress to) {
        write(take(src, index, len, to));
    }

    /**
     * Writes a datagram of this loop (pooled, overflow, or a {@link FrameRun}) to the channel.
     * Nobody waits for a datagram's write (a failed one is as lost as on the wire), so one promise
     * that never fires serves every write. Every {@value #WRITES_PER_FLUSH}th write flushes
     * (flushes made elsewhere, per read batch and per tick, only lower what is queued).
     */
    void write(DatagramPacket datagram) {
        channel.write(datagram, noPromise);
        if (++unflushed >= WRITES_PER_FLUSH) {
            unflushed = 0;
            channel.flush();
        }
    }

    /** Netty's release of a written (or failed, or discarded) datagram gives it back. */
    void recycle(PooledDatagram d) {
        assert channel.eventLoop().inEventLoop() : "a datagram released off its loop";
        free[freeCount++] = d;
    }

    /** Datagrams made so far (all of them free when nothing is in flight). */
    int created() {
        return created;
    }

    int free() {
        return freeCount;
    }
}
