package io.stagecast.signaling.turn;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * The TURN servers clients are given ({@code turn.*}), with short-lived credentials from a secret
 * shared with the TURN server: the TURN REST API scheme (draft-uberti-behave-turn-rest-00) that
 * coturn implements with {@code use-auth-secret} and {@code static-auth-secret}. The username is
 * {@code <expiry, Unix seconds>:<tag of the participant>} and the password is base64(HMAC-SHA1(secret,
 * username)); coturn recomputes it and refuses it after the expiry. So no long-term TURN password
 * ever reaches a browser, and a leaked credential dies with its TTL.
 */
public final class IceServers {
    public static final IceServers NONE = new IceServers(List.of(), null, Duration.ZERO, Clock.systemUTC());

    /** From {@code turn.*}. */
    public static IceServers of(io.stagecast.signaling.config.TurnSettings settings, Clock clock) {
        return new IceServers(settings.urls(), settings.secret(), settings.credentialTtl(), clock);
    }

    private final List<String> urls;
    private final byte[] secret;
    private final Duration ttl;
    private final Clock clock;

    /**
     * @param urls   {@code turn:} / {@code turns:} URIs (RFC 7065), e.g. {@code turn:turn.example.org:3478?transport=udp}
     * @param secret coturn's {@code static-auth-secret}
     */
    public IceServers(List<String> urls, byte[] secret, Duration ttl, Clock clock) {
        this.urls = List.copyOf(urls);
        this.secret = secret == null ? null : secret.clone();
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (!this.urls.isEmpty() && this.secret == null) {
            throw new IllegalArgumentException("turn.urls need turn.secret");
        }
    }

    public boolean configured() {
        return !urls.isEmpty();
    }

    /** One participant's credential, valid for the TTL from now. */
    public Credential credential(String participantId) {
        long expiry = clock.instant().plus(ttl).getEpochSecond();
        // The participant as an opaque tag (its id may be any string an application put in its
        // tokens): coturn logs the username, and a Link header has to carry it quoted.
        String username = expiry + ":" + tag(participantId);
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret, "HmacSHA1"));
            String password = Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            return new Credential(username, password);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is part of every JDK", e);
        }
    }

    private static String tag(String participantId) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(String.valueOf(participantId).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    public record Credential(String username, String password) {
    }

    /** The join response's {@code iceServers}: what RTCPeerConnection takes; empty when none are configured. */
    public ArrayNode json(String participantId) {
        ArrayNode servers = JsonNodeFactory.instance.arrayNode();
        if (!configured()) {
            return servers;
        }
        Credential credential = credential(participantId);
        ObjectNode server = servers.addObject();
        ArrayNode list = server.putArray("urls");
        urls.forEach(list::add);
        server.put("username", credential.username());
        server.put("credential", credential.password());
        return servers;
    }

    /** RFC 9725 section 4.6: one {@code Link: <url>; rel="ice-server"; ...} value per URL, for WHIP/WHEP answers. */
    public List<String> linkHeaders(String participantId) {
        if (!configured()) {
            return List.of();
        }
        Credential credential = credential(participantId);
        List<String> links = new ArrayList<>();
        for (String url : urls) {
            links.add("<" + url + ">; rel=\"ice-server\"; username=\"" + credential.username() + "\"; credential=\""
                    + credential.password() + "\"; credential-type=\"password\"");
        }
        return links;
    }
}
