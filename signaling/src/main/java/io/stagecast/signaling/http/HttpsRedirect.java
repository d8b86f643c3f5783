package io.stagecast.signaling.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.stagecast.sfu.PortUnavailableException;
import io.stagecast.signaling.config.HttpLimits;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * {@code tls.redirect-port}: plain HTTP that answers every request with 308 to the same path on
 * the HTTPS port (308 keeps the method and body, so a WHIP POST is redirected as a POST). Shares
 * the signaling port's connection cap; a request must arrive within the request timeout.
 */
final class HttpsRedirect extends SimpleChannelInboundHandler<FullHttpRequest> {
    /** A request line and headers; nothing here reads a body. */
    private static final int MAX_REQUEST = 16 * 1024;
    private final int httpsPort;

    private HttpsRedirect(int httpsPort) {
        this.httpsPort = httpsPort;
    }

    static Channel bind(EventLoopGroup group, boolean epoll, String host, int port, int httpsPort,
                        ConnectionLimit connections, HttpLimits limits) throws InterruptedException {
        ChannelFuture bound = new ServerBootstrap().group(group)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(connections.handler())
                                .addLast(new ReadTimeoutHandler(limits.requestTimeout().toMillis(), TimeUnit.MILLISECONDS))
                                .addLast(new HttpServerCodec())
                                .addLast(new HttpObjectAggregator(MAX_REQUEST))
                                .addLast(new HttpsRedirect(httpsPort));
                    }
                })
                .bind(new InetSocketAddress(host, port)).await();
        if (!bound.isSuccess()) {
            throw new PortUnavailableException("TCP", new InetSocketAddress(host, port), "HTTP redirect to HTTPS", bound.cause());
        }
        return bound.channel();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        String hostHeader = request.headers().get(HttpHeaderNames.HOST);
        FullHttpResponse response;
        if (hostHeader == null || hostHeader.isBlank()) {
            response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST,
                    Unpooled.copiedBuffer("use https\n", java.nio.charset.StandardCharsets.UTF_8));
        } else {
            response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.PERMANENT_REDIRECT);
            response.headers().set(HttpHeaderNames.LOCATION, "https://" + hostOnly(hostHeader) + ":" + httpsPort + request.uri());
        }
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    /** The Host header without its port: "example.org:80" -> "example.org", "[::1]:80" -> "[::1]". */
    static String hostOnly(String host) {
        String h = host.trim();
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end > 0 ? h.substring(0, end + 1) : h;
        }
        int colon = h.indexOf(':');
        return colon >= 0 ? h.substring(0, colon) : h;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
