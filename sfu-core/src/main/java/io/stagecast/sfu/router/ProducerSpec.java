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
}
