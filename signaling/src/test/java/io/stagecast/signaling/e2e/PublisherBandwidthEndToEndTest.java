package io.stagecast.signaling.e2e;

import io.stagecast.signaling.StagecastServer;
import io.stagecast.signaling.testutil.JsonWebSocketClient;
import io.stagecast.signaling.token.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A Chromium publisher's send-side bandwidth estimate must ramp on an unconstrained loopback link:
 * it reads only the node's transport-cc feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01),
 * so without that feedback it collapses to tens of kbit/s and every viewer gets 320x180. These tests
 * read what the browser itself reports (getStats), not what the node thinks it sent.
 */
class PublisherBandwidthEndToEndTest {
    /** The bar: what the same browser reaches peer to peer on this machine. */
    private static final double MIN_ESTIMATE_BPS = 1_200_000;
    private static final int MIN_WIDTH = 960;
    /**
     * The viewer's floor. The issue suggests ~800 kbit/s, but Chromium's fake camera (a flat test
     * pattern) encodes to only ~700-750 kbit/s at 1280x720 even with a 2.5 Mbit/s target, so the
     * absolute bar is 500 kbit/s and the real check is relative: the viewer gets at least 80 % of
     * what the publisher sends on the stream it is forwarded (before the fix: 30 kbit/s at 320 px).
     */
    private static final double MIN_VIEWER_BPS = 500_000;
    private static final double MIN_VIEWER_SHARE = 0.8;
    private static final long RAMP_MS = 30_000;

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
    void whipPublisherRampsTo720pAndItsViewerReceivesIt() throws Exception {
        String room = "bwe-single";
        try (JsonWebSocketClient host = startedSession(room); Chromium publisher = new Chromium();
             Chromium viewer = new Chromium()) {
            publish(publisher, room, false);
            Map<String, Object> sent = awaitPublisher(publisher, false);
            System.out.println("bwe: publisher " + sent);

            watch(viewer, room);
            Map<String, Object> seen = awaitViewer(viewer, publisher);
            System.out.println("bwe: viewer " + seen);
        }
    }

    @Test
    void simulcastPublisherSendsAllThreeLayersAndTheViewerGetsTheTopOne() throws Exception {
        String room = "bwe-simulcast";
        try (JsonWebSocketClient host = startedSession(room); Chromium publisher = new Chromium();
             Chromium viewer = new Chromium()) {
            publish(publisher, room, true);
            Map<String, Object> sent = awaitPublisher(publisher, true);
            System.out.println("bwe: simulcast publisher " + sent);

            watch(viewer, room);
            Map<String, Object> seen = awaitViewer(viewer, publisher);
            System.out.println("bwe: simulcast viewer " + seen);
        }
    }

    private static JsonWebSocketClient startedSession(String room) throws Exception {
        JsonWebSocketClient host = JsonWebSocketClient.connect(server.baseUrl());
        assertTrue(host.request("join", "room", room, "token", TestServer.token(server, room, "Host", Role.MODERATOR, false))
                .path("ok").asBoolean());
        assertTrue(host.request("session.start").path("ok").asBoolean(), "the host starts the session");
        return host;
    }

    private static void publish(Chromium publisher, String room, boolean simulcast) {
        publisher.open(server.baseUrl() + "/room/" + room);
        Map<String, Object> published = publisher.asyncResult(WHIP_PUBLISH_720P, server.baseUrl() + "/whip/" + room,
                TestServer.token(server, room, "Encoder", Role.SPEAKER, false), simulcast);
        assertEquals(null, published.get("error"), "WHIP publish failed: " + published);
    }

    private static void watch(Chromium viewer, String room) {
        viewer.open(server.baseUrl() + "/room/" + room);
        Map<String, Object> watched = viewer.asyncResult(ClientScripts.WHEP_VIEW, server.baseUrl() + "/whep/" + room,
                TestServer.token(server, room, "Player", Role.ATTENDEE, false));
        assertEquals(null, watched.get("error"), "WHEP view failed: " + watched);
    }

    /**
     * Polls the publisher's getStats once a second until its estimate and what it sends meet the
     * bar: availableOutgoingBitrate of the selected pair, and for each outbound video stream (one,
     * or one per rid) bytes rising, frames per second above 0, and the top one at least 960 wide.
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> awaitPublisher(Chromium publisher, boolean simulcast) throws InterruptedException {
        long deadline = System.nanoTime() + RAMP_MS * 1_000_000L;
        Map<String, Object> previous = null;
        Map<String, Object> stats = Map.of();
        while (System.nanoTime() < deadline) {
            Thread.sleep(1_000);
            stats = publisher.asyncResult(PUBLISHER_STATS);
            if (stats.containsKey("error")) {
                fail("publisher stats: " + stats);
            }
            if (previous != null && meetsBar(previous, stats, simulcast)) {
                return stats;
            }
            previous = stats;
        }
        fail("within " + RAMP_MS / 1000 + " s the publisher did not reach an estimate of >= " + MIN_ESTIMATE_BPS / 1e6
                + " Mbit/s with " + (simulcast ? "all three layers flowing and the top one" : "frames")
                + " >= " + MIN_WIDTH + " px wide; last stats " + stats + "\nconsole:\n" + publisher.consoleLog());
        return stats;
    }

    @SuppressWarnings("unchecked")
    private static boolean meetsBar(Map<String, Object> before, Map<String, Object> now, boolean simulcast) {
        double estimate = number(now.get("availableOutgoingBitrate"));
        List<Map<String, Object>> streams = (List<Map<String, Object>>) now.get("video");
        List<Map<String, Object>> earlier = (List<Map<String, Object>>) before.get("video");
        if (estimate < MIN_ESTIMATE_BPS || streams == null || earlier == null || streams.size() != (simulcast ? 3 : 1)) {
            return false;
        }
        double widest = 0;
        for (Map<String, Object> stream : streams) {
            Map<String, Object> then = earlier.stream().filter(s -> String.valueOf(s.get("rid")).equals(String.valueOf(stream.get("rid"))))
                    .findFirst().orElse(null);
            if (then == null || number(stream.get("bytesSent")) <= number(then.get("bytesSent"))
                    || number(stream.get("framesPerSecond")) <= 0) {
                return false;
            }
            widest = Math.max(widest, number(stream.get("frameWidth")));
        }
        return widest >= MIN_WIDTH;
    }

    /**
     * The viewer's video, measured over 2 s: at least 960 px wide, above {@link #MIN_VIEWER_BPS}
     * and at least {@link #MIN_VIEWER_SHARE} of what the publisher sent meanwhile on its widest
     * stream (the one the node forwards).
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> awaitViewer(Chromium viewer, Chromium publisher) throws InterruptedException {
        long deadline = System.nanoTime() + RAMP_MS * 1_000_000L;
        Map<String, Object> previous = null;
        Map<String, Object> previousSent = null;
        Map<String, Object> stats = Map.of();
        String last = "nothing measured";
        while (System.nanoTime() < deadline) {
            Thread.sleep(2_000);
            stats = viewer.asyncResult(VIEWER_STATS);
            Map<String, Object> sent = publisher.asyncResult(PUBLISHER_STATS);
            if (previous != null && previousSent != null) {
                double seconds = (number(stats.get("timestamp")) - number(previous.get("timestamp"))) / 1000;
                double bps = (number(stats.get("bytesReceived")) - number(previous.get("bytesReceived"))) * 8 / seconds;
                double width = number(stats.get("frameWidth"));
                double sentBps = (widestBytes(sent) - widestBytes(previousSent)) * 8 / seconds;
                last = String.format("%.0f kbit/s at %.0f px wide, publisher's widest stream %.0f kbit/s", bps / 1000, width,
                        sentBps / 1000);
                if (bps > MIN_VIEWER_BPS && bps >= MIN_VIEWER_SHARE * sentBps && width >= MIN_WIDTH
                        && number(stats.get("framesDecoded")) > number(previous.get("framesDecoded"))) {
                    Map<String, Object> result = new java.util.HashMap<>(stats);
                    result.put("measured", last);
                    return result;
                }
            }
            previous = stats;
            previousSent = sent;
        }
        fail("within " + RAMP_MS / 1000 + " s the viewer did not receive >= " + MIN_WIDTH + " px frames at > "
                + MIN_VIEWER_BPS / 1000 + " kbit/s and >= " + MIN_VIEWER_SHARE * 100 + " % of the forwarded stream; last: "
                + last + ", " + stats + "\nconsole:\n" + viewer.consoleLog());
        return stats;
    }

    @SuppressWarnings("unchecked")
    private static double widestBytes(Map<String, Object> publisherStats) {
        List<Map<String, Object>> streams = (List<Map<String, Object>>) publisherStats.get("video");
        Map<String, Object> widest = null;
        for (Map<String, Object> stream : streams == null ? List.<Map<String, Object>>of() : streams) {
            if (widest == null || number(stream.get("frameWidth")) > number(widest.get("frameWidth"))) {
                widest = stream;
            }
        }
        return widest == null ? 0 : number(widest.get("bytesSent"));
    }

    private static double number(Object value) {
        return value instanceof Number n ? n.doubleValue() : 0;
    }

    /**
     * WHIP with the fake camera at 1280x720; with simulcast, three layers (rids q, h, f listed low
     * to high as Chromium's app would, at 1/4, 1/2 and full size).
     */
    static final String WHIP_PUBLISH_720P = "const [url, token, simulcast, done] = arguments;"
            + "(async () => {"
            + "  const stream = await navigator.mediaDevices.getUserMedia({audio: true, video: {width: 1280, height: 720}});"
            + "  const pc = new RTCPeerConnection({bundlePolicy: 'max-bundle'});"
            + "  pc.addTransceiver(stream.getAudioTracks()[0], {direction: 'sendonly', streams: [stream]});"
            + "  const video = {direction: 'sendonly', streams: [stream]};"
            + "  if (simulcast) video.sendEncodings = [{rid: 'q', scaleResolutionDownBy: 4}, {rid: 'h', scaleResolutionDownBy: 2}, {rid: 'f'}];"
            + "  pc.addTransceiver(stream.getVideoTracks()[0], video);"
            + "  await pc.setLocalDescription(await pc.createOffer());"
            + "  const r = await fetch(url, {method: 'POST', headers: {'Content-Type': 'application/sdp', 'Authorization': 'Bearer ' + token}, body: pc.localDescription.sdp});"
            + "  const body = await r.text();"
            + "  if (r.status !== 201) throw new Error('WHIP ' + r.status + ' ' + body);"
            + "  await pc.setRemoteDescription({type: 'answer', sdp: body});"
            + "  window.whip = {pc};"
            + "  done({location: r.headers.get('Location')});"
            + "})().catch(e => done({error: String(e)}));";

    static final String PUBLISHER_STATS = "const done = arguments[arguments.length - 1];"
            + "window.whip.pc.getStats().then(report => {"
            + "  const out = {video: [], availableOutgoingBitrate: 0};"
            + "  let pairId = null;"
            + "  report.forEach(s => { if (s.type === 'transport' && s.selectedCandidatePairId) pairId = s.selectedCandidatePairId; });"
            + "  report.forEach(s => {"
            + "    if (s.type === 'candidate-pair' && (s.id === pairId || (!pairId && s.nominated)) && s.availableOutgoingBitrate)"
            + "      out.availableOutgoingBitrate = s.availableOutgoingBitrate;"
            + "    if (s.type === 'outbound-rtp' && s.kind === 'video')"
            + "      out.video.push({rid: s.rid || null, bytesSent: s.bytesSent || 0, framesPerSecond: s.framesPerSecond || 0,"
            + "        frameWidth: s.frameWidth || 0, frameHeight: s.frameHeight || 0, targetBitrate: s.targetBitrate || 0,"
            + "        qualityLimitationReason: s.qualityLimitationReason || null, active: s.active});"
            + "  });"
            + "  out.video.sort((a, b) => String(a.rid).localeCompare(String(b.rid)));"
            + "  done(out); }, e => done({error: String(e)}));";

    static final String VIEWER_STATS = "const done = arguments[arguments.length - 1];"
            + "window.whep.pc.getStats().then(report => {"
            + "  const out = {bytesReceived: 0, frameWidth: 0, framesDecoded: 0, timestamp: performance.now()};"
            + "  report.forEach(s => { if (s.type === 'inbound-rtp' && s.kind === 'video') {"
            + "    out.bytesReceived += s.bytesReceived || 0; out.framesDecoded += s.framesDecoded || 0;"
            + "    out.frameWidth = Math.max(out.frameWidth, s.frameWidth || 0); out.framesPerSecond = s.framesPerSecond || 0; } });"
            + "  done(out); }, e => done({error: String(e)}));";
}
