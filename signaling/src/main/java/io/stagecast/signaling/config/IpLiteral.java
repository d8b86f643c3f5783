package io.stagecast.signaling.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Parses IPv4 and IPv6 address literals without ever resolving a name: configuration must not
 * block on DNS, and a hostname where an address belongs is a mistake worth reporting.
 */
final class IpLiteral {

    private IpLiteral() {
    }

    /**
     * @throws IllegalArgumentException with a reason if the text is not a dotted-quad IPv4 or an IPv6 literal
     */
    static InetAddress parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("empty IP address");
        }
        String literal = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        return literal.indexOf(':') >= 0 ? parseIpv6(literal) : parseIpv4(literal);
    }

    private static InetAddress parseIpv4(String text) {
        // Strict a.b.c.d: InetAddress also takes "127.1" and the like, which are more likely typos.
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address (expected a.b.c.d or an IPv6 literal)");
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("'" + text + "' is not an IPv4 address");
            }
            int value = Integer.parseInt(part);
            if (value > 255) {
                throw new IllegalArgumentException("'" + text + "' is not an IPv4 address (" + value + " > 255)");
            }
            bytes[i] = (byte) value;
        }
        return byAddress(bytes, text);
    }

    private static InetAddress parseIpv6(String text) {
        if (text.indexOf('%') >= 0) {
            throw new IllegalArgumentException("'" + text + "': IPv6 zone ids are not supported");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean allowed = c == ':' || c == '.' || Character.digit(c, 16) >= 0;
            if (!allowed) {
                throw new IllegalArgumentException("'" + text + "' is not an IPv6 address");
            }
        }
        try {
            // In brackets InetAddress only accepts a literal and never falls back to a name lookup.
            return InetAddress.getByName("[" + text + "]");
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv6 address", e);
        }
    }

    private static InetAddress byAddress(byte[] bytes, String text) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address", e);
        }
    }
}
