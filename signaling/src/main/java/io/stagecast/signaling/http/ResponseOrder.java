package io.stagecast.signaling.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * One HTTP connection's responses in the order of its requests (RFC 9112 9.3.2: a client may
 * pipeline, and responses must come back in order), now that a request's answer may be made on
 * its room's executor while the next request is answered at once on the event loop. Each request
 * takes its place on the loop; a response leaves when it and every one before it are done. With
 * {@value #MAX_WAITING} waiting the connection stops reading until they drain below
 * {@value #RESUME_BELOW}, so a pipelining client cannot queue without bound. Event loop only.
 */
final class ResponseOrder {
    static final int MAX_WAITING = 16;
    static final int RESUME_BELOW = 8;
    private static final AttributeKey<ResponseOrder> KEY = AttributeKey.valueOf("stagecast.responseOrder");

    private final ChannelHandlerContext ctx;
    private final BiConsumer<Boolean, FullHttpResponse> writer;
    private final ArrayDeque<Place> places = new ArrayDeque<>();

    private ResponseOrder(ChannelHandlerContext ctx, BiConsumer<Boolean, FullHttpResponse> writer) {
        this.ctx = ctx;
        this.writer = writer;
    }

    /** @param writer writes one response (with its keep-alive flag) on the loop */
    static ResponseOrder of(ChannelHandlerContext ctx, BiConsumer<Boolean, FullHttpResponse> writer) {
        ResponseOrder order = ctx.channel().attr(KEY).get();
        if (order == null) {
            order = new ResponseOrder(ctx, writer);
            ctx.channel().attr(KEY).set(order);
        }
        return order;
    }

    /** The next request's response, whenever {@code response} completes (on any thread). */
    void add(boolean keepAlive, CompletableFuture<FullHttpResponse> response) {
        if (places.isEmpty() && response.isDone() && !response.isCompletedExceptionally()) {
            writer.accept(keepAlive, response.join()); // the common case: nothing waits, write now
            return;
        }
        Place place = new Place(keepAlive);
        places.add(place);
        if (places.size() >= MAX_WAITING) {
            ctx.channel().config().setAutoRead(false);
        }
        response.whenComplete((r, failure) -> ctx.executor().execute(() -> {
            place.response = failure == null ? r : HttpRoutes.text(io.netty.handler.codec.http.HttpResponseStatus.INTERNAL_SERVER_ERROR,
                    "internal error\n");
            flush();
        }));
    }

    private void flush() {
        while (!places.isEmpty() && places.peek().response != null) {
            Place done = places.poll();
            if (ctx.channel().isActive()) {
                writer.accept(done.keepAlive, done.response);
            } else {
                ReferenceCountUtil.release(done.response);
            }
        }
        if (places.size() < RESUME_BELOW && !ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    private static final class Place {
        final boolean keepAlive;
        FullHttpResponse response;

        Place(boolean keepAlive) {
            this.keepAlive = keepAlive;
        }
    }
}
