package io.stagecast.signaling.token;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** Links that open the web client in a room with a join token, e.g. {@code https://host/room/demo?token=...}. */
public final class InvitationLinks {

    private InvitationLinks() {
    }

    /**
     * The invitation URL {@code {baseUrl}/room/{room}?token={token}}, with the room encoded as one path
     * segment and the token as a query value. A trailing slash on {@code baseUrl} is ignored.
     */
    public static String url(String baseUrl, String room, String token) {
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(token, "token");
        String base = baseUrl;
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return base + "/room/" + encodePathSegment(room) + "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
    }

    /** URLEncoder does form encoding; in a path a space must be %20, not '+' (RFC 3986 section 3.3). */
    private static String encodePathSegment(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
