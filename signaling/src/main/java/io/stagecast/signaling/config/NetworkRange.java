package io.stagecast.signaling.config;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 network in CIDR notation ({@code 10.0.0.0/8}, {@code ::1/128}); a bare address
 * means that single host. Immutable.
 *
 * <p>An IPv4 range contains only IPv4 addresses and an IPv6 range only IPv6 ones: {@code 0.0.0.0/0}
 * is every IPv4 address, {@code ::/0} every IPv6 address. IPv4-mapped IPv6 notation
 * ({@code ::ffff:10.0.0.0/104}) is read as the IPv4 range it denotes, because Java reports peers
 * of dual-stack sockets with plain IPv4 addresses.
 */
public final class NetworkRange {

    private static final int IPV4_MAPPED_PREFIX_BITS = 96;

    private final byte[] network;
    private final int prefixLength;

    private NetworkRange(byte[] network, int prefixLength) {
        this.network = network;
        this.prefixLength = prefixLength;
    }

    /**
     * Parses {@code address/prefix} or a bare address. Host bits below the prefix are cleared
     * ({@code 10.1.2.3/8} is {@code 10.0.0.0/8}). Never resolves names.
     *
     * @throws IllegalArgumentException naming the text and what is wrong with it
     */
    public static NetworkRange parse(String cidr) {
        if (cidr == null || cidr.isBlank()) {
            throw new IllegalArgumentException("empty network range (expected e.g. 10.0.0.0/8 or ::1/128)");
        }
        String text = cidr.strip();
        int slash = text.indexOf('/');
        String addressText = slash < 0 ? text : text.substring(0, slash);
        InetAddress address;
        try {
            address = IpLiteral.parse(addressText);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid network range '" + text + "': " + e.getMessage(), e);
        }
        byte[] bytes = address.getAddress();
        int maxBits = bytes.length * 8;
        int prefix = slash < 0 ? maxBits : parsePrefix(text, text.substring(slash + 1), addressText);
        boolean collapsedFromIpv6 = addressText.indexOf(':') >= 0 && address instanceof Inet4Address;
        if (collapsedFromIpv6 && slash >= 0) {
            if (prefix < IPV4_MAPPED_PREFIX_BITS) {
                throw new IllegalArgumentException("invalid network range '" + text
                        + "': an IPv4-mapped range needs a prefix of at least " + IPV4_MAPPED_PREFIX_BITS);
            }
            prefix -= IPV4_MAPPED_PREFIX_BITS;
        }
        if (prefix > maxBits) {
            throw new IllegalArgumentException("invalid network range '" + text + "': prefix length " + prefix
                    + " is longer than the " + maxBits + " bits of the address");
        }
        return new NetworkRange(mask(bytes, prefix), prefix);
    }

    private static int parsePrefix(String text, String prefixText, String addressText) {
        boolean ipv6 = addressText.indexOf(':') >= 0;
        if (prefixText.isEmpty() || prefixText.length() > 3 || !prefixText.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("invalid network range '" + text + "': prefix length '" + prefixText
                    + "' is not a number from 0 to " + (ipv6 ? 128 : 32));
        }
        int prefix = Integer.parseInt(prefixText);
        if (prefix > (ipv6 ? 128 : 32)) {
            throw new IllegalArgumentException("invalid network range '" + text + "': prefix length " + prefix
                    + " is larger than " + (ipv6 ? 128 : 32));
        }
        return prefix;
    }

    private static byte[] mask(byte[] bytes, int prefix) {
        byte[] masked = bytes.clone();
        for (int i = 0; i < masked.length; i++) {
            int bitsInThisByte = Math.max(0, Math.min(8, prefix - i * 8));
            masked[i] &= (byte) (0xFF00 >>> bitsInThisByte);
        }
        return masked;
    }

    /** Whether the address lies in this range; addresses of the other IP family never do. */
    public boolean contains(InetAddress address) {
        byte[] candidate = address.getAddress();
        if (candidate.length != network.length) {
            return false;
        }
        int fullBytes = prefixLength / 8;
        for (int i = 0; i < fullBytes; i++) {
            if (candidate[i] != network[i]) {
                return false;
            }
        }
        int remainingBits = prefixLength % 8;
        if (remainingBits == 0) {
            return true;
        }
        int byteMask = 0xFF00 >>> remainingBits & 0xFF;
        return (candidate[fullBytes] & byteMask) == (network[fullBytes] & 0xFF);
    }

    /** The network address (host bits cleared). */
    public InetAddress network() {
        try {
            return InetAddress.getByAddress(network);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes are always an address", e);
        }
    }

    public int prefixLength() {
        return prefixLength;
    }

    public boolean isIpv4() {
        return network.length == 4;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof NetworkRange range && range.prefixLength == prefixLength
                && Arrays.equals(range.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefixLength;
    }

    /** CIDR notation of the normalized range, e.g. {@code 10.0.0.0/8}; parses back to an equal range. */
    @Override
    public String toString() {
        return network().getHostAddress() + "/" + prefixLength;
    }
}
