package io.stagecast.sfu.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.socket.DatagramPacket;

import java.net.InetSocketAddress;

/**
 * An outbound datagram that is reused: Netty's {@link DatagramPacket} (so the epoll channel
 * passes it through {@code filterOutboundMessage} unchanged and sendmmsg reads its direct buffer
 * in place, no heap->direct copy) whose recipient is set per send and whose buffer belongs to
 * it for good. Its reference count is its own, not the buffer's: the release that Netty's
 * outbound buffer makes after the write (or after a failed write, or when the channel is closed)
 * hands it back to its {@link DatagramPool} instead of freeing the buffer.
 *
 * <p>Event loop only, like the pool: Netty releases written messages on the channel's loop.
 */
final class PooledDatagram extends DatagramPacket {
    /** Stands in for the recipient until the first send: Netty's constructor refuses none. */
    private static final InetSocketAddress UNSET = InetSocketAddress.createUnresolved("unset", 9);

    private final DatagramPool pool;
    private InetSocketAddress recipient;
    private final LoopRefCount refCnt = new LoopRefCount();

    PooledDatagram(DatagramPool pool, ByteBuf direct) {
        super(direct, UNSET);
        this.pool = pool;
        this.recipient = UNSET;
    }

    /** Ready to fill: empty, addressed to {@code to}, referenced once (by the write to come). */
    PooledDatagram reset(InetSocketAddress to) {
        recipient = to;
        refCnt.reset();
        content().clear();
        return this;
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
    public PooledDatagram retain() {
        return retain(1);
    }

    @Override
    public PooledDatagram retain(int increment) {
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
    public PooledDatagram touch() {
        return this;
    }

    @Override
    public PooledDatagram touch(Object hint) {
        return this;
    }

    @Override
    public String toString() {
        return "PooledDatagram(" + content().readableBytes() + " B => " + recipient + ", refCnt " + refCnt.get() + ")";
    }
}
