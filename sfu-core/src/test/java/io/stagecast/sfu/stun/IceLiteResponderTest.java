package io.stagecast.sfu.stun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import org.ice4j.attribute.Attribute;
import org.ice4j.attribute.FingerprintAttribute;
import org.ice4j.message.Message;
import org.junit.jupiter.api.Test;

class IceLiteResponderTest {
    static final String SERVER_UFRAG = "srv1";
    static final String SERVER_PASSWORD = "server-password-0123456789";
    static final String CLIENT_UFRAG = "cli9";

    private final IceLiteResponder responder = new IceLiteResponder(Map.of(SERVER_UFRAG, SERVER_PASSWORD)::get);
    private final StunBindingClient client =
            new StunBindingClient(SERVER_UFRAG + ":" + CLIENT_UFRAG, SERVER_PASSWORD);

    @Test
    void ipv4CheckIsAnsweredWithASignedResponseMappingTheSource() throws UnknownHostException {
        assertRoundTrip(new InetSocketAddress(InetAddress.getByName("203.0.113.7"), 61234));
    }

    @Test
    void ipv6CheckIsAnsweredWithASignedResponseMappingTheSource() throws UnknownHostException {
        assertRoundTrip(new InetSocketAddress(InetAddress.getByName("2001:db8::a:b:c:d"), 443));
    }

    private void assertRoundTrip(InetSocketAddress source) {
        byte[] request = client.request(true, true, 0x1122334455667788L, 0x6e7f1eff);

        IceCheck check = responder.handle(request, 0, request.length, source);

        assertEquals(CheckOutcome.ACCEPTED, check.outcome());
        assertEquals(SERVER_UFRAG, check.localUfrag());
        assertEquals(CLIENT_UFRAG, check.remoteUfrag());
        assertTrue(check.useCandidate());
        assertEquals(0x6e7f1effL, check.priority());
        byte[] response = check.response();
        assertNotNull(response);
        assertTrue(client.isSuccessResponse(response, 0, response.length));
        assertEquals(source, client.mappedAddress(response, 0, response.length));
    }

    @Test
    void checkWithoutUseCandidateIsReportedAsNotNominating() {
        byte[] request = client.request(false, true, 7, 1);

        IceCheck check = responder.handle(request, 0, request.length, source());

        assertEquals(CheckOutcome.ACCEPTED, check.outcome());
        assertFalse(check.useCandidate());
        assertEquals(1, check.priority());
    }

    @Test
    void responseKeepsTheTransactionIdAndCarriesOnlyMappedAddressIntegrityAndFingerprint() {
        byte[] request = client.request(true, true, 7, 100);

        byte[] response = responder.handle(request, 0, request.length, source()).response();

        assertArrayEquals(Arrays.copyOfRange(request, 8, 20), Arrays.copyOfRange(response, 8, 20));
        Message decoded = StunCodec.decode(response);
        assertNotNull(decoded);
        assertEquals(StunPackets.BINDING_SUCCESS_RESPONSE, decoded.getMessageType());
        assertEquals(3, decoded.getAttributeCount(), "no SOFTWARE or other attributes");
        assertNotNull(decoded.getAttribute(Attribute.XOR_MAPPED_ADDRESS));
        assertTrue(StunCodec.endsWithIntegrityAndFingerprint(response));
    }

    @Test
    void requestInsideALargerBufferIsAccepted() {
        byte[] request = client.request(true, true, 7, 100);
        byte[] datagram = new byte[request.length + 40];
        System.arraycopy(request, 0, datagram, 17, request.length);

        IceCheck check = responder.handle(datagram, 17, request.length, source());

        assertEquals(CheckOutcome.ACCEPTED, check.outcome());
        assertTrue(client.isSuccessResponse(check.response(), 0, check.response().length));
    }

    @Test
    void responseToAnOlderRequestIsNotAcceptedByTheClient() {
        byte[] first = client.request(true, true, 7, 100);
        byte[] firstResponse = responder.handle(first, 0, first.length, source()).response();
        client.request(true, true, 7, 100);

        assertFalse(client.isSuccessResponse(firstResponse, 0, firstResponse.length));
    }

    @Test
    void responseWithAForgedIntegrityIsNotAcceptedByTheClient() {
        byte[] request = client.request(true, true, 7, 100);
        byte[] response = responder.handle(request, 0, request.length, source()).response();
        byte[] body = Arrays.copyOf(response, response.length - 8);
        body[body.length - 5] ^= 0x10; // inside the HMAC

        byte[] forged = withFingerprint(body);

        assertFalse(client.isSuccessResponse(forged, 0, forged.length));
        assertTrue(client.isSuccessResponse(response, 0, response.length));
    }

    @Test
    void wrongPasswordIsBadIntegrityWithoutResponse() {
        StunBindingClient impostor = new StunBindingClient(SERVER_UFRAG + ":" + CLIENT_UFRAG, "guessed-password-000000");
        byte[] request = impostor.request(true, true, 7, 100);

        IceCheck check = responder.handle(request, 0, request.length, source());

        assertEquals(CheckOutcome.BAD_INTEGRITY, check.outcome());
        assertEquals(SERVER_UFRAG, check.localUfrag());
        assertNull(check.response());
    }

    @Test
    void unknownUfragIsUnknownUsernameWithoutResponse() {
        StunBindingClient stranger = new StunBindingClient("nobody:" + CLIENT_UFRAG, SERVER_PASSWORD);
        byte[] request = stranger.request(true, true, 7, 100);

        IceCheck check = responder.handle(request, 0, request.length, source());

        assertEquals(CheckOutcome.UNKNOWN_USERNAME, check.outcome());
        assertEquals("nobody", check.localUfrag());
        assertEquals(CLIENT_UFRAG, check.remoteUfrag());
        assertNull(check.response());
    }

    @Test
    void usernameWithoutBothUfragsIsMalformed() {
        for (String username : new String[] {SERVER_UFRAG, SERVER_UFRAG + ":", ":" + CLIENT_UFRAG}) {
            byte[] request = new StunBindingClient(username, SERVER_PASSWORD).request(true, true, 7, 100);

            IceCheck check = responder.handle(request, 0, request.length, source());

            assertEquals(CheckOutcome.MALFORMED, check.outcome(), username);
            assertNull(check.response());
        }
    }

    @Test
    void bindingSuccessResponseIsNotABindingRequest() {
        byte[] request = client.request(true, true, 7, 100);
        byte[] response = responder.handle(request, 0, request.length, source()).response();

        IceCheck check = responder.handle(response, 0, response.length, source());

        assertEquals(CheckOutcome.NOT_A_BINDING_REQUEST, check.outcome());
        assertNull(check.response());
    }

    @Test
    void bindingIndicationIsNotABindingRequest() {
        // RFC 5389 §10: a Binding indication is a header with no attributes, used as a keepalive.
        byte[] indication = Rfc5769VectorsTest.hex("0011 0000 2112a442 0102030405060708090a0b0c");

        IceCheck check = responder.handle(indication, 0, indication.length, source());

        assertEquals(CheckOutcome.NOT_A_BINDING_REQUEST, check.outcome());
        assertNull(check.response());
    }

    @Test
    void requestWithoutFingerprintIsMalformed() {
        byte[] request = client.request(true, true, 7, 100);
        byte[] stripped = withBodyLength(Arrays.copyOf(request, request.length - 8));

        assertEquals(CheckOutcome.MALFORMED, responder.handle(stripped, 0, stripped.length, source()).outcome());
    }

    @Test
    void attributeAfterMessageIntegrityIsMalformed() {
        // An on-path party can append USE-CANDIDATE after MESSAGE-INTEGRITY and fix up the CRC:
        // it is outside the HMAC, so the request must not be taken as authentic.
        byte[] request = client.request(false, true, 7, 100);
        byte[] withoutFingerprint = Arrays.copyOf(request, request.length - 8);
        byte[] smuggled = Arrays.copyOf(withoutFingerprint, withoutFingerprint.length + 4);
        smuggled[withoutFingerprint.length] = 0x00;
        smuggled[withoutFingerprint.length + 1] = 0x25; // USE-CANDIDATE, empty value

        byte[] forged = withFingerprint(smuggled);

        assertEquals(CheckOutcome.MALFORMED, responder.handle(forged, 0, forged.length, source()).outcome());
    }

    @Test
    void flippedFingerprintIsMalformed() {
        byte[] request = client.request(true, true, 7, 100);
        request[request.length - 1] ^= 0x01;

        IceCheck check = responder.handle(request, 0, request.length, source());

        assertEquals(CheckOutcome.MALFORMED, check.outcome());
        assertNull(check.response());
    }

    @Test
    void flippedIntegrityWithRecomputedFingerprintIsBadIntegrity() {
        byte[] request = client.request(true, true, 7, 100);
        byte[] body = Arrays.copyOf(request, request.length - 8);
        body[body.length - 1] ^= 0x40; // last HMAC byte

        byte[] forged = withFingerprint(body);

        assertEquals(CheckOutcome.BAD_INTEGRITY, responder.handle(forged, 0, forged.length, source()).outcome());
    }

    @Test
    void everySingleBitFlipIsRejected() {
        byte[] request = client.request(true, true, 7, 100);
        Set<CheckOutcome> rejections =
                EnumSet.of(CheckOutcome.MALFORMED, CheckOutcome.BAD_INTEGRITY, CheckOutcome.NOT_A_BINDING_REQUEST);
        for (int bit = 0; bit < request.length * 8; bit++) {
            byte[] flipped = request.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));

            IceCheck check = responder.handle(flipped, 0, flipped.length, source());

            assertTrue(rejections.contains(check.outcome()), "bit " + bit + ": " + check.outcome());
            assertNull(check.response());
        }
    }

    @Test
    void everyTruncationIsRejected() {
        byte[] request = client.request(true, true, 7, 100);
        for (int len = 0; len < request.length; len++) {
            byte[] truncated = Arrays.copyOf(request, len);
            assertEquals(CheckOutcome.MALFORMED, responder.handle(truncated, 0, len, source()).outcome(), "len " + len);
            if (len >= StunPackets.HEADER_LENGTH && len % 4 == 0) {
                // Also with a length field that agrees with the truncation, so it reaches the decoder.
                CheckOutcome outcome = responder.handle(withBodyLength(truncated), 0, len, source()).outcome();
                assertNotEquals(CheckOutcome.ACCEPTED, outcome, "len " + len);
            }
        }
    }

    @Test
    void windowsOutsideTheBufferAreMalformed() {
        byte[] request = client.request(true, true, 7, 100);

        assertEquals(CheckOutcome.MALFORMED, responder.handle(request, 4, request.length, source()).outcome());
        assertEquals(CheckOutcome.MALFORMED, responder.handle(request, -1, request.length, source()).outcome());
        assertEquals(CheckOutcome.MALFORMED, responder.handle(null, 0, 20, source()).outcome());
    }

    @Test
    void checkForATransportRemovedMidwayIsNotAnswered() {
        // The lookup answers the first question (is the ufrag known?) and then forgets the ufrag.
        int[] calls = {0};
        IceLiteResponder racing = new IceLiteResponder(ufrag -> calls[0]++ < 2 ? SERVER_PASSWORD : null);
        byte[] request = client.request(true, true, 7, 100);

        IceCheck check = racing.handle(request, 0, request.length, source());

        assertEquals(CheckOutcome.UNKNOWN_USERNAME, check.outcome());
        assertNull(check.response());
    }

    static InetSocketAddress source() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000);
    }

    /** Sets the header's length field to the bytes after the header. */
    static byte[] withBodyLength(byte[] message) {
        int body = message.length - StunPackets.HEADER_LENGTH;
        message[2] = (byte) (body >> 8);
        message[3] = (byte) body;
        return message;
    }

    /** Appends a correct FINGERPRINT (RFC 5389 §15.5) to a message without one. */
    static byte[] withFingerprint(byte[] message) {
        byte[] out = withBodyLength(Arrays.copyOf(message, message.length + 8));
        int at = message.length;
        out[at] = (byte) 0x80;
        out[at + 1] = 0x28;
        out[at + 3] = 4;
        byte[] crc = FingerprintAttribute.calculateXorCRC32(out, 0, at);
        System.arraycopy(crc, 0, out, at + 4, 4);
        return out;
    }
}
