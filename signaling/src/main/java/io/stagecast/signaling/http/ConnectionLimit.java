package io.stagecast.signaling.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The cap on open connections of the signaling port (HTTP and WebSocket alike: each holds a
 * socket and its buffers). A connection beyond it is answered {@code 503} and closed as soon as it
 * is accepted, before anything is read from it. Counted in {@code stagecast_http_connections} and
 * {@code stagecast_http_connections_refused_total}.
 */
final class ConnectionLimit {
    /** Written raw: the connection is refused before the HTTP codec would see anything. */
    private static final String REFUSAL_BODY = "too many connections, retry later\n";
    private static final byte[] REFUSAL = ("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
            + "Content-Length: " + REFUSAL_BODY.length() + "\r\nConnection: close\r\nRetry-After: 5\r\n\r\n" + REFUSAL_BODY)
            .getBytes(StandardCharsets.US_ASCII);

    private final int max;
    private final AtomicInteger open = new AtomicInteger();
    private final Counter refused;

    ConnectionLimit(int max, MeterRegistry metrics) {
        this.max = max;
        Gauge.builder("stagecast.http.connections", open, AtomicInteger::get)
                .description("open connections of the signaling port (HTTP and WebSocket)").register(metrics);
        this.refused = Counter.builder("stagecast.http.connections.refused")
                .description("connections closed at once because http.max-connections were open").register(metrics);
    }

    int open() {
        return open.get();
    }

    /** The first handler of one connection's pipeline. */
    ChannelInboundHandlerAdapter handler() {
        return new ChannelInboundHandlerAdapter() {
            private boolean counted;

            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                if (open.incrementAndGet() > max) {
                    open.decrementAndGet();
                    refused.increment();
                    ctx.writeAndFlush(Unpooled.wrappedBuffer(REFUSAL)).addListener(ChannelFutureListener.CLOSE);
                    return;
                }
                counted = true;
                ctx.fireChannelActive();
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (!counted) {
                    ReferenceCountUtil.release(msg);
                    return;
                }
                ctx.fireChannelRead(msg);
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                if (counted) {
                    counted = false;
                    open.decrementAndGet();
                    ctx.fireChannelInactive();
                }
            }
        };
    }
}
