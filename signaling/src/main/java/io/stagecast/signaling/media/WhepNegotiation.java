package io.stagecast.signaling.media;

import io.stagecast.sfu.dtls.DtlsRole;
import io.stagecast.sfu.router.ConsumerSpec;
import io.stagecast.sfu.router.MediaKind;
import io.stagecast.sfu.transport.RemoteDtlsParameters;
import io.stagecast.signaling.SignalingException;
import io.stagecast.signaling.sdp.Codec;
import io.stagecast.signaling.sdp.Direction;
import io.stagecast.signaling.sdp.Group;
import io.stagecast.signaling.sdp.HeaderExtension;
import io.stagecast.signaling.sdp.MediaDescription;
import io.stagecast.signaling.sdp.SessionDescription;
import io.stagecast.signaling.sdp.Setup;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Answers a WHEP viewer's receive-only offer: the viewer chose the m-sections, so each one becomes
 * a fixed slot with our SSRCs and the viewer's numbering, which stage tracks are bound to as they
 * come and go.
 */
public final class WhepNegotiation {

    /** One m-section of the viewer: a codec, our SSRCs, and the consumer spec that goes with it. */
    public record Slot(String mid, MediaKind kind, String codecName, ConsumerSpec spec) {
    }

    public record Result(SessionDescription answer, List<Slot> slots, RemoteDtlsParameters remoteDtls) {
    }

    private WhepNegotiation() {
    }

    public static Result answer(SessionDescription offer, TransportDescription local) throws SignalingException {
        if (offer.getMedia().isEmpty()) {
            throw SignalingException.badRequest("the offer has no media sections");
        }
        PublishNegotiation.requireMids(offer);
        RemoteDtlsParameters remoteDtls = PublishNegotiation.remoteDtls(offer, offer.getMedia().get(0));
        SessionDescription answer = SdpSkeleton.session(1);
        List<Slot> slots = new ArrayList<>();
        List<String> bundled = new ArrayList<>();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        Setup setup = remoteDtls.ourRole() == DtlsRole.CLIENT ? Setup.ACTIVE : Setup.PASSIVE;
        for (MediaDescription m : offer.getMedia()) {
            Direction direction = m.getDirection();
            boolean receiving = direction == Direction.RECVONLY || direction == Direction.SENDRECV;
            boolean media = m.getKind().equals("audio") || m.getKind().equals("video");
            // A bundle-only m-section (Firefox's video with max-bundle) is in use: RFC 8843 6.
            Codec codec = media && receiving && offer.isInUse(m) ? choose(MediaKind.of(m.getKind()), m) : null;
            if (codec == null) {
                answer.getMedia().add(SdpSkeleton.rejected(m, local, setup));
                continue;
            }
            MediaKind kind = MediaKind.of(m.getKind());
            MediaDescription out = SdpSkeleton.section(m.getKind(), m.getMid(), local, setup);
            out.setDirection(Direction.SENDONLY);
            Codec answered = new Codec(codec.getPayloadType(), codec.getName(), codec.getClockRate(), codec.getChannels());
            answered.setFmtp(codec.getFmtp());
            answered.getRtcpFeedback().addAll(codec.getRtcpFeedback());
            out.getCodecs().add(answered);
            out.getFormats().add(String.valueOf(codec.getPayloadType()));
            Optional<Codec> rtx = kind == MediaKind.VIDEO ? m.findRtxFor(codec.getPayloadType()) : Optional.empty();
            rtx.ifPresent(r -> {
                out.getCodecs().add(Codec.rtx(r.getPayloadType(), r.getClockRate(), codec.getPayloadType()));
                out.getFormats().add(String.valueOf(r.getPayloadType()));
            });
            Map<String, Integer> extensions = new HashMap<>();
            for (HeaderExtension ext : m.getExtensions()) {
                if (SupportedCodecs.SUBSCRIBE_EXTENSIONS.containsKey(ext.uri()) && SupportedCodecs.appliesTo(ext.uri(), kind)) {
                    out.getExtensions().add(new HeaderExtension(ext.id(), ext.uri()));
                    extensions.put(ext.uri(), ext.id());
                }
            }
            int ssrc = random.nextInt() | 1;
            int rtxSsrc = rtx.isPresent() ? random.nextInt() | 1 : 0;
            String trackId = "stage-" + m.getKind() + "-" + m.getMid();
            SdpSkeleton.sendStreams(out, "stagecast", trackId, ssrc, rtxSsrc);
            answer.getMedia().add(out);
            bundled.add(m.getMid());
            slots.add(new Slot(m.getMid(), kind, codec.getName(), new ConsumerSpec(ssrc, rtxSsrc,
                    codec.getPayloadType(), rtx.map(Codec::getPayloadType).orElse(-1), extensions)));
        }
        if (slots.isEmpty()) {
            throw SignalingException.badRequest("the offer receives no audio or video we can send");
        }
        answer.getGroups().add(new Group("BUNDLE", bundled));
        return new Result(answer, slots, remoteDtls);
    }

    private static Codec choose(MediaKind kind, MediaDescription m) {
        if (kind == MediaKind.AUDIO) {
            return m.findCodec("opus").orElse(null);
        }
        for (String name : SupportedCodecs.VIDEO_PREFERENCE) {
            Optional<Codec> codec = m.findCodec(name);
            if (codec.isPresent()) {
                return codec.get();
            }
        }
        return null;
    }
}
