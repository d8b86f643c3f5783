package io.stagecast.sfu.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.SegmentedDatagramPacket;
import io.stagecast.sfu.metrics.MediaMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What ends a subscriber's GSO run (marker, new timestamp, a size that cannot join, the cap, the
 * tick, close) and what leaves: one segmented send of equal segments (the last may be shorter), a
 * run of one as a plain datagram, every packet once and in order.
 */
class FrameRunsTest {
    private static final InetSocketAddress VIEWER = new InetSocketAddress("127.0.0.1", 5000);
    private static final InetSocketAddress MOVED = new InetSocketAddress("127.0.0.1", 5002);
    private static final int VIDEO = 0x1111;
    private static final int SCREEN = 0x2222;

    private final MediaMetrics metrics = MediaMetrics.noop();
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final DatagramPool datagrams = new DatagramPool(channel, metrics, 64);
    private final FrameRunPool pool = new FrameRunPool(channel, metrics, datagrams, 4);
    private final FrameRuns runs = new FrameRuns(pool, datagrams);
    private int seq;

    @AfterEach
    void allComeBack() {
        channel.flush();
        for (Object m; (m = channel.readOutbound()) != null; ) {
            ((DatagramPacket) m).release();
        }
        assertEquals(0, pool.filling());
        assertEquals(pool.created(), pool.free(), "every run is back in the pool");
        channel.finishAndReleaseAll();
    }

    @Test
    void aFrameOfEqualPacketsAndAShorterLastLeavesInOneSendAtItsMarker() {
        send(VIDEO, 1000, false, 1100, VIEWER);
        send(VIDEO, 1000, false, 1100, VIEWER);
        send(VIDEO, 1000, false, 1100, VIEWER);
        channel.flush();
        assertNull(channel.readOutbound(), "the frame's early packets wait for its last");
        assertEquals(1, pool.filling());
        send(VIDEO, 1000, true, 700, VIEWER);
        SegmentedDatagramPacket run = readRun();
        assertEquals(1100, run.segmentSize());
        assertEquals(VIEWER, run.recipient());
        assertEquals(3 * 1100 + 700, run.content().readableBytes());
        assertSegments(run.content(), 0, 1100, 1100, 1100, 700);
        assertNull(channel.readOutbound());
        run.release();
        assertEquals(1, metrics.gsoSends());
        assertEquals(4, metrics.gsoSegments());
    }

    @Test
    void aLongerPacketSendsTheRunBeforeItAndAShorterOneClosesIt() {
        send(VIDEO, 1000, false, 1000, VIEWER);
        send(VIDEO, 1000, false, 1000, VIEWER);
        send(VIDEO, 1000, false, 1001, VIEWER); // [s, s, s+1]: GSO cannot cut that into one send
        SegmentedDatagramPacket first = readRun();
        assertSegments(first.content(), 0, 1000, 1000);
        first.release();
        send(VIDEO, 1000, false, 900, VIEWER); // shorter: the last segment there can be
        SegmentedDatagramPacket second = readRun();
        assertEquals(1001, second.segmentSize());
        assertSegments(second.content(), 2, 1001, 900);
        second.release();
        assertEquals(0, pool.filling());
    }

    @Test
    void aNewTimestampSendsTheOldFrameAndARunOfOneIsAPlainDatagram() {
        send(VIDEO, 1000, false, 1100, VIEWER); // its marker was lost
        send(VIDEO, 4000, false, 1100, VIEWER);
        channel.flush();
        DatagramPacket lone = channel.readOutbound();
        assertFalse(lone instanceof SegmentedDatagramPacket, "one packet needs no segmentation");
        assertInstanceOf(PooledDatagram.class, lone);
        assertSegments(lone.content(), 0, 1100);
        lone.release();
        assertEquals(1, pool.filling(), "the new frame fills");
        send(VIDEO, 4000, true, 1100, VIEWER);
        SegmentedDatagramPacket run = readRun();
        assertSegments(run.content(), 1, 1100, 1100);
        run.release();
        assertEquals(0, metrics.gsoSends() - 1);
    }

    @Test
    void aPacketTooBigForEveryPathLeavesPlainAfterTheRunBeforeIt() {
        send(VIDEO, 1000, false, 1100, VIEWER);
        send(VIDEO, 1000, false, FrameRuns.MAX_SEGMENT_BYTES + 1, VIEWER);
        channel.flush();
        DatagramPacket first = channel.readOutbound();
        assertInstanceOf(PooledDatagram.class, first, "the run of one before it");
        assertSegments(first.content(), 0, 1100);
        first.release();
        DatagramPacket big = channel.readOutbound();
        assertInstanceOf(PooledDatagram.class, big);
        assertSegments(big.content(), 1, FrameRuns.MAX_SEGMENT_BYTES + 1);
        big.release();
        assertEquals(0, pool.filling());
    }

    @Test
    void aFrameOfOnePacketLeavesAtOnceWithoutARun() {
        send(VIDEO, 1000, true, 300, VIEWER);
        channel.flush();
        DatagramPacket lone = channel.readOutbound();
        assertInstanceOf(PooledDatagram.class, lone);
        lone.release();
        assertEquals(0, pool.created(), "no run was needed");
    }

    @Test
    void aRunIsFullAtTheCapAndTheRestOfTheFrameStartsTheNext() {
        for (int i = 0; i < FrameRunPool.MAX_SEGMENTS + 1; i++) {
            send(VIDEO, 1000, false, 1200, VIEWER);
        }
        SegmentedDatagramPacket full = readRun();
        assertEquals(FrameRunPool.MAX_SEGMENTS * 1200, full.content().readableBytes());
        assertSegments(full.content(), 0, 1200, 1200, 1200, 1200, 1200, 1200, 1200, 1200);
        full.release();
        assertEquals(1, pool.filling());
        send(VIDEO, 1000, true, 1200, VIEWER);
        SegmentedDatagramPacket rest = readRun();
        assertSegments(rest.content(), FrameRunPool.MAX_SEGMENTS, 1200, 1200);
        rest.release();
    }

    @Test
    void theTickSendsARunThatOutlivedOneTick() {
        send(VIDEO, 1000, false, 1100, VIEWER);
        send(VIDEO, 1000, false, 1100, VIEWER);
        pool.tick(); // started since the last tick: its frame may still end
        channel.flush();
        assertNull(channel.readOutbound());
        pool.tick();
        SegmentedDatagramPacket run = readRun();
        assertSegments(run.content(), 0, 1100, 1100);
        run.release();
        assertEquals(0, pool.filling());
    }

    @Test
    void streamsFillTheirOwnRunsAndAMovedPairCutsTheRun() {
        send(VIDEO, 1000, false, 1100, VIEWER);
        send(SCREEN, 7000, false, 1150, VIEWER);
        send(VIDEO, 1000, false, 1100, VIEWER);
        send(SCREEN, 7000, false, 1150, VIEWER);
        assertEquals(2, pool.filling());
        send(SCREEN, 7000, true, 500, VIEWER);
        SegmentedDatagramPacket screen = readRun();
        assertEquals(1150, screen.segmentSize());
        assertEquals(2 * 1150 + 500, screen.content().readableBytes());
        assertEquals(SCREEN, screen.content().getInt(8));
        screen.release();
        send(VIDEO, 1000, false, 1100, MOVED); // ICE moved: the run to the old address goes first
        SegmentedDatagramPacket old = readRun();
        assertEquals(VIEWER, old.recipient());
        assertEquals(2 * 1100, old.content().readableBytes());
        assertEquals(0, old.content().getUnsignedShort(2), "the stream's packets in order");
        assertEquals(2, old.content().getUnsignedShort(1100 + 2));
        old.release();
        runs.sendAll(); // the transport closes
        channel.flush();
        DatagramPacket last = channel.readOutbound();
        assertEquals(MOVED, last.recipient());
        last.release();
    }

    @Test
    void withEveryRunInUseAFramesPacketsLeavePlainAndCounted() {
        for (int stream = 0; stream < 4; stream++) {
            send(VIDEO + stream, 1000, false, 1000, VIEWER);
        }
        assertEquals(4, pool.filling());
        FrameRuns other = new FrameRuns(pool, datagrams);
        seq = 0;
        sendOn(other, VIDEO, 1000, false, 1000, VIEWER);
        channel.flush();
        DatagramPacket plain = channel.readOutbound();
        assertInstanceOf(PooledDatagram.class, plain);
        plain.release();
        assertEquals(1, metrics.gsoRunOverflows());
        runs.sendAll();
    }

    private void send(int ssrc, long timestamp, boolean marker, int length, InetSocketAddress to) {
        sendOn(runs, ssrc, timestamp, marker, length, to);
    }

    /** A fake protected RTP packet: header with marker, sequence, timestamp, SSRC; payload bytes = its sequence. */
    private void sendOn(FrameRuns target, int ssrc, long timestamp, boolean marker, int length, InetSocketAddress to) {
        byte[] b = new byte[length + 10];
        int off = 5;
        b[off] = (byte) 0x80;
        b[off + 1] = (byte) ((marker ? 0x80 : 0) | 96);
        b[off + 2] = (byte) (seq >> 8);
        b[off + 3] = (byte) seq;
        b[off + 4] = (byte) (timestamp >> 24);
        b[off + 5] = (byte) (timestamp >> 16);
        b[off + 6] = (byte) (timestamp >> 8);
        b[off + 7] = (byte) timestamp;
        b[off + 8] = (byte) (ssrc >> 24);
        b[off + 9] = (byte) (ssrc >> 16);
        b[off + 10] = (byte) (ssrc >> 8);
        b[off + 11] = (byte) ssrc;
        for (int i = 12; i < length; i++) {
            b[off + i] = (byte) seq;
        }
        seq++;
        target.send(b, off, length, to);
    }

    private SegmentedDatagramPacket readRun() {
        channel.flush();
        Object m = channel.readOutbound();
        assertInstanceOf(FrameRun.class, m);
        return (SegmentedDatagramPacket) m;
    }

    /** The segments of {@code lengths} in order, numbered from {@code firstSeq}, back to back. */
    private static void assertSegments(ByteBuf content, int firstSeq, int... lengths) {
        int at = content.readerIndex();
        for (int i = 0; i < lengths.length; i++) {
            assertEquals(firstSeq + i, content.getUnsignedShort(at + 2), "segment " + i + " in order");
            assertEquals((byte) (firstSeq + i), content.getByte(at + lengths[i] - 1), "segment " + i + " whole");
            at += lengths[i];
        }
        assertEquals(content.writerIndex(), at, "nothing else");
        assertTrue(content.isDirect());
    }
}
