package io.stagecast.sfu.stun;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Objects;

import org.ice4j.StunException;
import org.ice4j.TransportAddress;
import org.ice4j.attribute.Attribute;
import org.ice4j.attribute.AttributeFactory;
import org.ice4j.attribute.XorMappedAddressAttribute;
import org.ice4j.message.Message;
import org.ice4j.message.MessageFactory;
import org.ice4j.message.Request;
import org.ice4j.security.CredentialsAuthority;
import org.ice4j.stack.StunStack;

/**
 * The controlling side of a connectivity check (RFC 8445 §7.2.4), against an ICE-lite server: builds
 * Binding requests and recognises the server's answers. For tests and the load generator.
 *
 * <p>Remembers the transaction id of the last request only (no retransmission bookkeeping); not
 * thread-safe.
 */
public final class StunBindingClient {
    private final String username;
    private final StunStack stack;
    private byte[] lastTransactionId;

    /**
     * @param username       "serverUfrag:clientUfrag" (RFC 8445 §7.2.2)
     * @param remotePassword the server's ICE password, which signs requests and their responses
     */
    public StunBindingClient(String username, String remotePassword) {
        this.username = Objects.requireNonNull(username, "username");
        this.stack = StunCodec.newStack(new ServerPassword(StunCodec.key(Objects.requireNonNull(remotePassword))));
    }

    /**
     * A Binding request with PRIORITY, ICE-CONTROLLING or ICE-CONTROLLED with {@code tieBreaker},
     * USERNAME, optionally USE-CANDIDATE, then MESSAGE-INTEGRITY and FINGERPRINT. Each call uses a new
     * random transaction id and forgets the previous one.
     *
     * @throws IllegalArgumentException if {@code priority} does not fit in 32 unsigned bits
     */
    public byte[] request(boolean useCandidate, boolean controlling, long tieBreaker, long priority) {
        byte[] transactionId = StunCodec.newTransactionId();
        try {
            Request request = MessageFactory.createBindingRequest(priority, controlling, tieBreaker);
            request.setTransactionID(transactionId);
            request.putAttribute(AttributeFactory.createUsernameAttribute(username));
            if (useCandidate) {
                request.putAttribute(AttributeFactory.createUseCandidateAttribute());
            }
            request.putAttribute(AttributeFactory.createMessageIntegrityAttribute(username));
            request.putAttribute(AttributeFactory.createFingerprintAttribute());
            byte[] encoded = request.encode(stack);
            lastTransactionId = transactionId;
            return encoded;
        } catch (StunException e) {
            throw new IllegalArgumentException("cannot build a Binding request: " + e.getMessage(), e);
        }
    }

    /**
     * Whether the bytes are a Binding success response to the last {@link #request}, with a valid
     * FINGERPRINT and a MESSAGE-INTEGRITY made with the server's password. Never throws.
     */
    public boolean isSuccessResponse(byte[] buf, int off, int len) {
        byte[] expectedId = lastTransactionId;
        if (expectedId == null
                || !StunPackets.looksLikeStun(buf, off, len)
                || StunPackets.messageType(buf, off) != StunPackets.BINDING_SUCCESS_RESPONSE
                || !StunCodec.sameTransactionId(buf, off, expectedId)) {
            return false;
        }
        byte[] response = Arrays.copyOfRange(buf, off, off + len);
        Message decoded = StunCodec.decode(response);
        return decoded != null
                && StunCodec.endsWithIntegrityAndFingerprint(response)
                // The key is the server's password whatever the name: see ServerPassword.
                && StunCodec.integrityHolds(stack, decoded, response, username, false);
    }

    /**
     * The XOR-MAPPED-ADDRESS of a success response (our address as the server saw it), or null when the
     * bytes do not decode or carry none. Does not authenticate: check {@link #isSuccessResponse} first.
     */
    public InetSocketAddress mappedAddress(byte[] buf, int off, int len) {
        if (!StunPackets.looksLikeStun(buf, off, len)) {
            return null;
        }
        Message decoded = StunCodec.decode(Arrays.copyOfRange(buf, off, off + len));
        if (decoded == null
                || !(decoded.getAttribute(Attribute.XOR_MAPPED_ADDRESS) instanceof XorMappedAddressAttribute xor)) {
            return null;
        }
        try {
            TransportAddress address = xor.getAddress(decoded.getTransactionID());
            return address == null ? null : new InetSocketAddress(address.getAddress(), address.getPort());
        } catch (RuntimeException undecodableAddress) {
            return null;
        }
    }

    /**
     * ice4j asks for the "remote key" to sign a request and the "local key" to check a response; for
     * a client both are the server's password (RFC 8445 §7.2.2, RFC 5389 §10.1.2).
     */
    private record ServerPassword(byte[] key) implements CredentialsAuthority {
        @Override
        public byte[] getLocalKey(String username) {
            return key.clone();
        }

        @Override
        public byte[] getRemoteKey(String username, String media) {
            return key.clone();
        }

        @Override
        public boolean checkLocalUserName(String username) {
            return true;
        }
    }
}
