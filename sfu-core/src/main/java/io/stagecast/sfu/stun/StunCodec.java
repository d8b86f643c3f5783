package io.stagecast.sfu.stun;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

import org.ice4j.StunException;
import org.ice4j.attribute.Attribute;
import org.ice4j.attribute.MessageIntegrityAttribute;
import org.ice4j.message.Message;
import org.ice4j.security.CredentialsAuthority;
import org.ice4j.stack.RawMessage;
import org.ice4j.stack.StunStack;

/**
 * The few ways this package uses ice4j, in one place: decoding, the integrity check, fresh
 * transaction ids, and the stack whose credentials authority supplies keys for encoding.
 *
 * <p>ice4j is used purely as a codec: a {@link StunStack} built here opens no socket and starts no
 * thread (its credentials manager is the only part used).
 */
final class StunCodec {
    /** RFC 5389 §15.4: MESSAGE-INTEGRITY is a 4-byte header and a 20-byte HMAC-SHA1. */
    private static final int INTEGRITY_ATTRIBUTE_LENGTH = 24;
    /** RFC 5389 §15.5: FINGERPRINT is a 4-byte header and a CRC-32. */
    private static final int FINGERPRINT_ATTRIBUTE_LENGTH = 8;

    private static final SecureRandom TRANSACTION_IDS = new SecureRandom();

    static {
        // ice4j adds a SOFTWARE attribute to everything it encodes unless this is empty. It reads
        // the value once, when its AgentConfig loads, so this must run before any encode.
        if (System.getProperty("ice4j.software") == null) {
            System.setProperty("ice4j.software", "");
        }
    }

    private StunCodec() {
    }

    static StunStack newStack(CredentialsAuthority credentials) {
        StunStack stack = new StunStack();
        stack.getCredentialsManager().registerAuthority(credentials);
        return stack;
    }

    /**
     * Decodes a whole message (the array holds exactly one), or returns null when ice4j rejects it.
     * ice4j checks any FINGERPRINT while decoding (a wrong CRC is a rejection) but not
     * MESSAGE-INTEGRITY: see {@link #integrityHolds}.
     */
    static Message decode(byte[] message) {
        try {
            return Message.decode(message, 0, message.length);
        } catch (StunException | RuntimeException malformed) {
            // ice4j signals bad input with StunException and, for some truncations, with index
            // or argument exceptions; all of them mean the same here.
            return null;
        }
    }

    /**
     * Whether the message ends with MESSAGE-INTEGRITY directly followed by FINGERPRINT. RFC 8445
     * §7.1.2 requires both on checks; RFC 5389 §15.5 puts FINGERPRINT last, and requiring nothing
     * between the two means no attribute lies outside the HMAC (RFC 5389 §15.4 says to ignore such
     * attributes; rejecting is simpler than tracking which ones were covered).
     */
    static boolean endsWithIntegrityAndFingerprint(byte[] message) {
        int fingerprintAt = message.length - FINGERPRINT_ATTRIBUTE_LENGTH;
        int integrityAt = fingerprintAt - INTEGRITY_ATTRIBUTE_LENGTH;
        return integrityAt >= StunPackets.HEADER_LENGTH
                && StunPackets.readUnsignedShort(message, integrityAt) == Attribute.MESSAGE_INTEGRITY
                && StunPackets.readUnsignedShort(message, integrityAt + 2) == INTEGRITY_ATTRIBUTE_LENGTH - 4
                && StunPackets.readUnsignedShort(message, fingerprintAt) == Attribute.FINGERPRINT
                && StunPackets.readUnsignedShort(message, fingerprintAt + 2) == FINGERPRINT_ATTRIBUTE_LENGTH - 4;
    }

    /**
     * Checks MESSAGE-INTEGRITY (RFC 5389 §10.1.2) with the key that {@code stack}'s credentials
     * authority returns as local key. With {@code shortTermUsername} ice4j looks the key up by the
     * part of {@code username} before the colon (our ufrag); otherwise by the whole string.
     */
    static boolean integrityHolds(StunStack stack, Message message, byte[] encoded, String username,
                                  boolean shortTermUsername) {
        if (!(message.getAttribute(Attribute.MESSAGE_INTEGRITY) instanceof MessageIntegrityAttribute integrity)) {
            return false;
        }
        try {
            return stack.validateMessageIntegrity(
                    integrity, username, shortTermUsername, RawMessage.build(encoded, encoded.length, null, null));
        } catch (RuntimeException invalid) {
            return false;
        }
    }

    /**
     * A fresh 96-bit transaction id. RFC 5389 §6 asks for uniform randomness; ice4j's own generator
     * is seeded from the clock, so it is not used.
     */
    static byte[] newTransactionId() {
        byte[] id = new byte[Message.TRANSACTION_ID_LENGTH];
        TRANSACTION_IDS.nextBytes(id);
        return id;
    }

    static boolean sameTransactionId(byte[] buf, int off, byte[] transactionId) {
        int from = off + 8;
        return Arrays.equals(buf, from, from + transactionId.length, transactionId, 0, transactionId.length);
    }

    /** RFC 5389 §15.4: the short-term key is the (SASLprep'ed) password; ICE passwords are ASCII. */
    static byte[] key(String password) {
        return password.getBytes(StandardCharsets.UTF_8);
    }
}
