package io.stagecast.signaling.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.stagecast.signaling.ws.WebSocketSession;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The signaling port: HTTP (WHIP, WHEP, the web client, health, metrics) and the WebSocket at
 * {@code /ws}, read top to bottom in one pipeline.
 */
public final class HttpServer implements AutoCloseable {
    /** Largest HTTP body (an SDP offer is a few KiB). */
    private static final int MAX_BODY = 256 * 1024;
    /** Largest WebSocket message; anything larger closes the connection with 1009. */
    public static final int MAX_WS_FRAME = WebSocketSession.MAX_MESSAGE_BYTES;

    private final EventLoopGroup group;
    private final Channel channel;

    public HttpServer(String host, int port, HttpRoutes routes, Supplier<WebSocketSession> sessions)
            throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        group = new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory("http", true),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        WebSocketServerProtocolConfig wsConfig = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath("/ws").checkStartsWith(true).maxFramePayloadLength(MAX_WS_FRAME)
                .handleCloseFrames(true)
                // No Close frame of Netty's own when the channel closes: WebSocketSession writes the one
                // Close frame with the real status (1008, 1009), the decoder writes its own for 1002/1007,
                // and Netty's default would follow either with a second one (1000 "Bye").
                .sendCloseFrame(null).build();
        channel = new ServerBootstrap().group(group)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ChannelPipeline p = ch.pipeline();
                        p.addLast(new HttpServerCodec());
                        p.addLast(new HttpObjectAggregator(MAX_BODY));
                        p.addLast(new WebSocketServerProtocolHandler(wsConfig));
                        // Fragmented messages are joined up to the same limit; more closes the connection.
                        p.addLast(new WebSocketFrameAggregator(MAX_WS_FRAME));
                        p.addLast(routes);
                        p.addLast(sessions.get());
                    }
                })
                .bind(new InetSocketAddress(host, port)).sync().channel();
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
