package io.stagecast.signaling.media;

import io.stagecast.sfu.dtls.DtlsRole;
import io.stagecast.sfu.router.CodecSpec;
import io.stagecast.sfu.router.MediaKind;
import io.stagecast.sfu.router.ProducerSpec;
import io.stagecast.sfu.router.StreamSpec;
import io.stagecast.sfu.transport.RemoteDtlsParameters;
import io.stagecast.signaling.SignalingException;
import io.stagecast.signaling.sdp.Codec;
import io.stagecast.signaling.sdp.Connection;
import io.stagecast.signaling.sdp.Direction;
import io.stagecast.signaling.sdp.Fingerprint;
import io.stagecast.signaling.sdp.Group;
import io.stagecast.signaling.sdp.HeaderExtension;
import io.stagecast.signaling.sdp.MediaDescription;
import io.stagecast.signaling.sdp.Rid;
import io.stagecast.signaling.sdp.RtcpFeedback;
import io.stagecast.signaling.sdp.SessionDescription;
import io.stagecast.signaling.sdp.Setup;
import io.stagecast.signaling.sdp.Simulcast;
import io.stagecast.signaling.sdp.SsrcGroup;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Answers a publisher's offer (JSEP, RFC 8829 5.3): every audio/video m-section it sends is
 * received with one codec we can forward; everything else is rejected. The result also says what
 * each accepted track is, for the router.
 */
public final class PublishNegotiation {

    /** An accepted m-section: the track it carries. */
    public record Track(String mid, ProducerSpec spec) {
    }

    public record Result(SessionDescription answer, List<Track> tracks, RemoteDtlsParameters remoteDtls) {
    }

    private PublishNegotiation() {
    }

    public static Result answer(SessionDescription offer, TransportDescription local) throws SignalingException {
        if (offer.getMedia().isEmpty()) {
            throw SignalingException.badRequest("the offer has no media sections");
        }
        requireMids(offer);
        RemoteDtlsParameters remoteDtls = remoteDtls(offer, offer.getMedia().get(0));
        SessionDescription answer = SdpSkeleton.session(offer.getOriginSessionVersion());
        List<Track> tracks = new ArrayList<>();
        List<String> bundled = new ArrayList<>();
        for (MediaDescription m : offer.getMedia()) {
            MediaDescription out = answerSection(offer, m, local, remoteDtls.ourRole(), tracks);
            answer.getMedia().add(out);
            if (out.getPort() != 0) {
                bundled.add(out.getMid());
            }
        }
        if (!bundled.isEmpty()) {
            answer.getGroups().add(new Group("BUNDLE", bundled));
        }
        return new Result(answer, tracks, remoteDtls);
    }

    /**
     * Every m-section names its own mid (RFC 8843 7.2: BUNDLE, which we always answer with, needs
     * one per section; tracks and answers are keyed by it). An offer without, or with one twice,
     * is refused: found by fuzzing the WHIP path, where a section without a=mid ended in a 500.
     */
    static void requireMids(SessionDescription offer) throws SignalingException {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (MediaDescription m : offer.getMedia()) {
            String mid = m.getMid();
            if (mid == null || mid.isEmpty()) {
                throw SignalingException.badRequest("every media section needs an a=mid");
            }
            if (!seen.add(mid)) {
                throw SignalingException.badRequest("a=mid:" + mid + " names two media sections");
            }
        }
    }

    /**
     * The peer's DTLS fingerprint and which role we play (RFC 5763 5): the peer's actpass or
     * active makes us the DTLS server, its passive makes us the client. The same holds for an
     * offer we answer and for an answer to our actpass offer.
     */
    static RemoteDtlsParameters remoteDtls(SessionDescription sdp, MediaDescription m)
            throws SignalingException {
        Fingerprint fingerprint = sdp.fingerprintOf(m);
        if (fingerprint == null) {
            throw SignalingException.badRequest("the SDP has no a=fingerprint: DTLS-SRTP is required");
        }
        // RFC 5763 5: a missing a=setup means active, so it makes us the server like active does.
        Setup setup = sdp.setupOf(m) == null ? Setup.ACTIVE : sdp.setupOf(m);
        DtlsRole ours = switch (setup) {
            case PASSIVE -> DtlsRole.CLIENT;
            case ACTIVE, ACTPASS -> DtlsRole.SERVER;
            case HOLDCONN -> throw SignalingException.badRequest("a=setup:holdconn is not supported");
        };
        return new RemoteDtlsParameters(ours, fingerprint.algorithm(), fingerprint.value());
    }

    /**
     * One m-section of the answer. A bundle-only m-section (port 0 in the offer's BUNDLE group,
     * RFC 8843 6) is answered like any other: accepted with port 9 and the full transport, and
     * without a=bundle-only, which an answer never carries (RFC 8843 7.3.1).
     */
    private static MediaDescription answerSection(SessionDescription offer, MediaDescription m, TransportDescription local,
                                                  DtlsRole ourRole, List<Track> tracks) throws SignalingException {
        String kindName = m.getKind();
        boolean media = kindName.equals("audio") || kindName.equals("video");
        Direction offered = m.getDirection();
        boolean sending = offered == Direction.SENDONLY || offered == Direction.SENDRECV;
        Setup setup = ourRole == DtlsRole.CLIENT ? Setup.ACTIVE : Setup.PASSIVE;
        if (!media || !m.isRtp() || !offer.isInUse(m)) {
            return SdpSkeleton.rejected(m, local, setup);
        }
        MediaKind kind = MediaKind.of(kindName);
        Codec codec = chooseCodec(kind, m);
        if (codec == null) {
            return SdpSkeleton.rejected(m, local, setup);
        }
        MediaDescription out = SdpSkeleton.section(kindName, m.getMid(), local, setup);
        out.setDirection(sending ? Direction.RECVONLY : Direction.INACTIVE);
        Codec answered = new Codec(codec.getPayloadType(), codec.getName(), codec.getClockRate(), codec.getChannels());
        answered.setFmtp(codec.getFmtp());
        List<String> feedback = new ArrayList<>();
        for (RtcpFeedback fb : codec.getRtcpFeedback()) {
            String value = fb.subtype() == null ? fb.type() : fb.type() + " " + fb.subtype();
            boolean wanted = switch (value) {
                case "nack", "nack pli", "ccm fir" -> kind == MediaKind.VIDEO;
                case "transport-cc" -> true;
                default -> false;
            };
            if (wanted) {
                answered.getRtcpFeedback().add(fb);
                feedback.add(value);
            }
        }
        out.getCodecs().add(answered);
        out.getFormats().add(String.valueOf(answered.getPayloadType()));
        Map<String, Integer> extensions = new LinkedHashMap<>();
        for (HeaderExtension ext : m.getExtensions()) {
            if (SupportedCodecs.PUBLISH_EXTENSIONS.contains(ext.uri()) && SupportedCodecs.appliesTo(ext.uri(), kind)) {
                out.getExtensions().add(new HeaderExtension(ext.id(), ext.uri()));
                extensions.put(ext.uri(), ext.id());
            }
        }
        List<StreamSpec> streams = streams(m, out);
        if (sending && m.getMid() != null) {
            CodecSpec spec = new CodecSpec(codec.getName(), codec.getPayloadType(), codec.getClockRate(),
                    Math.max(codec.getChannels(), 1), codec.getFmtp(), -1, feedback);
            tracks.add(new Track(m.getMid(), new ProducerSpec(kind, m.getMid(), spec, streams, extensions)));
        }
        return out;
    }

    /** VP8 when offered, else the first codec of the offer we can forward. */
    private static Codec chooseCodec(MediaKind kind, MediaDescription m) {
        if (kind == MediaKind.AUDIO) {
            return m.findCodec("opus").orElse(null);
        }
        Optional<Codec> vp8 = m.findCodec("VP8");
        if (vp8.isPresent()) {
            return vp8.get();
        }
        for (Codec codec : m.getCodecs()) {
            if (!codec.isRtx() && SupportedCodecs.isSupported(kind, codec)) {
                if (codec.getName().equalsIgnoreCase("H264")
                        && !"1".equals(codec.getFmtpParameters().get("packetization-mode"))) {
                    continue; // single-NAL mode only: FU-A is what every decoder expects
                }
                return codec;
            }
        }
        return null;
    }

    /** Simulcast layers (low to high, as listed) from rids, or the primary SSRC of a=ssrc lines. */
    private static List<StreamSpec> streams(MediaDescription m, MediaDescription out) throws SignalingException {
        List<StreamSpec> streams = new ArrayList<>();
        Simulcast simulcast = m.getSimulcast();
        if (simulcast != null && !simulcast.sendRids().isEmpty()) {
            Map<String, Rid> rids = new HashMap<>();
            for (Rid rid : m.getRids()) {
                rids.put(rid.id(), rid);
            }
            List<String> accepted = new ArrayList<>();
            for (String rid : simulcast.sendRids()) {
                if (rids.containsKey(rid)) {
                    accepted.add(rid);
                    streams.add(new StreamSpec(0, rid));
                    out.getRids().add(new Rid(rid, Rid.Direction.RECV));
                }
            }
            if (accepted.isEmpty()) {
                // RFC 8853 5.1: every rid a=simulcast names is declared by an a=rid line. Found by
                // fuzzing the WHIP path: none declared left a producer with no stream (a 500).
                throw SignalingException.badRequest("a=simulcast names no rid declared by an a=rid line");
            }
            List<List<Simulcast.Stream>> recv = new ArrayList<>();
            for (String rid : accepted) {
                recv.add(List.of(new Simulcast.Stream(rid, false)));
            }
            out.setSimulcast(new Simulcast(List.of(), recv));
            return streams;
        }
        long primary = primarySsrc(m);
        streams.add(new StreamSpec((int) primary, null));
        return streams;
    }

    /** The first a=ssrc that is not the second member of an FID (RTX) group. */
    private static long primarySsrc(MediaDescription m) {
        java.util.Set<Long> rtx = new java.util.HashSet<>();
        for (SsrcGroup group : m.getSsrcGroups()) {
            if (SsrcGroup.FID.equals(group.semantics()) && group.ssrcs().size() > 1) {
                rtx.add(group.ssrcs().get(1));
            }
        }
        for (Long ssrc : m.getSsrcs()) {
            if (!rtx.contains(ssrc)) {
                return ssrc;
            }
        }
        return 0; // learnt from the mid extension of the first packet
    }

    static Connection anyAddress() {
        return new Connection("IN", "IP4", "0.0.0.0");
    }
}
