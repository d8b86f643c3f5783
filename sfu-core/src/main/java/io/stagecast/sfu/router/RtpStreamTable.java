package io.stagecast.sfu.router;

import io.stagecast.sfu.rtp.RtpPacket;
import org.agrona.collections.Int2ObjectHashMap;

import java.util.ArrayList;
import java.util.List;

/**
 * Which producer stream a received RTP packet belongs to, for one publisher transport: by SSRC,
 * else learnt from the mid and rid header extensions the first packet of a stream carries
 * (RFC 8852; Chromium's simulcast offers carry no a=ssrc for video). Event loop only; a lookup
 * by a known SSRC allocates nothing.
 */
final class RtpStreamTable {
    private final Int2ObjectHashMap<ProducerStream> bySsrc = new Int2ObjectHashMap<>();
    /** Streams whose SSRC is not known yet, in the order they were added. */
    private final List<ProducerStream> unbound = new ArrayList<>();

    /** A stream the peer publishes; SSRC 0 means "learn it from mid/rid". */
    void add(ProducerStream stream) {
        if (stream.ssrc() != 0) {
            bySsrc.put(stream.ssrc(), stream);
        } else {
            unbound.add(stream);
        }
    }

    void remove(ProducerStream stream) {
        if (bySsrc.get(stream.ssrc()) == stream) {
            bySsrc.remove(stream.ssrc());
        }
        unbound.remove(stream);
    }

    /** The stream of a known SSRC only (RTCP: a sender report names its SSRC). */
    ProducerStream bySsrc(int ssrc) {
        return bySsrc.get(ssrc);
    }

    /** The stream {@code rtp} belongs to, binding an unbound one it announces; null when none. */
    ProducerStream find(RtpPacket rtp) {
        ProducerStream stream = bySsrc.get(rtp.ssrc());
        if (stream != null || unbound.isEmpty()) {
            return stream;
        }
        for (int i = 0; i < unbound.size(); i++) {
            ProducerStream candidate = unbound.get(i);
            if (candidate.matches(rtp)) {
                unbound.remove(i);
                candidate.bindSsrc(rtp.ssrc());
                bySsrc.put(rtp.ssrc(), candidate);
                return candidate;
            }
        }
        return null;
    }

    void clear() {
        bySsrc.clear();
        unbound.clear();
    }
}
