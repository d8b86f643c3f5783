package io.stagecast.signaling.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The typed fields the SFU relies on, read from SDP captured from Chromium 156 (see resources/sdp/README.md). */
class ChromiumSdpTest {

    private static final String AUDIO_LEVEL = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
    private static final String ABS_SEND_TIME = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
    private static final String TWCC = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
    private static final String MID = "urn:ietf:params:rtp-hdrext:sdes:mid";
    private static final String RID = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";
    private static final String REPAIRED_RID = "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id";
    private static final String DEPENDENCY_DESCRIPTOR =
            "https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension";

    @Test
    void publishOfferHasBundleAndSessionAttributes() throws Exception {
        SessionDescription sdp = CapturedSdp.parse(CapturedSdp.PUBLISH_OFFER);

        assertEquals(List.of("0", "1"), sdp.findBundleGroup().orElseThrow().mids());
        assertTrue(sdp.isExtmapAllowMixed());
        assertFalse(sdp.isIceLite());
        assertEquals("WMS", sdp.getMsidSemantic().semantic());
        assertEquals("-", sdp.getOriginUsername());
        assertEquals(2, sdp.getOriginSessionVersion());
        assertEquals(2, sdp.getMedia().size());
    }

    @Test
    void publishOfferAudioSectionIsTyped() throws Exception {
        MediaDescription audio = CapturedSdp.parse(CapturedSdp.PUBLISH_OFFER).getMedia().get(0);

        assertEquals("audio", audio.getKind());
        assertEquals("UDP/TLS/RTP/SAVPF", audio.getProtocol());
        assertEquals("0", audio.getMid());
        assertEquals(Direction.SENDONLY, audio.getDirection());
        assertEquals(Setup.ACTPASS, audio.getSetup());
        assertEquals("sha-256", audio.getFingerprint().algorithm());
        assertEquals(95, audio.getFingerprint().value().length());
        assertTrue(audio.isRtcpMux());
        assertEquals(List.of("trickle"), audio.getIceOptions());
        assertEquals(List.of(111, 63, 9, 0, 8, 13, 110, 126), audio.getPayloadTypes());

        Codec opus = audio.findCodec("opus").orElseThrow();
        assertEquals(111, opus.getPayloadType());
        assertEquals(48000, opus.getClockRate());
        assertEquals(2, opus.getChannels());
        assertEquals(Map.of("minptime", "10", "useinbandfec", "1"), opus.getFmtpParameters());
        assertEquals(List.of(RtcpFeedback.of("transport-cc")), opus.getRtcpFeedback());
        Codec red = audio.findCodec(63).orElseThrow();
        assertEquals("red", red.getName());
        assertEquals("111/111", red.getFmtp());

        assertEquals(1, audio.findExtension(AUDIO_LEVEL).orElseThrow().id());
        assertEquals(2, audio.findExtension(ABS_SEND_TIME).orElseThrow().id());
        assertEquals(3, audio.findExtension(TWCC).orElseThrow().id());
        assertEquals(4, audio.findExtension(MID).orElseThrow().id());

        assertEquals(1, audio.getSsrcs().size());
        long ssrc = audio.getSsrcs().get(0);
        assertTrue(audio.findSsrcAttribute(ssrc, "cname").isPresent());
        Msid msid = audio.getMsid();
        assertEquals(msid.streamId() + " " + msid.trackId(), audio.findSsrcAttribute(ssrc, "msid").orElseThrow());
        assertEquals(sdpMsidStream(CapturedSdp.PUBLISH_OFFER), msid.streamId());
    }

    @Test
    void publishOfferVideoSectionHasRtxMappingAndFidGroup() throws Exception {
        MediaDescription video = CapturedSdp.parse(CapturedSdp.PUBLISH_OFFER).getMedia().get(1);

        assertEquals("video", video.getKind());
        assertEquals("1", video.getMid());
        assertEquals(Direction.SENDONLY, video.getDirection());
        assertTrue(video.isRtcpRsize());

        Codec vp8 = video.findCodec("VP8").orElseThrow();
        assertEquals(96, vp8.getPayloadType());
        assertEquals(90000, vp8.getClockRate());
        assertEquals(0, vp8.getChannels());
        assertEquals(List.of(RtcpFeedback.of("goog-remb"), RtcpFeedback.of("transport-cc"),
                RtcpFeedback.of("ccm", "fir"), RtcpFeedback.of("nack"), RtcpFeedback.of("nack", "pli")),
                vp8.getRtcpFeedback());
        assertTrue(vp8.hasRtcpFeedback("nack", "pli"));
        assertEquals(97, video.findRtxFor(96).orElseThrow().getPayloadType());
        assertEquals(96, video.findCodec(97).orElseThrow().getAssociatedPayloadType().getAsInt());
        assertEquals(99, video.findRtxFor(98).orElseThrow().getPayloadType());
        assertEquals(103, video.findRtxFor(102).orElseThrow().getPayloadType());
        assertEquals(119, video.findRtxFor(118).orElseThrow().getPayloadType());
        assertTrue(video.findRtxFor(120).isEmpty(), "ulpfec has no rtx");
        assertEquals(6, video.findCodecs("H264").size());
        assertEquals("42e01f", video.findCodec(108).orElseThrow().getFmtpParameters().get("profile-level-id"));

        assertEquals(14, video.findExtension("urn:ietf:params:rtp-hdrext:toffset").orElseThrow().id());
        assertEquals(3, video.findExtension(TWCC).orElseThrow().id());
        assertEquals(4, video.findExtension(MID).orElseThrow().id());
        assertEquals(10, video.findExtension(RID).orElseThrow().id());
        assertEquals(11, video.findExtension(REPAIRED_RID).orElseThrow().id());

        assertEquals(1, video.getSsrcGroups().size());
        SsrcGroup fid = video.getSsrcGroups().get(0);
        assertEquals(SsrcGroup.FID, fid.semantics());
        assertEquals(fid.ssrcs(), video.getSsrcs());
        assertEquals(fid.ssrcs().get(1), video.findRtxSsrc(fid.ssrcs().get(0)).getAsLong());
        assertTrue(video.getRids().isEmpty());
        assertNull(video.getSimulcast());
    }

    @Test
    void publishOfferCandidatesAreTyped() throws Exception {
        MediaDescription audio = CapturedSdp.parse(CapturedSdp.PUBLISH_OFFER).getMedia().get(0);

        Candidate loopback = audio.getCandidates().stream()
                .filter(c -> c.address().equals("127.0.0.1") && c.transport().equals("udp"))
                .findFirst().orElseThrow();
        assertEquals(1, loopback.component());
        assertEquals("host", loopback.type());
        assertEquals(audio.getPort(), loopback.port());
        assertTrue(loopback.priority() > 0);
        assertTrue(loopback.raw().startsWith(loopback.foundation() + " 1 udp "));
        assertTrue(audio.getCandidates().stream().anyMatch(c -> c.transport().equals("tcp") && c.port() == 9),
                "Chromium offers tcp active candidates on port 9");
    }

    @Test
    void simulcastOfferHasRidsAndNoVideoSsrcs() throws Exception {
        SessionDescription sdp = CapturedSdp.parse(CapturedSdp.SIMULCAST_OFFER);
        MediaDescription audio = sdp.getMedia().get(0);
        MediaDescription video = sdp.getMedia().get(1);

        assertEquals(1, audio.getSsrcs().size());
        assertEquals(Direction.SENDONLY, video.getDirection());
        assertEquals(List.of(new Rid("q", Rid.Direction.SEND), new Rid("h", Rid.Direction.SEND),
                new Rid("f", Rid.Direction.SEND)), video.getRids());
        assertEquals(List.of("q", "h", "f"), video.getSimulcast().sendRids());
        assertTrue(video.getSimulcast().recv().isEmpty());
        assertTrue(video.getSsrcAttributes().isEmpty());
        assertTrue(video.getSsrcGroups().isEmpty());
        assertEquals(10, video.findExtension(RID).orElseThrow().id());
        assertEquals(11, video.findExtension(REPAIRED_RID).orElseThrow().id());
        assertEquals(12, video.findExtension(DEPENDENCY_DESCRIPTOR).orElseThrow().id());
        assertEquals(97, video.findRtxFor(96).orElseThrow().getPayloadType());
    }

    @Test
    void recvonlyOfferHasNoSsrcsAndNoMsid() throws Exception {
        SessionDescription sdp = CapturedSdp.parse(CapturedSdp.RECVONLY_OFFER);

        assertTrue(sdp.getMsidSemantic().ids().isEmpty());
        for (MediaDescription m : sdp.getMedia()) {
            assertEquals(Direction.RECVONLY, m.getDirection());
            assertTrue(m.getSsrcAttributes().isEmpty());
            assertNull(m.getMsid());
            assertFalse(m.getCandidates().isEmpty());
        }
        MediaDescription video = sdp.getMedia().get(1);
        assertEquals(96, video.findCodec("VP8").orElseThrow().getPayloadType());
        assertEquals(45, video.findCodec("AV1").orElseThrow().getPayloadType());
        assertEquals(1, video.getOtherAttributes().stream().filter(a -> a.name().equals("rtcp-xr")).count());
    }

    @Test
    void answerToSfuOfferAcceptsOpusAndVp8WithRtx() throws Exception {
        SessionDescription offer = CapturedSdp.parse(CapturedSdp.SFU_OFFER);
        SessionDescription answer = CapturedSdp.parse(CapturedSdp.SUBSCRIBER_ANSWER);

        assertTrue(offer.isIceLite());
        assertFalse(answer.isIceLite());
        assertEquals(List.of("0", "1"), answer.findBundleGroup().orElseThrow().mids());
        MediaDescription audio = answer.findMedia("0").orElseThrow();
        MediaDescription video = answer.findMedia("1").orElseThrow();
        assertEquals(Setup.ACTIVE, audio.getSetup(), "Chromium takes the DTLS client role against actpass");
        assertEquals(Direction.RECVONLY, audio.getDirection());
        assertEquals(Direction.RECVONLY, video.getDirection());
        assertEquals(List.of(111), audio.getPayloadTypes());
        assertEquals(List.of(96, 97), video.getPayloadTypes());
        assertEquals(97, video.findRtxFor(96).orElseThrow().getPayloadType());
        assertNotNull(answer.fingerprintOf(video));
        assertEquals(audio.getIceUfrag(), video.getIceUfrag());
        assertEquals(List.of(1, 3, 4), audio.getExtensions().stream().map(HeaderExtension::id).toList());
        assertEquals(List.of(2, 3, 4), video.getExtensions().stream().map(HeaderExtension::id).toList());
        assertTrue(video.getSsrcAttributes().isEmpty(), "a receive-only answer names no SSRCs");

        MediaDescription offeredVideo = offer.findMedia("1").orElseThrow();
        assertEquals(List.of(2001L, 2002L), offeredVideo.getSsrcGroups().get(0).ssrcs());
        assertEquals("stagecast", offeredVideo.findSsrcAttribute(2002, "cname").orElseThrow());
        assertEquals(new Msid("stage-alice", "alice-video"), offeredVideo.getMsid());
        assertTrue(offeredVideo.isEndOfCandidates());
    }

    private static String sdpMsidStream(String name) throws SdpParseException {
        return CapturedSdp.parse(name).getMsidSemantic().ids().get(0);
    }
}
