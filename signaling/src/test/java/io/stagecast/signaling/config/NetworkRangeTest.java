package io.stagecast.signaling.config;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class NetworkRangeTest {

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void loopbackRangeContainsLoopbackAddressesOnly() {
        NetworkRange loopback = NetworkRange.parse("127.0.0.0/8");

        assertTrue(loopback.contains(ip("127.1.2.3")));
        assertTrue(loopback.contains(ip("127.0.0.1")));
        assertFalse(loopback.contains(ip("10.0.0.1")));
        assertFalse(loopback.contains(ip("128.0.0.1")));
        assertFalse(loopback.contains(ip("::1")));
    }

    @Test
    void ipv6HostRangeContainsExactlyThatHost() {
        NetworkRange range = NetworkRange.parse("::1/128");

        assertTrue(range.contains(ip("::1")));
        assertFalse(range.contains(ip("::2")));
        assertFalse(range.contains(ip("127.0.0.1")));
    }

    @Test
    void zeroPrefixContainsEveryAddressOfItsFamily() {
        NetworkRange allIpv4 = NetworkRange.parse("0.0.0.0/0");
        NetworkRange allIpv6 = NetworkRange.parse("::/0");

        assertTrue(allIpv4.contains(ip("10.0.0.1")));
        assertTrue(allIpv4.contains(ip("255.255.255.255")));
        assertTrue(allIpv4.contains(ip("0.0.0.0")));
        assertFalse(allIpv4.contains(ip("2001:db8::1")));
        assertTrue(allIpv6.contains(ip("2001:db8::1")));
        assertFalse(allIpv6.contains(ip("10.0.0.1")));
    }

    @Test
    void prefixNotOnAByteBoundaryIsHonoured() {
        NetworkRange range = NetworkRange.parse("192.168.0.0/23");

        assertTrue(range.contains(ip("192.168.1.255")));
        assertFalse(range.contains(ip("192.168.2.0")));
        NetworkRange v6 = NetworkRange.parse("2001:db8::/33");
        assertTrue(v6.contains(ip("2001:db8:7fff::1")));
        assertFalse(v6.contains(ip("2001:db8:8000::1")));
    }

    @Test
    void bareAddressIsASingleHost() {
        NetworkRange host = NetworkRange.parse("10.0.0.7");

        assertEquals(32, host.prefixLength());
        assertTrue(host.contains(ip("10.0.0.7")));
        assertFalse(host.contains(ip("10.0.0.8")));
        assertEquals(128, NetworkRange.parse("fe80::1").prefixLength());
    }

    @Test
    void hostBitsAreClearedAndTheRangePrintsAsCidr() {
        NetworkRange range = NetworkRange.parse(" 10.1.2.3/8 ");

        assertEquals("10.0.0.0/8", range.toString());
        assertTrue(range.contains(ip("10.9.9.9")));
        assertEquals(range, NetworkRange.parse(range.toString()));
        NetworkRange v6 = NetworkRange.parse("2001:db8::1/32");
        assertEquals(v6, NetworkRange.parse(v6.toString()));
    }

    @Test
    void ipv4MappedNotationMeansTheIpv4Range() {
        NetworkRange range = NetworkRange.parse("::ffff:10.0.0.0/104");

        assertTrue(range.isIpv4());
        assertEquals(NetworkRange.parse("10.0.0.0/8"), range);
        assertThrows(IllegalArgumentException.class, () -> NetworkRange.parse("::ffff:10.0.0.0/95"));
    }

    @Test
    void invalidRangesAreRefusedWithTheTextInTheMessage() {
        String[] invalid = {"10.0.0.0/33", "10.0.0/8", "300.1.1.1/8", "abc", "10.0.0.0/", "/8", "::1/129",
                "10.0.0.0/-1", "10.0.0.0/8/9", "example.com/24", "localhost", "127.1", "1.2.3.4.5",
                "fe80::1%eth0/64", "1:2:zz::/64", "10.0.0.0/ 8", "10.0.0.0/1e1", ":::/8"};
        for (String text : invalid) {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> NetworkRange.parse(text),
                    text);
            assertTrue(error.getMessage().contains(text.strip()), error.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> NetworkRange.parse(""));
        assertThrows(IllegalArgumentException.class, () -> NetworkRange.parse(null));
    }

    @Test
    void randomTextIsEitherARangeOrAnIllegalArgument() {
        Random random = new Random(7);
        String alphabet = "0123456789abcdefx.:/%[]- ";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder text = new StringBuilder();
            int length = 1 + random.nextInt(24);
            for (int c = 0; c < length; c++) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            try {
                NetworkRange range = NetworkRange.parse(text.toString());
                assertEquals(range, NetworkRange.parse(range.toString()), text.toString());
            } catch (IllegalArgumentException expected) {
                // fine: refused with a message
            } catch (RuntimeException e) {
                fail("unexpected " + e + " for '" + text + "'");
            }
        }
    }
}
