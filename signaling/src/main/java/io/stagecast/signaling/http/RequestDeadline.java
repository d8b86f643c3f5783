package io.stagecast.signaling.http;

import io.micrometer.core.instrument.Counter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A whole request (line, headers, body) must arrive within {@code http.request-timeout-seconds}
 * of its first byte, and a new connection's first request within that time of the opening: a
 * client that opens sockets and sends nothing, or trickles its headers a byte at a time
 * (slowloris), is answered {@code 408} and closed. A read timeout cannot do this, since every
 * trickled byte resets it. Two handlers share the deadline: one before the HTTP codec sees the
 * first byte, one after it sees the request's end. Removed when the connection becomes a WebSocket.
 */
final class RequestDeadline {
    static final String BYTES = "request-deadline-bytes";
    static final String MESSAGES = "request-deadline";

    private final long timeoutNanos;
    private final Counter timeouts;
    private ChannelHandlerContext messagesContext;
    private ScheduledFuture<?> timer;
    private boolean stopped;

    RequestDeadline(long timeoutNanos, Counter timeouts) {
        this.timeoutNanos = timeoutNanos;
        this.timeouts = timeouts;
    }

    /** Goes before the HTTP codec: the first byte of a request starts the clock. */
    ChannelInboundHandlerAdapter bytes() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                start(ctx);
                ctx.fireChannelActive();
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (timer == null && msg instanceof ByteBuf buf && buf.isReadable()) {
                    start(ctx);
                }
                ctx.fireChannelRead(msg);
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                stop();
                ctx.fireChannelInactive();
            }
        };
    }

    /** Goes after the HTTP codec: the end of the request stops the clock. */
    ChannelInboundHandlerAdapter messages() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void handlerAdded(ChannelHandlerContext ctx) {
                messagesContext = ctx;
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof LastHttpContent) {
                    cancel();
                }
                ctx.fireChannelRead(msg);
            }
        };
    }

    /** The connection is a WebSocket now: its own keep-alive rule applies. */
    void stop() {
        stopped = true;
        cancel();
    }

    private void start(ChannelHandlerContext ctx) {
        if (stopped || timer != null) {
            return;
        }
        timer = ctx.executor().schedule(this::expire, timeoutNanos, TimeUnit.NANOSECONDS);
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void expire() {
        timer = null;
        if (stopped || messagesContext == null || !messagesContext.channel().isActive()) {
            return;
        }
        stopped = true;
        timeouts.increment();
        // RFC 9110 15.5.9: 408, and the connection is closed.
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.REQUEST_TIMEOUT,
                Unpooled.copiedBuffer("request not received in time\n", StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.headers().set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        messagesContext.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
