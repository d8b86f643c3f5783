package io.stagecast.signaling.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.api.Test;

class SdpRoundTripTest {

    static final List<String> ALL = CapturedSdp.ALL;

    @ParameterizedTest
    @FieldSource("ALL")
    void parsingWhatWasWrittenGivesTheSameDescription(String name) throws Exception {
        SessionDescription parsed = CapturedSdp.parse(name);

        String written = parsed.write();

        assertEquals(parsed, SessionDescription.parse(written));
        assertEquals(written, SessionDescription.parse(written).write(), "writing is stable");
    }

    @ParameterizedTest
    @FieldSource("ALL")
    void writtenDescriptionUsesCrlfOnly(String name) throws Exception {
        String written = CapturedSdp.parse(name).write();

        assertTrue(written.endsWith("\r\n"));
        assertFalse(written.replace("\r\n", "").contains("\n"));
        assertFalse(written.replace("\r\n", "").contains("\r"));
    }

    @ParameterizedTest
    @FieldSource("ALL")
    void everyInputLineSurvivesTheRoundTrip(String name) throws Exception {
        // Nothing is lost: the written SDP has the same multiset of lines, give or take spacing.
        String original = CapturedSdp.read(name);
        List<String> before = sortedLines(original);
        List<String> after = sortedLines(SessionDescription.parse(original).write());

        assertEquals(before, after);
    }

    @Test
    void lfOnlyInputParsesLikeCrlf() throws Exception {
        String crlf = CapturedSdp.read(CapturedSdp.PUBLISH_OFFER);

        assertEquals(SessionDescription.parse(crlf), SessionDescription.parse(crlf.replace("\r\n", "\n")));
    }

    @Test
    void chromiumOfferIsWrittenBackVerbatimApartFromCandidatePosition() throws Exception {
        String original = CapturedSdp.read(CapturedSdp.SIMULCAST_OFFER);
        String withoutCandidates = withoutCandidateLines(original);

        assertEquals(withoutCandidates, withoutCandidateLines(SessionDescription.parse(original).write()));
    }

    @Test
    void sfuOfferIsWrittenBackVerbatim() throws Exception {
        // Our own hand-written offer already follows the writer's order, so the text is identical.
        String original = CapturedSdp.read(CapturedSdp.SFU_OFFER);

        assertEquals(original, SessionDescription.parse(original).write());
    }

    @Test
    void firefoxSessionLevelFingerprintAppliesToEverySection() throws Exception {
        SessionDescription sdp = CapturedSdp.parse(CapturedSdp.FIREFOX_OFFER);

        assertEquals("sha-256", sdp.getFingerprint().algorithm());
        for (MediaDescription m : sdp.getMedia()) {
            assertEquals(null, m.getFingerprint());
            assertEquals(sdp.getFingerprint(), sdp.fingerprintOf(m));
            assertEquals(Setup.ACTPASS, sdp.setupOf(m));
            assertEquals("8e1f2a3b", sdp.iceUfragOf(m));
        }
        assertEquals(List.of("trickle"), sdp.getIceOptions());
        assertEquals(List.of("*"), sdp.getMsidSemantic().ids());
    }

    @Test
    void firefoxFmtpBeforeRtpmapIsTiedToItsCodec() throws Exception {
        SessionDescription sdp = CapturedSdp.parse(CapturedSdp.FIREFOX_OFFER);
        MediaDescription audio = sdp.getMedia().get(0);
        MediaDescription video = sdp.getMedia().get(1);

        assertEquals("1", audio.findCodec("opus").orElseThrow().getFmtpParameters().get("stereo"));
        assertEquals(1, audio.findCodec("G722").orElseThrow().getChannels());
        assertEquals(124, video.findRtxFor(120).orElseThrow().getPayloadType());
        assertEquals(5, video.findCodec("VP8").orElseThrow().getRtcpFeedback().size());
        assertEquals(new HeaderExtension(2, Direction.RECVONLY, "urn:ietf:params:rtp-hdrext:csrc-audio-level", null),
                audio.getExtensions().get(1));
        assertTrue(video.getOtherAttributes().contains(new Attribute("rtcp-fb", "* ccm tmmbr")),
                "wildcard feedback is kept verbatim");
    }

    @Test
    void firefoxSimulcastKeepsPausedMarkerAndRidRestrictions() throws Exception {
        MediaDescription video = CapturedSdp.parse(CapturedSdp.FIREFOX_OFFER).getMedia().get(1);

        assertEquals(List.of(List.of(new Simulcast.Stream("a", false)), List.of(new Simulcast.Stream("b", true))),
                video.getSimulcast().send());
        assertEquals("640", video.getRids().get(1).params().get("max-width"));
        assertTrue(video.getRids().get(0).payloadTypes().isEmpty());
        assertTrue(video.getSimulcast().sdpValue().equals("send a;~b"));
        Candidate srflx = video.getCandidates().get(1);
        assertEquals("srflx", srflx.type());
        assertEquals(61234, srflx.port());
        assertTrue(video.isEndOfCandidates());
    }

    @Test
    void dataChannelSectionKeepsItsAttributes() throws Exception {
        MediaDescription app = CapturedSdp.parse(CapturedSdp.FIREFOX_OFFER).getMedia().get(2);

        assertEquals("application", app.getKind());
        assertFalse(app.isRtp());
        assertEquals(List.of("webrtc-datachannel"), app.getFormats());
        assertEquals(List.of(new Attribute("sctp-port", "5000"), new Attribute("max-message-size", "1073741823")),
                app.getOtherAttributes());
    }

    @Test
    void simulcastWithAlternativesAndBothDirectionsRoundTrips() throws Exception {
        String sdp = minimalVideo("a=rid:1 recv pt=96,97;max-width=1280\r\na=rid:2 recv\r\na=rid:3 recv\r\n"
                + "a=simulcast:recv 1,~2;3 send 4\r\na=rid:4 send\r\n");

        MediaDescription video = SessionDescription.parse(sdp).getMedia().get(0);

        assertEquals(List.of(96, 97), video.getRids().get(0).payloadTypes());
        assertEquals(List.of(new Simulcast.Stream("1", false), new Simulcast.Stream("2", true)),
                video.getSimulcast().recv().get(0));
        assertEquals(List.of("1", "3"), video.getSimulcast().recvRids());
        assertEquals(List.of("4"), video.getSimulcast().sendRids());
        assertEquals(SessionDescription.parse(sdp), SessionDescription.parse(SessionDescription.parse(sdp).write()));
    }

    @Test
    void builtDescriptionIsWrittenInBrowserOrder() throws Exception {
        SessionDescription sdp = new SessionDescription();
        sdp.setOriginSessionId("42");
        sdp.setIceLite(true);
        sdp.getGroups().add(new Group("BUNDLE", List.of("0")));
        MediaDescription video = new MediaDescription("video", 9, "UDP/TLS/RTP/SAVPF");
        video.getFormats().addAll(List.of("96", "97"));
        video.setConnection(Connection.ip4("0.0.0.0"));
        video.setIceUfrag("uf");
        video.setIcePwd("pw");
        video.setFingerprint(new Fingerprint("sha-256", "AA:BB"));
        video.setSetup(Setup.PASSIVE);
        video.setMid("0");
        video.getExtensions().add(new HeaderExtension(4, "urn:ietf:params:rtp-hdrext:sdes:mid"));
        video.setDirection(Direction.SENDONLY);
        video.getMsids().add(new Msid("s", "t"));
        video.setRtcpMux(true);
        Codec vp8 = new Codec(96, "VP8", 90000, 0);
        vp8.getRtcpFeedback().add(RtcpFeedback.of("nack", "pli"));
        video.getCodecs().add(vp8);
        video.getCodecs().add(Codec.rtx(97, 90000, 96));
        video.getSsrcGroups().add(new SsrcGroup(SsrcGroup.FID, List.of(1L, 2L)));
        video.getSsrcAttributes().add(new SsrcAttribute(1, "cname", "c"));
        video.getCandidates().add(Candidate.of("1", 1, "udp", 2130706431L, "127.0.0.1", 40000, "host"));
        video.setEndOfCandidates(true);
        sdp.getMedia().add(video);

        String expected = String.join("\r\n", "v=0", "o=- 42 0 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=ice-lite",
                "a=group:BUNDLE 0", "m=video 9 UDP/TLS/RTP/SAVPF 96 97", "c=IN IP4 0.0.0.0", "a=ice-ufrag:uf",
                "a=ice-pwd:pw", "a=fingerprint:sha-256 AA:BB", "a=setup:passive", "a=mid:0",
                "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid", "a=sendonly", "a=msid:s t", "a=rtcp-mux",
                "a=rtpmap:96 VP8/90000", "a=rtcp-fb:96 nack pli", "a=rtpmap:97 rtx/90000", "a=fmtp:97 apt=96",
                "a=ssrc-group:FID 1 2", "a=ssrc:1 cname:c",
                "a=candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host", "a=end-of-candidates", "");
        assertEquals(expected, sdp.write());
        assertEquals(sdp, SessionDescription.parse(sdp.write()));
    }

    static String minimalVideo(String attributes) {
        return "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96 97\r\n"
                + "a=mid:0\r\na=rtpmap:96 VP8/90000\r\na=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\n" + attributes;
    }

    private static List<String> sortedLines(String sdp) {
        List<String> lines = new ArrayList<>();
        for (String line : sdp.split("\r?\n")) {
            if (!line.isEmpty()) {
                // Tolerate normalised spacing (e.g. "msid-semantic: WMS" vs "msid-semantic:WMS").
                lines.add(line.replace(": ", ":"));
            }
        }
        // ice-options lines of one level are merged into one when written.
        String[] sorted = lines.toArray(new String[0]);
        Arrays.sort(sorted);
        return List.of(sorted);
    }

    private static String withoutCandidateLines(String sdp) {
        return String.join("\n", Arrays.stream(sdp.split("\r\n")).filter(l -> !l.startsWith("a=candidate:")).toList());
    }
}
