package io.stagecast.sfu.stun;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

import org.ice4j.StunException;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.attribute.Attribute;
import org.ice4j.attribute.AttributeFactory;
import org.ice4j.attribute.PriorityAttribute;
import org.ice4j.attribute.UsernameAttribute;
import org.ice4j.message.Message;
import org.ice4j.message.MessageFactory;
import org.ice4j.message.Request;
import org.ice4j.message.Response;
import org.ice4j.security.CredentialsAuthority;
import org.ice4j.stack.StunStack;

/**
 * The STUN half of an ICE-lite agent (RFC 8445 §2.5, §7.3): answers authenticated Binding requests,
 * which are both connectivity checks and consent checks (RFC 7675 §5), and says who sent them.
 *
 * <p>A lite agent never sends checks of its own and is always controlled, so the only decision here
 * is whether a request is authentic. Rejected packets get no answer at all, not even a STUN error
 * response: unauthenticated input must not make the server send (it would be a reflector), and the
 * peer's retransmissions cover a lost check.
 *
 * <p>Thread-safe if the {@link IceCredentialLookup} is: the instance holds no per-packet state.
 * STUN arrives every few seconds per peer, so this path allocates freely (one ice4j message each way).
 */
public final class IceLiteResponder {
    private final IceCredentialLookup lookup;
    private final StunStack stack;

    public IceLiteResponder(IceCredentialLookup lookup) {
        this.lookup = Objects.requireNonNull(lookup, "lookup");
        this.stack = StunCodec.newStack(new LocalPasswords(lookup));
    }

    /**
     * Runs one check through ice4j both ways (request built, decoded, authenticated, answered,
     * answer checked) with a throwaway credential. ice4j loads its configuration (Kotlin,
     * jitsi-metaconfig), attribute codecs and HMAC-SHA1 on first use: a fresh node took 0.4 s to
     * answer its first check, long enough for Firefox's aggressive nomination to move on (issue 8
     * item 15). Call at start-up, before the socket opens.
     */
    public static void warmUp() {
        String ufrag = "warm";
        String password = "warm-up-password-000000";
        IceLiteResponder responder = new IceLiteResponder(local -> ufrag.equals(local) ? password : null);
        StunBindingClient client = new StunBindingClient(ufrag + ":peer", password);
        byte[] request = client.request(true, true, 1, 1L << 24);
        InetSocketAddress source = new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 9);
        IceCheck check = responder.handle(request, 0, request.length, source);
        if (check.outcome() != CheckOutcome.ACCEPTED
                || !client.isSuccessResponse(check.response(), 0, check.response().length)
                || !source.equals(client.mappedAddress(check.response(), 0, check.response().length))) {
            throw new IllegalStateException("STUN warm-up check failed: " + check.outcome());
        }
    }

    /**
     * Validates a Binding request sent to us: USERNAME "ourUfrag:theirUfrag", MESSAGE-INTEGRITY with
     * our password, FINGERPRINT. {@link CheckOutcome#ACCEPTED} comes with the encoded success response
     * (XOR-MAPPED-ADDRESS = {@code source}, MESSAGE-INTEGRITY, FINGERPRINT, same transaction id).
     * Anything else comes with a null response: drop the packet and count the outcome.
     *
     * <p>Never throws for any packet bytes; a null or unresolved {@code source} is a caller bug and
     * throws.
     */
    public IceCheck handle(byte[] buf, int off, int len, InetSocketAddress source) {
        Objects.requireNonNull(source, "source");
        if (source.getAddress() == null) {
            throw new IllegalArgumentException("unresolved source address: " + source);
        }
        if (!StunPackets.looksLikeStun(buf, off, len)) {
            return IceCheck.rejected(CheckOutcome.MALFORMED);
        }
        if (StunPackets.messageType(buf, off) != StunPackets.BINDING_REQUEST) {
            return IceCheck.rejected(CheckOutcome.NOT_A_BINDING_REQUEST);
        }
        // ice4j decodes whole arrays and computes HMAC positions from index 0, so work on a copy.
        byte[] packet = Arrays.copyOfRange(buf, off, off + len);
        Message decoded = StunCodec.decode(packet);
        if (!(decoded instanceof Request request) || !StunCodec.endsWithIntegrityAndFingerprint(packet)) {
            return IceCheck.rejected(CheckOutcome.MALFORMED);
        }
        if (!(request.getAttribute(Attribute.USERNAME) instanceof UsernameAttribute usernameAttribute)) {
            return IceCheck.rejected(CheckOutcome.MALFORMED);
        }
        // RFC 8445 §7.2.2: the USERNAME of a check is "receiver's ufrag:sender's ufrag".
        String username = new String(usernameAttribute.getUsername(), StandardCharsets.UTF_8);
        int colon = username.indexOf(':');
        if (colon < 1 || colon == username.length() - 1) {
            return IceCheck.rejected(CheckOutcome.MALFORMED);
        }
        String localUfrag = username.substring(0, colon);
        String remoteUfrag = username.substring(colon + 1);
        if (lookup.localPassword(localUfrag) == null) {
            return IceCheck.rejected(CheckOutcome.UNKNOWN_USERNAME, localUfrag, remoteUfrag);
        }
        if (!StunCodec.integrityHolds(stack, request, packet, username, true)) {
            return IceCheck.rejected(CheckOutcome.BAD_INTEGRITY, localUfrag, remoteUfrag);
        }

        byte[] response = successResponse(request, source, localUfrag);
        if (response == null) {
            // The transport went away between the integrity check and signing the answer.
            return IceCheck.rejected(CheckOutcome.UNKNOWN_USERNAME, localUfrag, remoteUfrag);
        }
        boolean useCandidate = request.containsAttribute(Attribute.USE_CANDIDATE);
        // PRIORITY is mandatory in checks (RFC 8445 §7.1.1) but a lite agent learns no
        // peer-reflexive candidates from it, so a request without one is still answered.
        long priority = request.getAttribute(Attribute.PRIORITY) instanceof PriorityAttribute p ? p.getPriority() : 0;
        return new IceCheck(CheckOutcome.ACCEPTED, localUfrag, remoteUfrag, useCandidate, priority, response);
    }

    /**
     * RFC 8445 §7.3.1 / RFC 5389 §10.1.3: XOR-MAPPED-ADDRESS with the source transport address, signed
     * with the same short-term credential as the request, then FINGERPRINT.
     */
    private byte[] successResponse(Request request, InetSocketAddress source, String localUfrag) {
        TransportAddress mapped = new TransportAddress(source.getAddress(), source.getPort(), Transport.UDP);
        try {
            Response response = MessageFactory.createBindingResponse(request, mapped);
            response.setTransactionID(request.getTransactionID());
            // ice4j signs a response with the "local key" of this name: our password, via LocalPasswords.
            response.putAttribute(AttributeFactory.createMessageIntegrityAttribute(localUfrag));
            response.putAttribute(AttributeFactory.createFingerprintAttribute());
            return response.encode(stack);
        } catch (StunException | RuntimeException lostCredentials) {
            // ice4j's encode throws (NullPointerException) when the key lookup comes back empty;
            // setTransactionID cannot fail for the 12-byte id of a decoded RFC 5389 request.
            return null;
        }
    }

    /** Hands ice4j our passwords: the key of both the integrity check and the response's signature. */
    private record LocalPasswords(IceCredentialLookup lookup) implements CredentialsAuthority {
        @Override
        public byte[] getLocalKey(String localUfrag) {
            String password = lookup.localPassword(localUfrag);
            return password == null ? null : StunCodec.key(password);
        }

        @Override
        public byte[] getRemoteKey(String username, String media) {
            return null; // a lite agent sends no requests
        }

        @Override
        public boolean checkLocalUserName(String localUfrag) {
            return lookup.localPassword(localUfrag) != null;
        }
    }
}
