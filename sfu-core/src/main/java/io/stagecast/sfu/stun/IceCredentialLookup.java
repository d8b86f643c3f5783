package io.stagecast.sfu.stun;

/**
 * Where the ICE-lite responder finds the short-term credential (RFC 8445 §7.2.2) of a transport.
 *
 * <p>Implementations must be safe to call from any event loop; a map from ufrag to password fits.
 */
@FunctionalInterface
public interface IceCredentialLookup {
    /** Our ICE password for the local ufrag we handed out in the SDP, or null when no transport has it. */
    String localPassword(String localUfrag);
}
