package io.stagecast.signaling.sdp;

import java.util.Objects;

/**
 * An ICE candidate (RFC 8839 5.1). The typed fields are what an ICE-lite server needs; raw is
 * the whole value after "candidate:" and is what gets written, so extensions such as
 * "generation", "network-id" or "tcptype" survive untouched.
 */
public record Candidate(String foundation, int component, String transport, long priority,
                        String address, int port, String type, String raw) {

    public Candidate {
        Objects.requireNonNull(foundation, "foundation");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(raw, "raw");
    }

    /** Builds a candidate from its fields (e.g. the server's own host candidate). */
    public static Candidate of(String foundation, int component, String transport, long priority,
                               String address, int port, String type) {
        String raw = foundation + " " + component + " " + transport + " " + priority + " "
                + address + " " + port + " typ " + type;
        return new Candidate(foundation, component, transport, priority, address, port, type, raw);
    }

    /**
     * Reads a candidate as trickled by a browser ("candidate:1 1 udp 2122194687 127.0.0.1 5000
     * typ host ...") or as an SDP line ("a=candidate:..."); the prefixes are optional.
     */
    public static Candidate parse(String text) throws SdpParseException {
        if (text == null) {
            throw new SdpParseException(0, "no candidate");
        }
        String value = text.strip();
        if (value.startsWith("a=")) {
            value = value.substring(2);
        }
        if (value.startsWith("candidate:")) {
            value = value.substring("candidate:".length());
        }
        return parseValue(value, 0);
    }

    static Candidate parseValue(String value, int line) throws SdpParseException {
        String[] t = SdpTokens.split(value);
        if (t.length < 8 || !t[6].equals("typ")) {
            throw new SdpParseException(line, "candidate needs '<foundation> <component> <transport> "
                    + "<priority> <address> <port> typ <type>', got '" + SdpTokens.excerpt(value) + "'");
        }
        if (t[0].length() > 32) {
            throw new SdpParseException(line, "candidate foundation longer than 32 characters (RFC 8839 5.1)");
        }
        int component = SdpNumbers.parseIntOrMinusOne(t[1], 1, 256);
        if (component < 0) {
            throw new SdpParseException(line, "candidate component must be 1-256, got '" + SdpTokens.excerpt(t[1]) + "'");
        }
        long priority = SdpNumbers.parseLongOrMinusOne(t[3], 0, 0xFFFF_FFFFL);
        if (priority < 0) {
            throw new SdpParseException(line, "candidate priority must be a 32-bit number, got '"
                    + SdpTokens.excerpt(t[3]) + "'");
        }
        int port = SdpNumbers.parseIntOrMinusOne(t[5], 0, 65535);
        if (port < 0) {
            throw new SdpParseException(line, "candidate port must be 0-65535, got '" + SdpTokens.excerpt(t[5]) + "'");
        }
        return new Candidate(t[0], component, t[2], priority, t[4], port, t[7], String.join(" ", t));
    }

    /** The value as written after "a=candidate:" (and as trickled after "candidate:"). */
    String sdpValue() {
        return raw;
    }
}
