package io.stagecast.signaling.sdp;

/**
 * A session description (or one of its values) that could not be read. {@link #lineNumber()} is
 * the 1-based line of the SDP at fault, or 0 when the fault is not tied to a line (too large,
 * empty, a value parsed on its own such as a trickled candidate).
 */
public final class SdpParseException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int lineNumber;
    private final String reason;

    public SdpParseException(int lineNumber, String reason) {
        super(lineNumber > 0 ? "SDP line " + lineNumber + ": " + reason : "SDP: " + reason);
        this.lineNumber = lineNumber;
        this.reason = reason;
    }

    /** The 1-based line number at fault, or 0 if the problem is not tied to one line. */
    public int lineNumber() {
        return lineNumber;
    }

    /** The problem without the line prefix. */
    public String reason() {
        return reason;
    }
}
