package io.stagecast.sfu.stun;

/**
 * The result of one connectivity check (or consent check, RFC 7675) handled by {@link IceLiteResponder}.
 *
 * @param outcome      what the packet was
 * @param localUfrag   our ufrag from USERNAME, when the packet got that far; else null
 * @param remoteUfrag  the peer's ufrag from USERNAME, when the packet got that far; else null
 * @param useCandidate the request nominates this pair (USE-CANDIDATE, RFC 8445 §7.3.1.5)
 * @param priority     the PRIORITY attribute, 0 when absent
 * @param response     the encoded Binding success response to send back to the source; non-null
 *                     exactly when {@code outcome} is {@link CheckOutcome#ACCEPTED}
 */
public record IceCheck(CheckOutcome outcome, String localUfrag, String remoteUfrag, boolean useCandidate,
                       long priority, byte[] response) {

    public IceCheck {
        if (outcome == null) {
            throw new IllegalArgumentException("outcome is required");
        }
        if ((outcome == CheckOutcome.ACCEPTED) != (response != null)) {
            throw new IllegalArgumentException("a response comes with ACCEPTED and only then: " + outcome);
        }
    }

    static IceCheck rejected(CheckOutcome outcome) {
        return new IceCheck(outcome, null, null, false, 0, null);
    }

    static IceCheck rejected(CheckOutcome outcome, String localUfrag, String remoteUfrag) {
        return new IceCheck(outcome, localUfrag, remoteUfrag, false, 0, null);
    }
}
