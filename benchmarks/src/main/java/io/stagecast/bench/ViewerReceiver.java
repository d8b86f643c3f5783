package io.stagecast.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.stagecast.sfu.buffer.PacketBuffer;
import io.stagecast.sfu.client.SyntheticPeer;

import java.net.InetSocketAddress;

/**
 * One viewer's receive path on its event loop. Every RTP packet from the node is counted from its
 * clear header (RFC 3711 3.1: SSRC and sequence number are not encrypted); only a sample, one in
 * {@code authSample} per stream by sequence number, is copied and handed to the peer, which
 * authenticates and decrypts it (SRTP) and reports its latency stamp through the counters. STUN,
 * DTLS and SRTCP always go to the peer. No allocation per packet here (Netty's recvmmsg read
 * itself still creates a DatagramPacket and a sender address per datagram).
 */
final class ViewerReceiver extends SimpleChannelInboundHandler<DatagramPacket> {
    private final ViewerCounters counters;
    private final int sampleMask;
    private final byte[] scratch = new byte[PacketBuffer.CAPACITY];
    private volatile SyntheticPeer peer;
    private volatile InetSocketAddress node;

    /** @param authSample power of two; 1 authenticates every packet */
    ViewerReceiver(ViewerCounters counters, int authSample) {
        if (authSample < 1 || Integer.bitCount(authSample) != 1) {
            throw new IllegalArgumentException("auth sample must be a power of two: " + authSample);
        }
        this.counters = counters;
        this.sampleMask = authSample - 1;
    }

    void attach(SyntheticPeer peer) {
        this.peer = peer;
    }

    /** The node's media address, once the offer named it: only its RTP is counted. */
    void expectNode(InetSocketAddress node) {
        this.node = node;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        SyntheticPeer receiver = peer;
        if (receiver == null) {
            return;
        }
        long now = System.nanoTime();
        ByteBuf buf = packet.content();
        int at = buf.readerIndex();
        int len = buf.readableBytes();
        if (len > scratch.length || len == 0) {
            return;
        }
        if (isRtp(buf, at, len) && packet.sender().equals(node)) {
            int seq = buf.getUnsignedShort(at + 2);
            counters.count(buf.getInt(at + 8), seq, len, now);
            if ((seq & sampleMask) != 0) {
                return;
            }
        }
        buf.getBytes(at, scratch, 0, len);
        receiver.receive(scratch, len, packet.sender(), now);
    }

    /** RFC 7983 7: first byte 128-191 is RTP or RTCP; RFC 5761 4: second byte 192-223 is RTCP. */
    private static boolean isRtp(ByteBuf buf, int at, int len) {
        if (len < 12) {
            return false;
        }
        int first = buf.getUnsignedByte(at);
        int second = buf.getUnsignedByte(at + 1);
        return first >= 128 && first <= 191 && (second < 192 || second > 223);
    }
}
