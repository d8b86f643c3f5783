package io.stagecast.sfu.stun;

import java.net.InetSocketAddress;
import java.util.Map;

/**
 * Fuzz target (run by {@code fuzz.FuzzTargetsTest}): any datagram that reaches the ICE-lite
 * responder or the client's response reader is classified, never thrown on, and accepted only
 * with the right credentials. Every check the responder accepts came with our password's
 * MESSAGE-INTEGRITY, which the fuzzer cannot forge: an ACCEPTED outcome is a bug.
 */
public final class StunFuzzTarget {
    private static final IceLiteResponder RESPONDER = new IceLiteResponder(
            Map.of("srvufrag", "server-password-0123456789")::get);
    private static final StunBindingClient CLIENT = new StunBindingClient("srvufrag:cliufrag", "server-password-0123456789");
    private static final InetSocketAddress SOURCE = new InetSocketAddress("127.0.0.1", 40000);

    private StunFuzzTarget() {
    }

    public static void fuzzerTestOneInput(byte[] data) {
        boolean stun = StunPackets.looksLikeStun(data, 0, data.length);
        StunPackets.isBindingIndication(data, 0, data.length);
        IceCheck check = RESPONDER.handle(data, 0, data.length, SOURCE);
        if (check.outcome() == CheckOutcome.ACCEPTED) {
            throw new IllegalStateException("a check without our MESSAGE-INTEGRITY was accepted");
        }
        if (check.outcome() == null || (!stun && check.outcome() != CheckOutcome.MALFORMED
                && check.outcome() != CheckOutcome.NOT_A_BINDING_REQUEST)) {
            throw new IllegalStateException("outcome " + check.outcome() + " for bytes that are not STUN");
        }
        CLIENT.isSuccessResponse(data, 0, data.length);
        CLIENT.mappedAddress(data, 0, data.length);
    }
}
