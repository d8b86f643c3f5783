package io.stagecast.sfu.stun;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StunPacketsTest {
    private static final byte[] REQUEST = Rfc5769VectorsTest.SAMPLE_REQUEST;

    @Test
    void stunMessagesLookLikeStun() {
        assertTrue(StunPackets.looksLikeStun(REQUEST, 0, REQUEST.length));
        byte[] response = Rfc5769VectorsTest.SAMPLE_IPV6_RESPONSE;
        assertTrue(StunPackets.looksLikeStun(response, 0, response.length));
        byte[] request = new StunBindingClient("a:b", "password").request(true, true, 1, 2);
        assertTrue(StunPackets.looksLikeStun(request, 0, request.length));
    }

    @Test
    void messageInsideALargerBufferLooksLikeStun() {
        byte[] padded = new byte[REQUEST.length + 10];
        System.arraycopy(REQUEST, 0, padded, 3, REQUEST.length);
        assertTrue(StunPackets.looksLikeStun(padded, 3, REQUEST.length));
    }

    @Test
    void dtlsFirstBytesAreNotStun() {
        for (int first = 20; first <= 63; first++) {
            assertFalse(StunPackets.looksLikeStun(withFirstByte(first), 0, REQUEST.length), "first byte " + first);
        }
    }

    @Test
    void rtpAndRtcpFirstBytesAreNotStun() {
        for (int first = 128; first <= 191; first++) {
            assertFalse(StunPackets.looksLikeStun(withFirstByte(first), 0, REQUEST.length), "first byte " + first);
        }
    }

    @Test
    void firstBytesZeroToThreeAreStun() {
        for (int first = 0; first <= 3; first++) {
            assertTrue(StunPackets.looksLikeStun(withFirstByte(first), 0, REQUEST.length), "first byte " + first);
        }
    }

    @Test
    void shortBuffersAreNotStun() {
        for (int len = 0; len < StunPackets.HEADER_LENGTH; len++) {
            assertFalse(StunPackets.looksLikeStun(REQUEST, 0, len), "length " + len);
        }
        assertFalse(StunPackets.looksLikeStun(new byte[4], 0, 4));
        assertFalse(StunPackets.looksLikeStun(null, 0, 20));
    }

    @Test
    void lengthFieldMustMatchTheDatagram() {
        assertFalse(StunPackets.looksLikeStun(REQUEST, 0, REQUEST.length - 4));
        byte[] longer = new byte[REQUEST.length + 4];
        System.arraycopy(REQUEST, 0, longer, 0, REQUEST.length);
        assertFalse(StunPackets.looksLikeStun(longer, 0, longer.length));
        byte[] unaligned = REQUEST.clone();
        unaligned[3] += 1;
        assertFalse(StunPackets.looksLikeStun(unaligned, 0, unaligned.length));
    }

    @Test
    void wrongMagicCookieIsNotStun() {
        byte[] classic = REQUEST.clone();
        classic[7] ^= 1;
        assertFalse(StunPackets.looksLikeStun(classic, 0, classic.length));
    }

    @Test
    void windowsOutsideTheArrayAreNotStun() {
        assertFalse(StunPackets.looksLikeStun(REQUEST, 1, REQUEST.length));
        assertFalse(StunPackets.looksLikeStun(REQUEST, -1, REQUEST.length));
        assertFalse(StunPackets.looksLikeStun(REQUEST, Integer.MAX_VALUE, REQUEST.length));
        assertFalse(StunPackets.looksLikeStun(REQUEST, 0, -5));
    }

    private static byte[] withFirstByte(int first) {
        byte[] copy = REQUEST.clone();
        copy[0] = (byte) first;
        return copy;
    }
}
