package io.stagecast.signaling.media;

import io.stagecast.sfu.router.MediaKind;
import io.stagecast.signaling.sdp.Direction;
import io.stagecast.signaling.sdp.MediaDescription;
import io.stagecast.signaling.sdp.SessionDescription;
import io.stagecast.signaling.sdp.Setup;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Offers made with {@code bundle-policy=max-bundle} by GStreamer 1.22's webrtcbin and Firefox ESR
 * 153: every m-section after the first has port 0 and {@code a=bundle-only} (RFC 8843 6). They are
 * accepted like any other, and every m-section of our answers stays well-formed for webrtcbin,
 * which refuses an answer any of whose m-sections lacks ice-ufrag, ice-pwd, setup or fingerprint.
 */
class BundleOnlyNegotiationTest {
    private static final TransportDescription LOCAL = new TransportDescription("ufrg", "passwordpasswordpassword",
            "sha-256 AB:CD:EF", List.of("1 1 udp 2130706431 127.0.0.1 10000 typ host"));

    @Test
    void gstreamerBundleOnlyAudioIsReceivedAlongsideItsVideo() throws Exception {
        SessionDescription offer = NegotiationTest.captured("gstreamer-whip-offer.sdp");
        assertEquals(0, offer.getMedia().get(1).getPort(), "the capture has the bundle-only audio at port 0");
        assertTrue(offer.getMedia().get(1).isBundleOnly());

        PublishNegotiation.Result result = PublishNegotiation.answer(offer, LOCAL);
        SessionDescription answer = SessionDescription.parse(result.answer().write());

        assertEquals(List.of("video0", "audio1"), answer.findBundleGroup().orElseThrow().mids());
        MediaDescription audio = answer.getMedia().get(1);
        assertEquals(9, audio.getPort(), "accepted, not m=audio 0");
        assertEquals(Direction.RECVONLY, audio.getDirection());
        assertFalse(audio.isBundleOnly(), "an answer never carries bundle-only (RFC 8843 7.3.1)");
        assertEquals("OPUS", audio.getCodecs().get(0).getName());
        assertEquals(List.of(MediaKind.VIDEO, MediaKind.AUDIO), result.tracks().stream().map(t -> t.spec().kind()).toList());
        long audioSsrc = offer.getMedia().get(1).getSsrcs().get(0);
        assertEquals((int) audioSsrc, result.tracks().get(1).spec().streams().get(0).ssrc(),
                "webrtcbin sends no mid extension: its a=ssrc is how the audio is recognised");
        assertEveryMediaSectionIsWellFormedForWebrtcbin(answer);
    }

    @Test
    void firefoxMaxBundleVideoIsReceivedNotAnsweredWithPortZero() throws Exception {
        SessionDescription offer = NegotiationTest.captured("firefox-max-bundle-offer.sdp");
        assertTrue(offer.getMedia().get(1).isBundleOnly());

        PublishNegotiation.Result result = PublishNegotiation.answer(offer, LOCAL);
        SessionDescription answer = SessionDescription.parse(result.answer().write());

        MediaDescription video = answer.getMedia().get(1);
        assertEquals(9, video.getPort(), "Firefox's camera is accepted: the moderator on stage is seen");
        assertEquals("VP8", video.getCodecs().get(0).getName());
        assertEquals(List.of("0", "1"), answer.findBundleGroup().orElseThrow().mids());
        assertEquals(2, result.tracks().size());
        assertEveryMediaSectionIsWellFormedForWebrtcbin(answer);
    }

    @Test
    void firefoxSimulcastBundleOnlyVideoKeepsItsLayers() throws Exception {
        PublishNegotiation.Result result = PublishNegotiation.answer(NegotiationTest.captured("firefox-simulcast-offer.sdp"), LOCAL);
        SessionDescription answer = SessionDescription.parse(result.answer().write());
        MediaDescription video = answer.getMedia().get(1);
        assertEquals(9, video.getPort());
        assertEquals(3, video.getSimulcast().recvRids().size(), "three rids received");
        var spec = result.tracks().stream().filter(t -> t.spec().kind() == MediaKind.VIDEO).findFirst().orElseThrow().spec();
        assertEquals(3, spec.streams().size());
    }

    @Test
    void firefoxWhepViewerGetsVideoOnItsBundleOnlySection() throws Exception {
        WhepNegotiation.Result result = WhepNegotiation.answer(NegotiationTest.captured("firefox-recvonly-offer.sdp"), LOCAL);
        SessionDescription answer = SessionDescription.parse(result.answer().write());
        assertEquals(List.of(MediaKind.AUDIO, MediaKind.VIDEO), result.slots().stream().map(WhepNegotiation.Slot::kind).toList());
        assertEquals(9, answer.getMedia().get(1).getPort());
        assertEquals(Direction.SENDONLY, answer.getMedia().get(1).getDirection());
        assertEveryMediaSectionIsWellFormedForWebrtcbin(answer);
    }

    @Test
    void rejectedSectionsKeepTheTransportAttributes() throws Exception {
        // A data channel next to the media: rejected (port 0, outside BUNDLE) but still complete.
        String sdp = NegotiationTest.captured("gstreamer-whip-offer.sdp").write()
                + "m=application 0 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\na=bundle-only\r\na=mid:data2\r\n"
                + "a=sctp-port:5000\r\n";
        SessionDescription offer = SessionDescription.parse(sdp.replace("a=group:BUNDLE video0 audio1", "a=group:BUNDLE video0 audio1 data2"));
        SessionDescription answer = SessionDescription.parse(PublishNegotiation.answer(offer, LOCAL).answer().write());

        MediaDescription data = answer.getMedia().get(2);
        assertEquals(0, data.getPort(), "we take no data channel");
        assertEquals(List.of("video0", "audio1"), answer.findBundleGroup().orElseThrow().mids(), "a rejected section leaves BUNDLE");
        assertFalse(answer.isInUse(data));
        assertEveryMediaSectionIsWellFormedForWebrtcbin(answer);
    }

    @Test
    void portZeroOutsideTheBundleGroupIsStillARejection() throws Exception {
        SessionDescription offer = NegotiationTest.captured("gstreamer-whip-offer.sdp");
        offer.getGroups().clear();
        offer.getGroups().add(new io.stagecast.signaling.sdp.Group("BUNDLE", List.of("video0")));
        SessionDescription answer = PublishNegotiation.answer(offer, LOCAL).answer();
        assertEquals(0, answer.getMedia().get(1).getPort(), "bundle-only without a BUNDLE group to join has no transport");
    }

    @Test
    void aFirefoxAnswerThatBundlesWithPortZeroIsAccepted() throws Exception {
        // RFC 8843 7.3: an answerer may give the non-first bundled sections port 0; in BUNDLE, they are accepted.
        SessionDescription answer = NegotiationTest.captured("chromium-subscriber-answer.sdp");
        MediaDescription second = answer.getMedia().get(1);
        second.setPort(0);
        assertTrue(answer.isInUse(second));
        answer.getGroups().clear();
        assertFalse(answer.isInUse(second), "outside BUNDLE, port 0 rejects");
    }

    /** What webrtcbin 1.22's validate_sdp and _check_sdp_crypto require of every m-section. */
    static void assertEveryMediaSectionIsWellFormedForWebrtcbin(SessionDescription sdp) {
        for (MediaDescription m : sdp.getMedia()) {
            String which = "m-section " + m.getMid();
            assertNotNull(m.getMid(), which + " has a mid");
            assertNotNull(sdp.iceUfragOf(m), which + " has ice-ufrag");
            assertNotNull(sdp.icePwdOf(m), which + " has ice-pwd");
            assertNotNull(m.getSetup(), which + " has a=setup at media level");
            assertTrue(m.getSetup() == Setup.ACTIVE || m.getSetup() == Setup.PASSIVE || m.getSetup() == Setup.ACTPASS, which);
            assertNotNull(m.getFingerprint(), which + " has a=fingerprint");
            assertEquals(sdp.getMedia().get(0).getFingerprint(), m.getFingerprint(), which + ": one fingerprint for all");
        }
    }
}
