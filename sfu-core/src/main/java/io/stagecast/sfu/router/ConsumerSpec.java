package io.stagecast.sfu.router;

import java.util.Map;

/**
 * How one subscriber receives one producer: our SSRCs and payload types towards it, and the
 * header extension ids it agreed to.
 *
 * @param rtxSsrc         0 when the subscriber did not negotiate RTX
 * @param rtxPayloadType  -1 when the subscriber did not negotiate RTX
 */
public record ConsumerSpec(int ssrc, int rtxSsrc, int payloadType, int rtxPayloadType,
                           Map<String, Integer> headerExtensions) {

    public ConsumerSpec {
        headerExtensions = Map.copyOf(headerExtensions);
    }

    public int extensionId(String uri) {
        return headerExtensions.getOrDefault(uri, 0);
    }

    public boolean hasRtx() {
        return rtxSsrc != 0 && rtxPayloadType >= 0;
    }
}
