package io.stagecast.signaling.sdp;

import java.nio.charset.StandardCharsets;

/**
 * Fuzz target: any text a client sends as SDP (offers over WebSocket, WHIP and WHEP bodies) parses
 * or is refused with {@link SdpParseException}; what parses survives a round trip: written again,
 * it parses to an equal description. Anything else (another exception, a written SDP that does not
 * parse, a changed value) is a bug.
 */
public final class SdpFuzzTarget {
    private SdpFuzzTarget() {
    }

    public static void fuzzerTestOneInput(byte[] data) {
        String sdp = new String(data, StandardCharsets.UTF_8);
        SessionDescription parsed;
        try {
            parsed = SessionDescription.parse(sdp);
        } catch (SdpParseException refused) {
            return;
        }
        String written = parsed.write();
        SessionDescription again;
        try {
            again = SessionDescription.parse(written);
        } catch (SdpParseException e) {
            throw new IllegalStateException("the SDP we wrote does not parse: " + e.getMessage() + "\n" + written, e);
        }
        if (!parsed.equals(again)) {
            throw new IllegalStateException("the round trip changed the description:\n" + written);
        }
    }
}
