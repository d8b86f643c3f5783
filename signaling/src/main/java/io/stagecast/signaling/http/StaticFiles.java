package io.stagecast.signaling.http;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The web client, served from the jar's {@code web/} folder (no CDN at run time). Every room URL
 * ({@code /room/{name}}) gets the same page; the page reads the room and token from its URL.
 */
public final class StaticFiles {
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon");
    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

    FullHttpResponse serve(String path) {
        String file;
        if (path.equals("/") || path.startsWith("/room/")) {
            file = "index.html";
        } else {
            file = path.substring(1);
        }
        if (file.contains("..") || file.contains("//") || file.isEmpty()) {
            return HttpRoutes.text(HttpResponseStatus.NOT_FOUND, "not found\n");
        }
        byte[] body = load(file);
        if (body == null) {
            return HttpRoutes.text(HttpResponseStatus.NOT_FOUND, "not found\n");
        }
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(body));
        String ext = file.substring(file.lastIndexOf('.') + 1);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, TYPES.getOrDefault(ext, "application/octet-stream"));
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        return r;
    }

    private byte[] load(String file) {
        byte[] cached = cache.get(file);
        if (cached != null) {
            return cached;
        }
        try (InputStream in = StaticFiles.class.getClassLoader().getResourceAsStream("web/" + file)) {
            if (in == null) {
                return null;
            }
            byte[] body = in.readAllBytes();
            cache.put(file, body);
            return body;
        } catch (IOException e) {
            return null;
        }
    }
}
