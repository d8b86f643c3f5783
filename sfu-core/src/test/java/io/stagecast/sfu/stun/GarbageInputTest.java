package io.stagecast.sfu.stun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** Random and mutated datagrams: the responder and the client classify them and never throw. */
class GarbageInputTest {
    private static final int RUNS = 100_000;

    private final IceLiteResponder responder = new IceLiteResponder(
            Map.of(IceLiteResponderTest.SERVER_UFRAG, IceLiteResponderTest.SERVER_PASSWORD)::get);
    private final StunBindingClient client = new StunBindingClient(
            IceLiteResponderTest.SERVER_UFRAG + ":" + IceLiteResponderTest.CLIENT_UFRAG,
            IceLiteResponderTest.SERVER_PASSWORD);

    @Test
    void randomBytesNeverThrowAndAreNeverAccepted() {
        Random random = new Random(5769);
        Map<CheckOutcome, Integer> seen = new EnumMap<>(CheckOutcome.class);
        for (int i = 0; i < RUNS; i++) {
            // Half of them get a STUN header, to get past looksLikeStun into the decoder.
            boolean stunShaped = i % 2 == 0;
            byte[] garbage = new byte[stunShaped ? StunPackets.HEADER_LENGTH + 4 * random.nextInt(45) : random.nextInt(200)];
            random.nextBytes(garbage);
            if (stunShaped) {
                stunHeader(garbage, random);
                assertTrue(StunPackets.looksLikeStun(garbage, 0, garbage.length));
            }

            IceCheck check = responder.handle(garbage, 0, garbage.length, IceLiteResponderTest.source());

            assertNotEquals(CheckOutcome.ACCEPTED, check.outcome());
            seen.merge(check.outcome(), 1, Integer::sum);
            client.isSuccessResponse(garbage, 0, garbage.length);
            client.mappedAddress(garbage, 0, garbage.length);
        }
        assertTrue(seen.containsKey(CheckOutcome.MALFORMED));
        assertTrue(seen.containsKey(CheckOutcome.NOT_A_BINDING_REQUEST));
    }

    @Test
    void mutatedRequestsWithValidFingerprintNeverThrow() {
        // Recomputing the CRC after mutating lets the damage past ice4j's FINGERPRINT check, into
        // attribute decoding and the integrity check.
        Random random = new Random(8445);
        client.request(true, true, 7, 100);
        Map<CheckOutcome, Integer> seen = new EnumMap<>(CheckOutcome.class);
        for (int i = 0; i < RUNS / 10; i++) {
            byte[] request = client.request(random.nextBoolean(), random.nextBoolean(), random.nextLong(), 100);
            byte[] body = Arrays.copyOf(request, request.length - 8);
            int mutations = 1 + random.nextInt(4);
            for (int m = 0; m < mutations; m++) {
                body[StunPackets.HEADER_LENGTH + random.nextInt(body.length - StunPackets.HEADER_LENGTH)] =
                        (byte) random.nextInt(256);
            }
            byte[] mutated = IceLiteResponderTest.withFingerprint(body);

            IceCheck check = responder.handle(mutated, 0, mutated.length, IceLiteResponderTest.source());

            assertNotNull(check.outcome());
            seen.merge(check.outcome(), 1, Integer::sum);
        }
        assertTrue(seen.containsKey(CheckOutcome.BAD_INTEGRITY));
        assertTrue(seen.containsKey(CheckOutcome.MALFORMED));
    }

    @Test
    void looksLikeStunAgreesWithTheHeaderRulesOnRandomBytes() {
        Random random = new Random(7983);
        for (int i = 0; i < RUNS; i++) {
            byte[] garbage = new byte[random.nextInt(100)];
            random.nextBytes(garbage);
            if (i % 2 == 0 && garbage.length >= StunPackets.HEADER_LENGTH) {
                stunHeader(garbage, random);
                garbage[random.nextInt(8)] ^= (byte) (random.nextBoolean() ? 0 : 1 << random.nextInt(8));
            }

            assertEquals(headerRulesHold(garbage), StunPackets.looksLikeStun(garbage, 0, garbage.length));
        }
    }

    private static boolean headerRulesHold(byte[] b) {
        if (b.length < 20) {
            return false;
        }
        int length = ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
        return (b[0] & 0xFF) <= 3 && length == b.length - 20 && length % 4 == 0
                && b[4] == 0x21 && b[5] == 0x12 && (b[6] & 0xFF) == 0xA4 && b[7] == 0x42;
    }

    /** A plausible header: first byte 0..3, magic cookie, length field covering the rest of the array. */
    private static void stunHeader(byte[] datagram, Random random) {
        int length = datagram.length - StunPackets.HEADER_LENGTH;
        datagram[0] = (byte) random.nextInt(4);
        if (random.nextBoolean()) {
            datagram[1] = 0x01;
        }
        datagram[2] = (byte) (length >> 8);
        datagram[3] = (byte) length;
        datagram[4] = 0x21;
        datagram[5] = 0x12;
        datagram[6] = (byte) 0xA4;
        datagram[7] = 0x42;
    }
}
