package io.stagecast.signaling.config;

import java.time.Duration;
import java.util.List;

/**
 * TURN servers for clients ({@code turn.*}): their URIs, the secret shared with them (coturn's
 * {@code static-auth-secret}) that short-lived credentials are made from, and how long each lives.
 */
public record TurnSettings(List<String> urls, byte[] secret, Duration credentialTtl) {
    public static final TurnSettings NONE = new TurnSettings(List.of(), null, Duration.ofHours(12));
    /** A secret shorter than this is guessable from the credentials it signs. */
    public static final int MIN_SECRET_BYTES = 16;

    public TurnSettings {
        urls = List.copyOf(urls);
        secret = secret == null ? null : secret.clone();
    }

    /** A {@code turn:} or {@code turns:} URI (RFC 7065) as configured; anything else is refused. */
    public static String checkedUrl(String url) {
        String lower = url.toLowerCase(java.util.Locale.ROOT);
        if (!lower.startsWith("turn:") && !lower.startsWith("turns:")) {
            throw new IllegalArgumentException("'" + url + "' is not a turn: or turns: URI (RFC 7065)");
        }
        // A Link header (WHIP/WHEP answers) carries it between < and >, JSON as a string.
        for (char c : url.toCharArray()) {
            if (c <= ' ' || c == '<' || c == '>' || c == '"' || c == ',' || c == '\\' || c > '~') {
                throw new IllegalArgumentException("'" + url + "' has a character a Link header cannot carry");
            }
        }
        return url;
    }

    public boolean configured() {
        return !urls.isEmpty();
    }

    @Override
    public byte[] secret() {
        return secret == null ? null : secret.clone();
    }

    @Override
    public String toString() {
        return "TurnSettings[urls=" + urls + ", secret=" + (secret == null ? "(none)" : "(set)") + ", credentialTtl=" + credentialTtl + "]";
    }
}
