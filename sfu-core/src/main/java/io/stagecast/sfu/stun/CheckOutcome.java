package io.stagecast.sfu.stun;

/** What the ICE-lite responder made of one STUN datagram; callers count these. */
public enum CheckOutcome {
    /** An authenticated Binding request; a success response is ready to send. */
    ACCEPTED,
    /** Well-formed STUN, but not a Binding request (a response, an indication, another method). */
    NOT_A_BINDING_REQUEST,
    /** Not decodable, bad FINGERPRINT, or missing USERNAME / MESSAGE-INTEGRITY / FINGERPRINT. */
    MALFORMED,
    /** USERNAME names a local ufrag that no transport has. */
    UNKNOWN_USERNAME,
    /** MESSAGE-INTEGRITY does not verify with the password of the named ufrag. */
    BAD_INTEGRITY
}
