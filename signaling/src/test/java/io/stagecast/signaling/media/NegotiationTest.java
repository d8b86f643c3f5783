package io.stagecast.signaling.media;

import io.stagecast.sfu.dtls.DtlsRole;
import io.stagecast.sfu.router.ConsumerSpec;
import io.stagecast.sfu.router.MediaKind;
import io.stagecast.sfu.rtp.RtpExtensionUris;
import io.stagecast.signaling.SignalingException;
import io.stagecast.signaling.sdp.Direction;
import io.stagecast.signaling.sdp.MediaDescription;
import io.stagecast.signaling.sdp.SessionDescription;
import io.stagecast.signaling.sdp.Setup;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Our answers and offers, checked against SDP captured from real Chromium 156. */
class NegotiationTest {
    private static final TransportDescription LOCAL = new TransportDescription("ufrg", "passwordpasswordpassword",
            "sha-256 AB:CD:EF", List.of("1 1 udp 2130706431 127.0.0.1 10000 typ host"));

    static SessionDescription captured(String name) throws Exception {
        try (InputStream in = NegotiationTest.class.getResourceAsStream("/sdp/" + name)) {
            return SessionDescription.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void publishAnswerReceivesOpusAndVp8WithTheOffersSsrcs() throws Exception {
        SessionDescription offer = captured("chromium-publish-offer.sdp");
        PublishNegotiation.Result result = PublishNegotiation.answer(offer, LOCAL);
        SessionDescription answer = SessionDescription.parse(result.answer().write());

        assertTrue(answer.isIceLite());
        assertEquals(offer.getMedia().size(), answer.getMedia().size(), "one answer section per offered section");
        assertEquals(List.of("0", "1"), answer.findBundleGroup().orElseThrow().mids());
        MediaDescription audio = answer.getMedia().get(0);
        assertEquals(Direction.RECVONLY, audio.getDirection());
        assertEquals(Setup.PASSIVE, audio.getSetup(), "we answer actpass as DTLS server");
        assertEquals(List.of("opus"), audio.getCodecs().stream().map(c -> c.getName()).toList());
        assertEquals("ufrg", audio.getIceUfrag());
        assertFalse(audio.getCandidates().isEmpty());
        MediaDescription video = answer.getMedia().get(1);
        assertEquals("VP8", video.getCodecs().get(0).getName());
        assertEquals(1, video.getCodecs().size(), "one codec, no RTX from publishers");
        assertTrue(video.findExtension(RtpExtensionUris.TRANSPORT_CC).isPresent());
        assertFalse(video.findExtension("urn:ietf:params:rtp-hdrext:toffset").isPresent(), "unknown extensions refused");

        assertEquals(2, result.tracks().size());
        var videoTrack = result.tracks().get(1).spec();
        assertEquals(MediaKind.VIDEO, videoTrack.kind());
        long offeredPrimary = offer.getMedia().get(1).getSsrcGroups().get(0).ssrcs().get(0);
        assertEquals((int) offeredPrimary, videoTrack.streams().get(0).ssrc(), "the FID group's first SSRC is the media SSRC");
        assertTrue(videoTrack.codec().rtcpFeedback().contains("nack"));
        assertEquals(DtlsRole.SERVER, result.remoteDtls().ourRole());
        assertEquals("sha-256", result.remoteDtls().fingerprintAlgorithm());
    }

    @Test
    void simulcastOfferIsAnsweredWithRecvRidsAndLayersLowToHigh() throws Exception {
        PublishNegotiation.Result result = PublishNegotiation.answer(captured("chromium-simulcast-offer.sdp"), LOCAL);
        SessionDescription answer = SessionDescription.parse(result.answer().write());
        MediaDescription video = answer.getMedia().stream().filter(m -> m.getKind().equals("video")).findFirst().orElseThrow();
        assertEquals(List.of("q", "h", "f"), video.getSimulcast().recvRids());
        var spec = result.tracks().stream().filter(t -> t.spec().kind() == MediaKind.VIDEO).findFirst().orElseThrow().spec();
        assertEquals(List.of("q", "h", "f"), spec.streams().stream().map(s -> s.rid()).toList());
        assertTrue(spec.streams().stream().allMatch(s -> s.ssrc() == 0), "simulcast SSRCs are learnt from rid");
        assertTrue(spec.extensionId(RtpExtensionUris.RID) > 0, "the rid extension is kept");
    }

    /** Found by fuzzing the WHIP path: a section without a=mid ended in a NullPointerException (500). */
    @Test
    void offersWithASectionWithoutMidOrAMidTwiceAreRefusedOnEveryPath() throws Exception {
        String sdp = captured("chromium-publish-offer.sdp").write();
        String noMid = sdp.replaceFirst("a=mid:[^\\r\\n]*\\r\\n", "");
        String twice = sdp.replaceAll("a=mid:[^\\r\\n]*", "a=mid:0");
        for (String bad : List.of(noMid, twice)) {
            SessionDescription offer;
            try {
                offer = SessionDescription.parse(bad);
            } catch (io.stagecast.signaling.sdp.SdpParseException refusedByTheParser) {
                assertTrue(bad == twice, "the offer without a mid parses (the case fuzzing found)");
                continue;
            }
            assertEquals(SignalingException.Code.BAD_REQUEST, assertThrows(SignalingException.class,
                    () -> PublishNegotiation.answer(offer, LOCAL)).code());
            assertEquals(SignalingException.Code.BAD_REQUEST, assertThrows(SignalingException.class,
                    () -> WhepNegotiation.answer(offer, LOCAL)).code());
        }
    }

    /** Found by fuzzing the WHIP path: a=simulcast naming no declared rid left a producer with no stream (500). */
    @Test
    void aSimulcastOfferWhoseRidsAreNotDeclaredIsRefused() throws Exception {
        String sdp = captured("chromium-simulcast-offer.sdp").write().replaceAll("a=rid:[^\\r\\n]*\\r\\n", "");
        SessionDescription offer = SessionDescription.parse(sdp);
        assertEquals(SignalingException.Code.BAD_REQUEST, assertThrows(SignalingException.class,
                () -> PublishNegotiation.answer(offer, LOCAL)).code());
    }

    @Test
    void offerWithoutFingerprintIsRefused() throws Exception {
        String sdp = captured("chromium-publish-offer.sdp").write().replaceAll("a=fingerprint:[^\\r\\n]*\\r\\n", "");
        SignalingException e = assertThrows(SignalingException.class,
                () -> PublishNegotiation.answer(SessionDescription.parse(sdp), LOCAL));
        assertEquals(SignalingException.Code.BAD_REQUEST, e.code());
    }

    @Test
    void chromiumAnswerToOurActpassMakesUsTheDtlsServer() throws Exception {
        SessionDescription chromiumAnswer = captured("chromium-subscriber-answer.sdp");
        assertEquals(DtlsRole.SERVER, SubscriberNegotiation.remoteDtls(chromiumAnswer).ourRole(),
                "Chromium answers our actpass with active");
        String passive = chromiumAnswer.write().replace("a=setup:active", "a=setup:passive");
        assertEquals(DtlsRole.CLIENT, SubscriberNegotiation.remoteDtls(SessionDescription.parse(passive)).ourRole(),
                "a passive answer makes us the DTLS client");
    }

    @Test
    void whepAnswerSendsOneStreamPerOfferedSectionWithOurSsrcs() throws Exception {
        WhepNegotiation.Result result = WhepNegotiation.answer(captured("chromium-recvonly-offer.sdp"), LOCAL);
        SessionDescription answer = SessionDescription.parse(result.answer().write());
        assertEquals(2, result.slots().size());
        for (MediaDescription m : answer.getMedia()) {
            assertEquals(Direction.SENDONLY, m.getDirection());
            assertFalse(m.getSsrcs().isEmpty(), "a=ssrc lets the viewer demultiplex without mid");
        }
        ConsumerSpec video = result.slots().get(1).spec();
        assertEquals("VP8", result.slots().get(1).codecName());
        assertTrue(video.hasRtx(), "the viewer offered RTX, so retransmissions use it");
        assertEquals((int) (long) answer.getMedia().get(1).getSsrcs().get(0), video.ssrc());
    }

    @Test
    void whepOfferThatOnlySendsIsRefused() throws Exception {
        String sdp = captured("chromium-publish-offer.sdp").write();
        SignalingException e = assertThrows(SignalingException.class,
                () -> WhepNegotiation.answer(SessionDescription.parse(sdp), LOCAL));
        assertEquals(SignalingException.Code.BAD_REQUEST, e.code());
    }
}
