package io.stagecast.signaling.http;

import io.micrometer.core.instrument.Counter;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;

import java.util.concurrent.TimeUnit;

/**
 * What an idle connection may cost. Over HTTP, a kept-alive connection with no traffic for
 * {@code http.idle-timeout-seconds} is closed (Netty's {@link IdleStateHandler}). A WebSocket is
 * a long-lived conversation that may be quiet for minutes (a viewer watching), so once the
 * upgrade is done it gets its own rule: after {@code ws.ping-interval-seconds} without a byte from
 * the client it is pinged (browsers answer pings on their own, RFC 6455 5.5.2), and only when it
 * stays silent for another interval (no pong) is it closed with 1001. A healthy WebSocket is never cut.
 */
final class IdleConnections extends ChannelDuplexHandler {
    static final String IDLE = "idle";

    private final long webSocketPingNanos;
    private final RequestDeadline requestDeadline;
    private final Counter httpIdleClosed;
    private final Counter webSocketIdleClosed;
    private boolean webSocket;

    IdleConnections(long webSocketPingNanos, RequestDeadline requestDeadline, Counter httpIdleClosed,
                    Counter webSocketIdleClosed) {
        this.webSocketPingNanos = webSocketPingNanos;
        this.requestDeadline = requestDeadline;
        this.httpIdleClosed = httpIdleClosed;
        this.webSocketIdleClosed = webSocketIdleClosed;
    }

    /** The HTTP rule: any traffic resets it. */
    static IdleStateHandler httpIdle(long idleNanos) {
        return new IdleStateHandler(0, 0, idleNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
            becomeWebSocket(ctx.pipeline());
        } else if (evt instanceof IdleStateEvent idle) {
            onIdle(ctx, idle);
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    private void becomeWebSocket(ChannelPipeline pipeline) {
        webSocket = true;
        requestDeadline.stop();
        pipeline.remove(RequestDeadline.BYTES);
        pipeline.remove(RequestDeadline.MESSAGES);
        // Reads only: our own events to a quiet client must not count as the client being alive.
        pipeline.replace(IDLE, IDLE, new IdleStateHandler(webSocketPingNanos, 0, 0, TimeUnit.NANOSECONDS));
    }

    private void onIdle(ChannelHandlerContext ctx, IdleStateEvent idle) {
        if (!webSocket) {
            httpIdleClosed.increment();
            ctx.close();
            return;
        }
        if (idle.state() != IdleState.READER_IDLE) {
            return;
        }
        if (idle.isFirst()) {
            ctx.writeAndFlush(new PingWebSocketFrame());
            return;
        }
        webSocketIdleClosed.increment();
        ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE, "no answer to ping"))
                .addListener(ChannelFutureListener.CLOSE);
    }
}
