package io.stagecast.sfu.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.IllegalReferenceCountException;
import io.netty.util.ReferenceCountUtil;
import io.stagecast.sfu.metrics.MediaMetrics;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The loop's pool of outbound datagrams: every datagram comes back, whatever became of its write; the cap holds. */
class DatagramPoolTest {
    private static final InetSocketAddress A = new InetSocketAddress("127.0.0.1", 5000);
    private static final InetSocketAddress B = new InetSocketAddress("127.0.0.1", 5001);
    private final MediaMetrics metrics = MediaMetrics.noop();
    private final byte[] packet = {1, 2, 3, 4, 5, 6, 7, 8};

    @Test
    void aWrittenDatagramComesBackWhenTheChannelReleasesIt() {
        EmbeddedChannel channel = new EmbeddedChannel();
        DatagramPool pool = new DatagramPool(channel, metrics, 64);
        DatagramPacket first = pool.take(packet, 2, 5, A);
        assertInstanceOf(PooledDatagram.class, first);
        assertTrue(first.content().isDirect() && first.content().hasMemoryAddress(), "sendmmsg reads it in place");
        assertEquals(A, first.recipient());
        assertEquals(5, first.content().readableBytes());
        assertEquals(3, first.content().getByte(0));
        channel.writeAndFlush(first);
        DatagramPacket out = channel.readOutbound();
        assertSame(first, out, "the channel passes the pooled envelope through");
        assertEquals(DatagramPool.SLAB - 1, pool.free());
        out.release();
        assertEquals(DatagramPool.SLAB, pool.free());
        // Reused, readdressed and refilled.
        DatagramPacket second = pool.take(packet, 0, 8, B);
        assertSame(first, second);
        assertEquals(B, second.recipient());
        assertEquals(8, second.content().readableBytes());
        assertEquals(1, second.refCnt());
        channel.finishAndReleaseAll();
        second.release();
        assertEquals(DatagramPool.SLAB, pool.created());
        assertEquals(DatagramPool.SLAB, metrics.sendDatagramsCreated());
    }

    /**
     * Over the node's real channel (epoll, sendmmsg): what is sent arrives byte for byte from the
     * pooled direct buffers, a send the kernel refuses (to the broadcast address without
     * SO_BROADCAST: EACCES) still gives its datagram back, and so does one queued when the channel
     * closes.
     */
    @Test
    void overEpollSentFailedAndDiscardedDatagramsAllComeBack() throws Exception {
        Assumptions.assumeTrue(Epoll.isAvailable(), "epoll");
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try (DatagramSocket receiver = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            receiver.setSoTimeout(2000);
            Channel channel = new Bootstrap().group(group).channel(EpollDatagramChannel.class)
                    .handler(new ChannelInboundHandlerAdapter())
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
            DatagramPool pool = new DatagramPool(channel, metrics, 64);
            InetSocketAddress to = (InetSocketAddress) receiver.getLocalSocketAddress();
            InetSocketAddress refused = new InetSocketAddress("255.255.255.255", 9);
            channel.eventLoop().submit(() -> {
                for (int i = 0; i < 10; i++) {
                    packet[0] = (byte) i;
                    channel.write(pool.take(packet, 0, 8, i % 3 == 1 ? refused : to), channel.voidPromise());
                }
                channel.flush();
            }).sync();
            int received = 0;
            byte[] in = new byte[64];
            for (int i = 0; i < 10; i++) {
                if (i % 3 == 1) {
                    continue;
                }
                java.net.DatagramPacket p = new java.net.DatagramPacket(in, in.length);
                receiver.receive(p);
                assertEquals(8, p.getLength());
                assertEquals(i, in[0]);
                assertEquals(8, in[7]);
                received++;
            }
            assertEquals(7, received);
            assertEquals(DatagramPool.SLAB, channel.eventLoop().submit(pool::free).get(),
                    "the sent and the refused came back");
            channel.eventLoop().submit(() -> {
                channel.write(pool.take(packet, 0, 8, to), channel.voidPromise());
                channel.close();
            }).sync();
            channel.closeFuture().sync();
            assertEquals(DatagramPool.SLAB, channel.eventLoop().submit(pool::free).get(),
                    "the one queued at close came back");
            assertEquals(0, metrics.sendDatagramOverflows());
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void writingToAClosedChannelReturnsTheDatagram() {
        EmbeddedChannel channel = new EmbeddedChannel();
        DatagramPool pool = new DatagramPool(channel, metrics, 64);
        channel.write(pool.take(packet, 0, 8, A), channel.voidPromise());
        channel.close();
        assertEquals(DatagramPool.SLAB, pool.free(), "the queued datagram was released at close");
        channel.write(pool.take(packet, 0, 8, A), channel.voidPromise());
        assertEquals(DatagramPool.SLAB, pool.free(), "a write after close releases at once");
        assertEquals(0, metrics.sendDatagramOverflows());
    }

    @Test
    void thePoolHoldsItsCapAndOverflowsIntoNettysBuffers() {
        EmbeddedChannel channel = new EmbeddedChannel();
        DatagramPool pool = new DatagramPool(channel, metrics, 40);
        List<DatagramPacket> held = new ArrayList<>();
        for (int i = 0; i < 45; i++) {
            DatagramPacket d = pool.take(packet, 0, 8, A);
            assertEquals(8, d.content().readableBytes());
            held.add(d);
        }
        assertEquals(40, pool.created(), "a slab of 32, then the 8 left to the cap");
        assertEquals(40, metrics.sendDatagramsCreated());
        assertEquals(5, metrics.sendDatagramOverflows());
        for (int i = 40; i < 45; i++) {
            assertFalse(held.get(i) instanceof PooledDatagram);
            assertTrue(held.get(i).content().isDirect());
        }
        held.forEach(ReferenceCountUtil::release);
        assertEquals(40, pool.free(), "the overflow went back to Netty's allocator, not to the pool");
        channel.finishAndReleaseAll();
    }

    @Test
    void anExhaustedPoolFlushesTheChannelFirst() {
        EmbeddedChannel channel = new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                ReferenceCountUtil.release(msg); // stands in for sendmmsg: written and released at flush
                promise.trySuccess();
            }
        });
        DatagramPool pool = new DatagramPool(channel, metrics, 32);
        for (int i = 0; i < 200; i++) {
            channel.write(pool.take(packet, 0, 8, A), channel.voidPromise());
        }
        assertEquals(32, pool.created());
        assertEquals(0, metrics.sendDatagramOverflows());
        channel.finishAndReleaseAll();
    }

    @Test
    void aDatagramReleasedTwiceIsRefused() {
        EmbeddedChannel channel = new EmbeddedChannel();
        DatagramPool pool = new DatagramPool(channel, metrics, 32);
        DatagramPacket d = pool.take(packet, 0, 8, A);
        d.retain();
        assertFalse(d.release());
        assertTrue(d.release());
        assertThrows(IllegalReferenceCountException.class, d::release);
        assertEquals(32, pool.free(), "returned once");
        channel.finishAndReleaseAll();
    }
}
