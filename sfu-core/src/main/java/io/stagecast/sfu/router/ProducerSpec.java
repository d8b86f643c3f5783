package io.stagecast.sfu.router;

import java.util.List;
import java.util.Map;

/**
 * A track a peer publishes, as negotiated in SDP.
 *
 * @param streams          one stream, or the simulcast layers in SDP order (which says nothing of
 *                         their size: the producer ranks them by what they carry)
 * @param headerExtensions extension URI -> the id the publisher uses (from a=extmap)
 */
public record ProducerSpec(MediaKind kind, String mid, CodecSpec codec, List<StreamSpec> streams,
                           Map<String, Integer> headerExtensions) {

    public ProducerSpec {
        streams = List.copyOf(streams);
        headerExtensions = Map.copyOf(headerExtensions);
        if (streams.isEmpty()) {
            throw new IllegalArgumentException("a producer needs at least one stream");
        }
    }

    public int extensionId(String uri) {
        return headerExtensions.getOrDefault(uri, 0);
    }

    /**
     * This track as a relay carries it to another node, whose producer of it has this spec
     * ({@link RelayConsumer}): the publisher's own description without transport-cc, whose
     * numbers belong to the publisher's transport (several publishers' would collide on one
     * relay) and which the relay does not estimate with.
     */
    public ProducerSpec forRelay() {
        Map<String, Integer> extensions = new java.util.HashMap<>(headerExtensions);
        extensions.remove(io.stagecast.sfu.rtp.RtpExtensionUris.TRANSPORT_CC);
        return new ProducerSpec(kind, mid, codec, streams, extensions);
    }
}
