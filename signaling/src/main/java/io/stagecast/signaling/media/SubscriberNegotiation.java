package io.stagecast.signaling.media;

import io.stagecast.sfu.router.CodecSpec;
import io.stagecast.sfu.router.ConsumerSpec;
import io.stagecast.sfu.router.MediaKind;
import io.stagecast.sfu.transport.RemoteDtlsParameters;
import io.stagecast.signaling.SignalingException;
import io.stagecast.signaling.sdp.Codec;
import io.stagecast.signaling.sdp.Direction;
import io.stagecast.signaling.sdp.Group;
import io.stagecast.signaling.sdp.HeaderExtension;
import io.stagecast.signaling.sdp.MediaDescription;
import io.stagecast.signaling.sdp.RtcpFeedback;
import io.stagecast.signaling.sdp.SessionDescription;
import io.stagecast.signaling.sdp.Setup;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The server's side of a subscriber session: we offer one send-only m-section per stage track
 * (RFC 8829 5.2), the subscriber answers, and its answer tells each consumer what it agreed to.
 */
public final class SubscriberNegotiation {

    private SubscriberNegotiation() {
    }

    /** Our offer for the slots as they are now; inactive slots stay as inactive m-sections. */
    public static SessionDescription offer(long version, TransportDescription local, List<SubscriberSlot> slots) {
        SessionDescription sdp = SdpSkeleton.session(version);
        List<String> mids = new ArrayList<>();
        for (SubscriberSlot slot : slots) {
            MediaDescription m = SdpSkeleton.section(slot.kind().sdpName(), slot.mid(), local, Setup.ACTPASS);
            if (slot.isActive()) {
                CodecSpec codec = slot.producer().spec().codec();
                int[] pts = SupportedCodecs.OFFER_PAYLOAD_TYPES.get(codec.name().toUpperCase());
                addCodec(m, slot.kind(), codec, pts[0], pts[1]);
                for (Map.Entry<String, Integer> ext : SupportedCodecs.SUBSCRIBE_EXTENSIONS.entrySet()) {
                    if (SupportedCodecs.appliesTo(ext.getKey(), slot.kind())) {
                        m.getExtensions().add(new HeaderExtension(ext.getValue(), ext.getKey()));
                    }
                }
                m.getExtensions().sort((a, b) -> Integer.compare(a.id(), b.id()));
                m.setDirection(Direction.SENDONLY);
                boolean rtx = slot.kind() == MediaKind.VIDEO && pts[1] >= 0;
                SdpSkeleton.sendStreams(m, slot.streamId(), slot.trackId(), slot.ssrc(), rtx ? slot.rtxSsrc() : 0);
            } else {
                // A track that left: keep the m-section (mids are never reused) but send nothing.
                Codec placeholder = slot.kind() == MediaKind.AUDIO ? new Codec(111, "opus", 48000, 2)
                        : new Codec(96, "VP8", 90000, 0);
                m.getCodecs().add(placeholder);
                m.getFormats().add(String.valueOf(placeholder.getPayloadType()));
                m.setDirection(Direction.INACTIVE);
            }
            sdp.getMedia().add(m);
            mids.add(slot.mid());
        }
        if (!mids.isEmpty()) {
            sdp.getGroups().add(new Group("BUNDLE", mids));
        }
        return sdp;
    }

    private static void addCodec(MediaDescription m, MediaKind kind, CodecSpec codec, int pt, int rtxPt) {
        Codec c = new Codec(pt, codec.name(), codec.clockRate(), kind == MediaKind.AUDIO ? codec.channels() : 0);
        if (!codec.fmtp().isEmpty()) {
            c.setFmtp(codec.fmtp());
        }
        c.getRtcpFeedback().add(RtcpFeedback.of("transport-cc"));
        if (kind == MediaKind.VIDEO) {
            c.getRtcpFeedback().add(RtcpFeedback.of("nack"));
            c.getRtcpFeedback().add(RtcpFeedback.of("nack", "pli"));
            c.getRtcpFeedback().add(RtcpFeedback.of("ccm", "fir"));
        }
        m.getCodecs().add(c);
        m.getFormats().add(String.valueOf(pt));
        if (kind == MediaKind.VIDEO && rtxPt >= 0) {
            m.getCodecs().add(Codec.rtx(rtxPt, codec.clockRate(), pt));
            m.getFormats().add(String.valueOf(rtxPt));
        }
    }

    /** The DTLS role the subscriber's answer gives us (it answers our actpass). */
    public static RemoteDtlsParameters remoteDtls(SessionDescription answer) throws SignalingException {
        if (answer.getMedia().isEmpty()) {
            throw SignalingException.badRequest("the answer has no media sections");
        }
        return PublishNegotiation.remoteDtls(answer, answer.getMedia().get(0));
    }

    /**
     * What the subscriber accepted for a slot: its consumer's spec, or empty when it rejected
     * the m-section or answered with a codec we did not offer.
     */
    public static Optional<ConsumerSpec> accepted(SessionDescription answer, SubscriberSlot slot) {
        Optional<MediaDescription> found = answer.findMedia(slot.mid());
        if (found.isEmpty() || !slot.isActive()) {
            return Optional.empty();
        }
        MediaDescription m = found.get();
        Direction direction = m.getDirection();
        // Port 0 inside the answer's BUNDLE group is a bundled section, not a refusal (RFC 8843 7.3).
        if (!answer.isInUse(m) || direction == Direction.INACTIVE || direction == Direction.SENDONLY) {
            return Optional.empty();
        }
        CodecSpec codec = slot.producer().spec().codec();
        Optional<Codec> media = m.getCodecs().stream()
                .filter(c -> !c.isRtx() && c.getName().equalsIgnoreCase(codec.name())).findFirst();
        if (media.isEmpty()) {
            return Optional.empty();
        }
        int pt = media.get().getPayloadType();
        Optional<Codec> rtx = m.findRtxFor(pt);
        Map<String, Integer> extensions = new HashMap<>();
        for (HeaderExtension ext : m.getExtensions()) {
            extensions.put(ext.uri(), ext.id());
        }
        boolean withRtx = rtx.isPresent() && slot.kind() == MediaKind.VIDEO;
        return Optional.of(new ConsumerSpec(slot.ssrc(), withRtx ? slot.rtxSsrc() : 0, pt,
                withRtx ? rtx.get().getPayloadType() : -1, extensions));
    }
}
