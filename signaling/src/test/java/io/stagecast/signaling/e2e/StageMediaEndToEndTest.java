package io.stagecast.signaling.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecast.sfu.client.SyntheticPeer;
import io.stagecast.sfu.dtls.DtlsRole;
import io.stagecast.sfu.metrics.DropReason;
import io.stagecast.signaling.StagecastServer;
import io.stagecast.signaling.sdp.MediaDescription;
import io.stagecast.signaling.sdp.SessionDescription;
import io.stagecast.signaling.testutil.JsonWebSocketClient;
import io.stagecast.signaling.token.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Real Chromium publishes camera and microphone to the stage; real Chromium viewers decode it. */
class StageMediaEndToEndTest {
    private static StagecastServer server;

    @BeforeAll
    static void startServer() throws Exception {
        assumeTrue(Chromium.available() || System.getenv("CI") != null, "Chromium not installed");
        server = TestServer.start(Map.of());
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void everyViewerDecodesThePublishersVideoAndReceivesItsAudio() throws Exception {
        String room = "e2e-stage";
        List<Chromium> browsers = new ArrayList<>();
        try {
            Chromium publisher = new Chromium();
            browsers.add(publisher);
            publisher.open(TestServer.roomUrl(server, room, TestServer.token(server, room, "Presenter", Role.MODERATOR, false), "autopublish=1&autostart=1"));
            List<Chromium> viewers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                viewers.add(new Chromium());
            }
            browsers.addAll(viewers);
            long start = System.nanoTime();
            for (int i = 0; i < viewers.size(); i++) {
                viewers.get(i).open(TestServer.roomUrl(server, room, TestServer.token(server, room, "Viewer " + i, Role.ATTENDEE, false), "autojoin=1"));
            }
            for (Chromium viewer : viewers) {
                long firstFrameMs = awaitMediaFlowing(viewer, start);
                System.out.println("e2e: viewer's first decoded frame " + firstFrameMs + " ms after the viewers started to load the page");
            }
            viewers.get(0).screenshot("viewer-watching-stage");
            publisher.screenshot("publisher-on-stage");
        } finally {
            for (Chromium b : browsers) {
                b.close();
            }
        }
    }

    @Test
    void simulcastPublisherReachesViewersThroughItsBestLayer() throws Exception {
        String room = "e2e-simulcast";
        try (Chromium publisher = new Chromium(); Chromium viewer = new Chromium()) {
            publisher.open(TestServer.roomUrl(server, room, TestServer.token(server, room, "S", Role.MODERATOR, false),
                    "autopublish=1&autostart=1&simulcast=1"));
            viewer.open(TestServer.roomUrl(server, room, TestServer.token(server, room, "V", Role.ATTENDEE, false), "autojoin=1"));
            awaitMediaFlowing(viewer, System.nanoTime());
            Object width = viewer.script("const v = document.querySelector('.tile video'); return v ? v.videoWidth : 0;");
            assertTrue(((Number) width).intValue() > 0, "the stage tile shows video of width " + width);
        }
    }

    @Test
    void aModeratorsForcedCameraOffStopsForwardingInTheMediaPlane() throws Exception {
        String room = "e2e-force-off";
        try (JsonWebSocketClient moderator = JsonWebSocketClient.connect(server.baseUrl());
             Chromium speaker = new Chromium(); Chromium viewer = new Chromium()) {
            assertTrue(moderator.request("join", "room", room, "token", TestServer.token(server, room, "Host", Role.MODERATOR, false))
                    .path("ok").asBoolean());
            assertTrue(moderator.request("session.start").path("ok").asBoolean());
            String speakerToken = server.tokens().mint(new io.stagecast.signaling.token.JoinGrant(room, "speaker-1", "Speaker",
                    Role.SPEAKER, false, java.time.Instant.now().plusSeconds(3600), null, false));
            speaker.open(TestServer.roomUrl(server, room, speakerToken, "autopublish=1"));
            viewer.open(TestServer.roomUrl(server, room, TestServer.token(server, room, "V", Role.ATTENDEE, false), "autojoin=1"));
            awaitMediaFlowing(viewer, System.nanoTime());

            double mutedBefore = server.media().metrics().drops(DropReason.MUTED);
            JsonNode forced = moderator.request("media.forceOff", "participantId", "speaker-1", "kind", "camera");
            assertTrue(forced.path("ok").asBoolean(), forced.toString());
            awaitCondition(() -> server.media().metrics().drops(DropReason.MUTED) > mutedBefore + 20, 5_000,
                    "the speaker's video is dropped by the media plane");
            Thread.sleep(1_000); // frames already in flight drain
            long frames = ((Number) viewer.inboundStats("window.stagecast.sub").get("framesDecoded")).longValue();
            Thread.sleep(1_500);
            long later = ((Number) viewer.inboundStats("window.stagecast.sub").get("framesDecoded")).longValue();
            assertEquals(frames, later, "no video frame reaches the viewer while the camera is forced off");
        }
    }

    @Test
    void aSharedScreenBecomesTheViewersContentTile() throws Exception {
        String room = "e2e-screen";
        try (Chromium presenter = new Chromium(); Chromium viewer = new Chromium()) {
            presenter.open(TestServer.roomUrl(server, room, TestServer.token(server, room, "Presenter", Role.MODERATOR, false),
                    "autopublish=1&autostart=1"));
            viewer.open(TestServer.roomUrl(server, room, TestServer.token(server, room, "V", Role.ATTENDEE, false), "autojoin=1"));
            awaitMediaFlowing(viewer, System.nanoTime());
            presenter.driver().findElement(org.openqa.selenium.By.id("screen-toggle")).click();
            awaitCondition(() -> server.rooms().get(room).stageTracks().stream()
                    .anyMatch(t -> t.kind() == io.stagecast.signaling.stage.TrackKind.SCREEN), 10_000, "the screen is on stage");
            awaitCondition(() -> ((Number) viewer.script(
                    "const v = document.querySelector('.tile[data-kind=\"screen\"] video'); return v ? v.videoWidth : 0;"))
                    .intValue() > 0, 15_000, "the viewer shows the shared screen in a content tile");
            viewer.screenshot("viewer-screen-share");
        }
    }

    @Test
    void whipPublisherIsWatchedThroughWhepAndDeleteEndsIt() throws Exception {
        String room = "e2e-whip";
        String publishToken = TestServer.token(server, room, "WHIP encoder", Role.SPEAKER, false);
        String watchToken = TestServer.token(server, room, "WHEP player", Role.ATTENDEE, false);
        try (Chromium publisher = new Chromium(); Chromium viewer = new Chromium();
             JsonWebSocketClient moderator = JsonWebSocketClient.connect(server.baseUrl())) {
            assertTrue(moderator.request("join", "room", room, "token", TestServer.token(server, room, "Host", Role.MODERATOR, false))
                    .path("ok").asBoolean());
            assertTrue(moderator.request("session.start").path("ok").asBoolean(), "the host starts the session");
            publisher.open(server.baseUrl() + "/room/" + room);
            viewer.open(server.baseUrl() + "/room/" + room);
            Map<String, Object> published = publisher.asyncResult(WHIP_PUBLISH, server.baseUrl() + "/whip/" + room, publishToken);
            assertEquals(null, published.get("error"), "WHIP publish failed");
            String whipResource = (String) published.get("location");
            assertTrue(whipResource.startsWith("/whip/" + room + "/"), "Location " + whipResource);
            Map<String, Object> watched = viewer.asyncResult(ClientScripts.WHEP_VIEW, server.baseUrl() + "/whep/" + room, watchToken);
            assertEquals(null, watched.get("error"), "WHEP view failed");
            awaitStats(viewer, "window.whep.pc", System.nanoTime());
            viewer.screenshot("whep-viewer");

            int before = server.media().transportCount();
            Map<String, Object> deleted = publisher.asyncResult(WHIP_DELETE, server.baseUrl() + whipResource, publishToken);
            assertEquals(200L, ((Number) deleted.get("status")).longValue());
            awaitCondition(() -> server.media().transportCount() == before - 1, 5_000,
                    "the WHIP transport is closed at once by DELETE");
            assertTrue(server.rooms().get(room).stageTracks().isEmpty(), "nothing is on stage after DELETE");
        }
    }

    @Test
    void viewerWhoClosesTheTabCostsNothingAtOnce() throws Exception {
        String room = "e2e-leave";
        try (Chromium publisher = new Chromium()) {
            publisher.open(TestServer.roomUrl(server, room, TestServer.token(server, room, "P", Role.MODERATOR, false), "autopublish=1&autostart=1"));
            int withPublisherOnly;
            try (Chromium viewer = new Chromium()) {
                awaitCondition(() -> server.rooms().get(room) != null && !server.rooms().get(room).stageTracks().isEmpty(),
                        10_000, "publisher on stage");
                withPublisherOnly = server.media().transportCount();
                viewer.open(TestServer.roomUrl(server, room, TestServer.token(server, room, "V", Role.ATTENDEE, false), "autojoin=1"));
                awaitMediaFlowing(viewer, System.nanoTime());
                assertTrue(server.media().transportCount() > withPublisherOnly, "the viewer has a transport");
            }
            // The browser is gone: its WebSocket closed, so its transport must be gone at once.
            awaitCondition(() -> server.media().transportCount() == withPublisherOnly, 3_000,
                    "viewer's transport closed when its WebSocket closed");
            assertEquals(1, server.rooms().get(room).size(), "only the publisher is left in the room");
        }
    }

    @Test
    void viewOnlyParticipantIsRefusedWhenItTriesToPublish() throws Exception {
        String room = "e2e-viewonly";
        try (Chromium viewer = new Chromium()) {
            viewer.open(TestServer.roomUrl(server, room, TestServer.token(server, room, "Watcher", Role.SPEAKER, true), "autojoin=1"));
            awaitCondition(() -> server.rooms().get(room) != null && server.rooms().get(room).size() == 1, 10_000, "joined");
            Map<String, Object> result = viewer.asyncResult(
                    "const done = arguments[arguments.length - 1];"
                            + "window.stagecast.publish().then(() => done({}), e => done({code: e.code || null, error: String(e)}));");
            assertEquals("forbidden", result.get("code"), "publish must be refused: " + result);
            assertTrue(server.rooms().get(room).stageTracks().isEmpty(), "nothing reached the stage");
        }
    }

    @Test
    void rtpFromAViewOnlyTransportIsDroppedAndReachesNoViewer() throws Exception {
        String room = "e2e-forged-rtp";
        try (Chromium publisher = new Chromium(); Chromium viewer = new Chromium();
             JsonWebSocketClient intruder = JsonWebSocketClient.connect(server.baseUrl());
             SyntheticPeer peer = new SyntheticPeer(DtlsRole.CLIENT)) {
            publisher.open(TestServer.roomUrl(server, room, TestServer.token(server, room, "P", Role.MODERATOR, false), "autopublish=1&autostart=1"));
            viewer.open(TestServer.roomUrl(server, room, TestServer.token(server, room, "V", Role.ATTENDEE, false), "autojoin=1"));
            awaitMediaFlowing(viewer, System.nanoTime());

            JsonNode joined = intruder.request("join", "room", room,
                    "token", TestServer.token(server, room, "Intruder", Role.SPEAKER, true));
            assertFalse(joined.path("data").path("mayPublish").asBoolean(), joined.toString());
            JsonNode refused = intruder.request("publish", "sdp", "v=0");
            assertEquals("forbidden", refused.path("error").path("code").asText(), "signaling refuses to publish");

            // It answers the stage offer with a browser-like endpoint of its own, then sends RTP anyway.
            JsonNode offer = intruder.awaitEvent("subscriberOffer", 10_000);
            SessionDescription sdp = SessionDescription.parse(offer.path("sdp").asText());
            MediaDescription first = sdp.getMedia().get(0);
            String serverFingerprint = first.getFingerprint().algorithm() + " " + first.getFingerprint().value();
            String serverUfrag = first.getIceUfrag();
            String serverPwd = first.getIcePwd();
            int serverPort = first.getCandidates().get(0).port(); // the port of the loop that owns this transport
            JsonNode answered = intruder.request("answer", "sdp", io.stagecast.signaling.testutil.WebViewer.answer(sdp, peer),
                    "revision", offer.path("revision").asLong());
            assertTrue(answered.path("ok").asBoolean(), answered.toString());
            peer.connect(new InetSocketAddress("127.0.0.1", serverPort), serverUfrag, serverPwd, serverFingerprint)
                    .get(10, TimeUnit.SECONDS);

            double droppedBefore = server.media().metrics().drops(DropReason.NOT_ALLOWED);
            Map<String, Object> viewerBefore = viewer.inboundStats("window.stagecast.sub");
            byte[] payload = new byte[800];
            for (int seq = 0; seq < 200; seq++) {
                peer.sendRtp(0x1234567, 96, seq, seq * 3000L, true, payload);
            }
            awaitCondition(() -> server.media().metrics().drops(DropReason.NOT_ALLOWED) >= droppedBefore + 200, 5_000,
                    "all 200 forged packets counted as not_allowed drops");
            assertEquals(2, server.rooms().get(room).stageTracks().size(), "only the publisher's two tracks are on stage");
            Map<String, Object> viewerAfter = viewer.inboundStats("window.stagecast.sub");
            assertEquals(viewerBefore.get("tracks"), viewerAfter.get("tracks"), "the viewer got no new stream");
            assertEquals(2L, ((Number) viewerAfter.get("tracks")).longValue(), "the viewer receives the publisher only");
        }
    }

    static final String WHIP_PUBLISH = "const [url, token, done] = arguments;"
            + "(async () => {"
            + "  const stream = await navigator.mediaDevices.getUserMedia({audio: true, video: {width: 640, height: 360}});"
            + "  const pc = new RTCPeerConnection({bundlePolicy: 'max-bundle'});"
            + "  for (const t of stream.getTracks()) pc.addTransceiver(t, {direction: 'sendonly', streams: [stream]});"
            + "  await pc.setLocalDescription(await pc.createOffer());"
            + "  const r = await fetch(url, {method: 'POST', headers: {'Content-Type': 'application/sdp', 'Authorization': 'Bearer ' + token}, body: pc.localDescription.sdp});"
            + "  const body = await r.text();"
            + "  if (r.status !== 201) throw new Error('WHIP ' + r.status + ' ' + body);"
            + "  await pc.setRemoteDescription({type: 'answer', sdp: body});"
            + "  window.whip = {pc};"
            + "  done({location: r.headers.get('Location')});"
            + "})().catch(e => done({error: String(e)}));";

    static final String WHIP_DELETE = "const [url, token, done] = arguments;"
            + "fetch(url, {method: 'DELETE', headers: {'Authorization': 'Bearer ' + token}})"
            + "  .then(r => { window.whip.pc.close(); done({status: r.status}); }, e => done({error: String(e)}));";

    static void awaitCondition(java.util.function.BooleanSupplier condition, long timeoutMs, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(100);
        }
        fail("timed out waiting for: " + what);
    }

    /** framesDecoded and audio packetsReceived must both rise, within 15 s of the viewers joining. */
    /** @return milliseconds from {@code startNanos} until the first decoded frame was seen */
    static long awaitMediaFlowing(Chromium viewer, long startNanos) throws InterruptedException {
        return awaitStats(viewer, "window.stagecast.sub", startNanos);
    }

    static long awaitStats(Chromium viewer, String peerConnection, long startNanos) throws InterruptedException {
        long deadline = startNanos + 15_000_000_000L;
        long firstFrames = -1;
        long firstAudio = -1;
        long firstFrameMs = -1;
        Map<String, Object> stats = Map.of();
        while (System.nanoTime() < deadline) {
            try {
                stats = viewer.inboundStats(peerConnection);
            } catch (RuntimeException e) {
                fail("cannot read stats: " + e.getMessage() + "\nconsole:\n" + viewer.consoleLog() + "\npage:\n"
                        + viewer.driver().getCurrentUrl() + "\n" + viewer.driver().getPageSource());
            }
            long frames = ((Number) stats.getOrDefault("framesDecoded", 0)).longValue();
            long audio = ((Number) stats.getOrDefault("audioPacketsReceived", 0)).longValue();
            if (frames > 0 && firstFrameMs < 0) {
                firstFrameMs = (System.nanoTime() - startNanos) / 1_000_000;
            }
            if (frames > 0 && audio > 0) {
                if (firstFrames < 0) {
                    firstFrames = frames;
                    firstAudio = audio;
                } else if (frames > firstFrames && audio > firstAudio) {
                    return firstFrameMs;
                }
            }
            Thread.sleep(100);
        }
        fail("media did not flow to the viewer within 15 s; last stats " + stats + "\nconsole:\n" + viewer.consoleLog());
        return -1;
    }
}
