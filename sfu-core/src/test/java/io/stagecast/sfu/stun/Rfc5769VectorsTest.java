package io.stagecast.sfu.stun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HexFormat;

import org.ice4j.message.Message;
import org.ice4j.message.Request;
import org.ice4j.message.Response;
import org.ice4j.security.CredentialsAuthority;
import org.ice4j.stack.StunStack;
import org.junit.jupiter.api.Test;

/** The sample messages of RFC 5769 §2, which exercise FINGERPRINT, MESSAGE-INTEGRITY and XOR-MAPPED-ADDRESS. */
class Rfc5769VectorsTest {
    static final String PASSWORD = "VOkJxbRl1RmTxUk/WvJxBt";

    /** §2.1: request with SOFTWARE, PRIORITY, ICE-CONTROLLED, USERNAME "evtj:h6vY" (space-padded). */
    static final byte[] SAMPLE_REQUEST = hex("""
            0001 0058 2112a442 b7e7a701 bc34d686 fa87dfae
            8022 0010 5354554e 20746573 7420636c 69656e74
            0024 0004 6e0001ff
            8029 0008 932ff9b1 51263b36
            0006 0009 6576746a 3a683676 59202020
            0008 0014 9aeaa70c bfd8cb56 781ef2b5 b2d3f249 c1b571a2
            8028 0004 e57a3bcf
            """);

    /** §2.2: success response mapping 192.0.2.1:32853. */
    static final byte[] SAMPLE_IPV4_RESPONSE = hex("""
            0101 003c 2112a442 b7e7a701 bc34d686 fa87dfae
            8022 000b 74657374 20766563 746f7220
            0020 0008 0001a147 e112a643
            0008 0014 2b91f599 fd9e90c3 8c7489f9 2af9ba53 f06be7d7
            8028 0004 c07d4c96
            """);

    /** §2.3: success response mapping [2001:db8:1234:5678:11:2233:4455:6677]:32853. */
    static final byte[] SAMPLE_IPV6_RESPONSE = hex("""
            0101 0048 2112a442 b7e7a701 bc34d686 fa87dfae
            8022 000b 74657374 20766563 746f7220
            0020 0014 0002a147 0113a9fa a5d3f179 bc25f4b5 bed2b9d9
            0008 0014 a382954e 4be67bf1 1784c97c 8292c275 bfe3ed41
            8028 0004 c8fb0b4c
            """);

    private static final InetSocketAddress SOURCE = new InetSocketAddress(InetAddress.getLoopbackAddress(), 50000);

    @Test
    void sampleRequestIsAcceptedWithItsPassword() {
        IceLiteResponder responder = new IceLiteResponder(ufrag -> ufrag.equals("evtj") ? PASSWORD : null);

        IceCheck check = responder.handle(SAMPLE_REQUEST, 0, SAMPLE_REQUEST.length, SOURCE);

        assertEquals(CheckOutcome.ACCEPTED, check.outcome());
        assertEquals("evtj", check.localUfrag());
        assertEquals("h6vY", check.remoteUfrag());
        assertEquals(0x6e0001ffL, check.priority());
        assertFalse(check.useCandidate());
    }

    @Test
    void sampleRequestDecodesAndValidatesWithTheCodec() {
        Message decoded = StunCodec.decode(SAMPLE_REQUEST.clone());

        assertInstanceOf(Request.class, decoded);
        assertArrayEquals(hex("b7e7a701 bc34d686 fa87dfae"), decoded.getTransactionID());
        assertTrue(StunCodec.integrityHolds(stackWithKey(PASSWORD), decoded, SAMPLE_REQUEST, "evtj:h6vY", true));
        assertFalse(StunCodec.integrityHolds(stackWithKey("not-the-password"), decoded, SAMPLE_REQUEST,
                "evtj:h6vY", true));
    }

    @Test
    void sampleRequestWithAnotherPasswordIsBadIntegrity() {
        IceLiteResponder responder = new IceLiteResponder(ufrag -> "VOkJxbRl1RmTxUk/WvJxBu");

        IceCheck check = responder.handle(SAMPLE_REQUEST, 0, SAMPLE_REQUEST.length, SOURCE);

        assertEquals(CheckOutcome.BAD_INTEGRITY, check.outcome());
        assertNull(check.response());
    }

    @Test
    void sampleIpv4ResponseMapsTheRfcAddressAndValidates() throws Exception {
        assertResponseVector(SAMPLE_IPV4_RESPONSE, new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 32853));
    }

    @Test
    void sampleIpv6ResponseMapsTheRfcAddressAndValidates() throws Exception {
        assertResponseVector(SAMPLE_IPV6_RESPONSE,
                new InetSocketAddress(InetAddress.getByName("2001:db8:1234:5678:11:2233:4455:6677"), 32853));
    }

    private static void assertResponseVector(byte[] vector, InetSocketAddress expected) {
        assertTrue(StunPackets.looksLikeStun(vector, 0, vector.length));
        Message decoded = StunCodec.decode(vector.clone());
        assertInstanceOf(Response.class, decoded);
        assertTrue(StunCodec.endsWithIntegrityAndFingerprint(vector));
        // A response carries no USERNAME; the key is the password the request was signed with.
        assertTrue(StunCodec.integrityHolds(stackWithKey(PASSWORD), decoded, vector, "evtj:h6vY", false));
        assertFalse(StunCodec.integrityHolds(stackWithKey(PASSWORD + "x"), decoded, vector, "evtj:h6vY", false));

        InetSocketAddress mapped = new StunBindingClient("evtj:h6vY", PASSWORD).mappedAddress(vector, 0, vector.length);
        assertEquals(expected, mapped);
    }

    private static StunStack stackWithKey(String password) {
        return StunCodec.newStack(new CredentialsAuthority() {
            @Override
            public byte[] getLocalKey(String username) {
                return StunCodec.key(password);
            }

            @Override
            public byte[] getRemoteKey(String username, String media) {
                return null;
            }

            @Override
            public boolean checkLocalUserName(String username) {
                return true;
            }
        });
    }

    static byte[] hex(String text) {
        return HexFormat.of().parseHex(text.replaceAll("\\s", ""));
    }
}
