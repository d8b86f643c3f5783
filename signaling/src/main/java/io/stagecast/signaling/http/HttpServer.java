package io.stagecast.signaling.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.stagecast.sfu.PortUnavailableException;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.cors.CorsConfig;
import io.netty.handler.codec.http.cors.CorsConfigBuilder;
import io.netty.handler.codec.http.cors.CorsHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.stagecast.signaling.config.HttpLimits;
import io.stagecast.signaling.ws.WebSocketSession;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The signaling port: HTTP (WHIP, WHEP, the web client, health, metrics) and the WebSocket at
 * {@code /ws}, read top to bottom in one pipeline: the connection cap, the idle rule, the request
 * deadline, HTTP, CORS for the configured origins, the WebSocket upgrade, then the routes.
 */
public final class HttpServer implements AutoCloseable {
    /** Largest HTTP body (an SDP offer is a few KiB). */
    private static final int MAX_BODY = 256 * 1024;
    /** Largest WebSocket message; anything larger closes the connection with 1009. */
    public static final int MAX_WS_FRAME = WebSocketSession.MAX_MESSAGE_BYTES;

    private final EventLoopGroup group;
    private final Channel channel;
    /** The plain-HTTP port that redirects to HTTPS, null when none. */
    private final Channel redirect;
    private final ConnectionLimit connections;

    public HttpServer(String host, int port, HttpLimits limits, MeterRegistry metrics, HttpRoutes routes,
                      Supplier<WebSocketSession> sessions) throws InterruptedException {
        this(host, port, limits, metrics, routes, sessions, null, 0);
    }

    /**
     * @param tls          HTTPS and WSS on {@code port} with this context (the current one per new
     *                     connection), null for plain HTTP
     * @param redirectPort with {@code tls}: plain HTTP on this port answers 308 to the HTTPS URL; 0 none
     */
    public HttpServer(String host, int port, HttpLimits limits, MeterRegistry metrics, HttpRoutes routes,
                      Supplier<WebSocketSession> sessions, ReloadingTlsContext tls, int redirectPort)
            throws InterruptedException {
        connections = new ConnectionLimit(limits.maxConnections(), metrics);
        Counter requestTimeouts = timeouts(metrics, "request");
        Counter httpIdle = timeouts(metrics, "http_idle");
        Counter webSocketIdle = timeouts(metrics, "websocket_idle");
        CorsConfig cors = cors(limits.corsAllowedOrigins());
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
        io.netty.channel.ChannelFuture bound = new ServerBootstrap().group(group)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ChannelPipeline p = ch.pipeline();
                        RequestDeadline deadline = new RequestDeadline(limits.requestTimeout().toNanos(), requestTimeouts);
                        p.addLast(connections.handler());
                        if (tls != null) {
                            // A handshake that stalls ends after SslHandler's own 10 s timeout.
                            p.addLast("tls", tls.current().newHandler(ch.alloc()));
                        }
                        p.addLast(IdleConnections.IDLE, IdleConnections.httpIdle(limits.idleTimeout().toNanos()));
                        p.addLast(RequestDeadline.BYTES, deadline.bytes());
                        p.addLast(new HttpServerCodec());
                        p.addLast(RequestDeadline.MESSAGES, deadline.messages());
                        p.addLast(new HttpObjectAggregator(MAX_BODY));
                        if (cors != null) {
                            p.addLast(new CorsHandler(cors));
                        }
                        p.addLast(new WebSocketServerProtocolHandler(wsConfig));
                        // Fragmented messages are joined up to the same limit; more closes the connection.
                        p.addLast(new WebSocketFrameAggregator(MAX_WS_FRAME));
                        p.addLast(new IdleConnections(limits.webSocketPingInterval().toNanos(), deadline,
                                httpIdle, webSocketIdle));
                        p.addLast(routes);
                        p.addLast(sessions.get());
                    }
                })
                .bind(new InetSocketAddress(host, port)).await();
        if (!bound.isSuccess()) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new PortUnavailableException("TCP", new InetSocketAddress(host, port), "signaling: HTTP, WebSocket, WHIP/WHEP",
                    bound.cause());
        }
        channel = bound.channel();
        redirect = tls != null && redirectPort != 0
                ? HttpsRedirect.bind(group, epoll, host, redirectPort, port(), connections, limits) : null;
    }

    private static Counter timeouts(MeterRegistry metrics, String kind) {
        return Counter.builder("stagecast.http.timeouts").tag("kind", kind)
                .description("connections closed by a timeout of the signaling port").register(metrics);
    }

    /**
     * CORS for WHIP/WHEP from scripts of the configured origins (RFC 9725 section 4.6): preflights
     * are answered here, with {@code Accept-Post}; responses expose the headers a WHIP/WHEP client
     * reads. No origin configured: no CORS handler, and browsers keep other sites' scripts out.
     */
    static CorsConfig cors(List<String> origins) {
        if (origins.isEmpty()) {
            return null;
        }
        CorsConfigBuilder builder = origins.contains("*") ? CorsConfigBuilder.forAnyOrigin()
                : CorsConfigBuilder.forOrigins(origins.toArray(String[]::new));
        return builder
                .allowedRequestMethods(HttpMethod.GET, HttpMethod.POST, HttpMethod.DELETE, HttpMethod.PATCH, HttpMethod.OPTIONS)
                .allowedRequestHeaders(HttpHeaderNames.AUTHORIZATION, HttpHeaderNames.CONTENT_TYPE, HttpHeaderNames.IF_MATCH)
                .exposeHeaders(HttpHeaderNames.LOCATION, HttpHeaderNames.ETAG, "Link",
                        HttpHeaderNames.ACCEPT_PATCH, "Accept-Post", HttpHeaderNames.WWW_AUTHENTICATE, HttpHeaderNames.RETRY_AFTER)
                .preflightResponseHeader("Accept-Post", HttpRoutes.SDP)
                .maxAge(600)
                .build();
    }

    /** Open connections (HTTP and WebSocket) right now. */
    public int openConnections() {
        return connections.open();
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        if (redirect != null) {
            redirect.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
