package io.stagecast.signaling.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecast.signaling.StagecastServer;
import io.stagecast.signaling.relay.RelayWire;
import io.stagecast.signaling.testutil.SyntheticMedia;
import io.stagecast.signaling.testutil.WhepPlayer;
import io.stagecast.signaling.testutil.WhipEncoder;
import io.stagecast.signaling.token.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.time.Duration;

import static io.stagecast.signaling.cluster.ClusterRoutingTest.within;
import static io.stagecast.signaling.cluster.EdgeWhepTest.api;
import static io.stagecast.signaling.cluster.EdgeWhepTest.millisUntil;
import static io.stagecast.signaling.cluster.EdgeWhepTest.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14, item 3: "a publisher connected to an edge sends to its edge, which relays to the
 * origin". A WHIP encoder that POSTs to a node that is not the room's origin ({@code
 * cluster.edge-whip}, on by default) publishes there; the origin's room puts it on stage by its
 * token, its tracks go up once over an uplink relay, and viewers on both nodes hear every packet.
 * The stage's decisions are the origin's: the lobby holds edge viewers as it holds viewers there,
 * a forced mute there silences the encoder for every node, a removal from the stage there stops
 * its media everywhere and ends its session at the edge, its DELETE at the edge takes it off the
 * origin's stage. Two in-process nodes on a
 * redis-server of the test's own, on loopback.
 */
class EdgeWhipTest {
    @RegisterExtension
    static final RedisPerTest redis = new RedisPerTest();

    @Test
    void anEncoderPostingToAnEdgePublishesThereIsOnStageAtTheOriginAndFollowsItsDecisions() throws Exception {
        StagecastServer[] nodes = twoNodes();
        StagecastServer a = nodes[0];
        StagecastServer b = nodes[1];
        // The room starts on a with a viewer there (placement: same load, node-a by id).
        WhepPlayer atA = redis.closeAfter(new WhepPlayer(1));
        assertEquals(201, atA.watch(a.baseUrl(), "keynote", token(a, "keynote", "va", Role.ATTENDEE)).statusCode());

        WhipEncoder encoder = redis.closeAfter(new WhipEncoder(11));
        String speakerToken = token(a, "keynote", "speaker", Role.SPEAKER);
        long asked = System.nanoTime();
        HttpResponse<String> published = encoder.publish(b.baseUrl(), "keynote", speakerToken);
        assertEquals(201, published.statusCode(), "published at the node asked, not sent to the origin: " + published.body());
        long answeredMs = (System.nanoTime() - asked) / 1_000_000;
        String resource = published.headers().firstValue("Location").orElse("");
        assertTrue(resource.startsWith("/whip/keynote/"), resource);
        assertNull(b.rooms().get("keynote"), "b holds no copy of the room");
        assertEquals(1, b.rooms().edges().publisherCount());

        WhepPlayer atB = redis.closeAfter(new WhepPlayer(1));
        assertEquals(201, atB.watch(b.baseUrl(), "keynote", token(a, "keynote", "vb", Role.ATTENDEE)).statusCode());
        // Attendees wait in the lobby until the session starts: no media for them, at either node.
        Thread.sleep(1000);
        assertTrue(encoder.sent() > 30, "the encoder sends");
        assertEquals(0, atA.received(11) + atB.received(11), "the lobby holds at the origin and at the edge");
        long starting = System.nanoTime();
        assertEquals(200, api(a, "keynote", "POST", "/session/start", null).statusCode());
        long heardMs = millisUntil(starting, () -> atA.received(11) > 0 && atB.received(11) > 0);
        System.out.println("edge WHIP: answered at the edge " + answeredMs + " ms after the POST; the session started,"
                + " heard on both nodes " + heardMs + " ms later");

        long sentBefore = encoder.sent();
        long aBefore = atA.received(11);
        long bBefore = atB.received(11);
        Thread.sleep(2000);
        long sent = encoder.sent() - sentBefore;
        long gotA = atA.received(11) - aBefore;
        long gotB = atB.received(11) - bBefore;
        System.out.println("edge WHIP: in 2 s the encoder sent " + sent + ", the origin's viewer got " + gotA
                + ", the edge's viewer " + gotB);
        assertTrue(gotA >= sent * 0.95 && gotA <= sent + 2, "every packet at the origin, once: " + gotA + " of " + sent);
        assertTrue(gotB >= sent * 0.95 && gotB <= sent + 2, "every packet at the edge, once: " + gotB + " of " + sent);

        JsonNode row = participant(a, "keynote", "speaker");
        assertNotNullRow(row);
        assertEquals("whip", row.path("connection").asText(), row.toString());
        assertEquals("stage", row.path("place").asText(), "on stage at the origin: " + row);
        String id = row.path("id").asText();
        // Placement's load: the encoder's media is carried at the edge.
        within(Duration.ofSeconds(4), "load published: viewer at a; encoder and viewer at b", () -> {
            java.util.Map<String, Integer> load = new java.util.HashMap<>();
            for (NodeInfo node : a.cluster().orElseThrow().registry().liveNodes()) {
                load.put(node.id(), node.load().participants());
            }
            return load.equals(java.util.Map.of("node-a", 1, "node-b", 2));
        });

        // Off the stage at the origin: nothing more reaches anyone, and the edge ends the encoder's session.
        long start = System.nanoTime();
        assertEquals(204, api(a, "keynote", "PATCH", "/participants/" + id, "{\"place\": \"viewer\"}").statusCode(),
                "done, and the encoder left (it cannot watch)");
        long endedMs = millisUntil(start, () -> b.rooms().edges().publisherCount() == 0);
        Thread.sleep(300);
        long[] off = {atA.received(11), atB.received(11)};
        Thread.sleep(700);
        System.out.println("edge WHIP: taken off the stage at the origin; its session at the edge ended " + endedMs + " ms later");
        assertTrue(atA.received(11) == off[0] && atB.received(11) == off[1], "nothing of it after the removal");
        assertEquals(404, SyntheticMedia.delete(b.baseUrl(), resource, speakerToken), "its resource at the edge is gone");
        assertNull(participant(a, "keynote", "speaker"), "and it left the origin's room");
    }

    @Test
    void theEncodersDeleteAtTheEdgeTakesItOffTheOriginsStageAndTheRelayEnds() throws Exception {
        StagecastServer[] nodes = twoNodes();
        StagecastServer a = nodes[0];
        StagecastServer b = nodes[1];
        WhepPlayer atA = redis.closeAfter(new WhepPlayer(1));
        assertEquals(201, atA.watch(a.baseUrl(), "panel", token(a, "panel", "va", Role.ATTENDEE)).statusCode());
        assertEquals(200, api(a, "panel", "POST", "/session/start", null).statusCode());

        // A token that may not publish is refused at the edge as at the origin, and leaves nothing behind.
        WhipEncoder refused = redis.closeAfter(new WhipEncoder(12));
        HttpResponse<String> attendee = refused.publish(b.baseUrl(), "panel", token(a, "panel", "att", Role.ATTENDEE));
        assertEquals(403, attendee.statusCode(), attendee.body());
        within(Duration.ofSeconds(3), "no relay kept for it", () -> !b.rooms().edges().serves("panel")
                && a.rooms().originRelays().count("panel") == 0);

        WhipEncoder encoder = redis.closeAfter(new WhipEncoder(13));
        String speakerToken = token(a, "panel", "speaker", Role.SPEAKER);
        HttpResponse<String> published = encoder.publish(b.baseUrl(), "panel", speakerToken);
        assertEquals(201, published.statusCode(), published.body());
        WhepPlayer atB = redis.closeAfter(new WhepPlayer(1));
        HttpResponse<String> bWatch = atB.watch(b.baseUrl(), "panel", token(a, "panel", "vb", Role.ATTENDEE));
        assertEquals(201, bWatch.statusCode(), bWatch.body());
        within(Duration.ofSeconds(5), "heard on both nodes", () -> atA.received(13) > 0 && atB.received(13) > 0);
        String resource = published.headers().firstValue("Location").orElse("");

        // A forced mute at the origin silences it on both nodes (the edge's viewer hears it through the origin).
        String id = participant(a, "panel", "speaker").path("id").asText();
        assertEquals(200, api(a, "panel", "PATCH", "/participants/" + id, "{\"microphoneForcedOff\": true}").statusCode());
        Thread.sleep(300);
        long[] muted = {atA.received(13), atB.received(13)};
        long sentMuted = encoder.sent();
        Thread.sleep(1000);
        assertTrue(encoder.sent() > sentMuted + 30, "the encoder keeps sending");
        assertTrue(atA.received(13) == muted[0] && atB.received(13) == muted[1], "muted on both nodes");

        assertEquals(403, SyntheticMedia.delete(b.baseUrl(), resource, token(a, "panel", "someone", Role.SPEAKER)));
        assertEquals(404, SyntheticMedia.delete(b.baseUrl(), resource.replace("/whip/", "/whep/"), speakerToken),
                "a WHEP URL never ends a WHIP resource");
        long start = System.nanoTime();
        assertEquals(200, SyntheticMedia.delete(b.baseUrl(), resource, speakerToken));
        long goneMs = millisUntil(start, () -> participantOrNull(a, "panel", "speaker") == null);
        System.out.println("edge WHIP: the encoder's DELETE at the edge; gone from the origin's stage " + goneMs + " ms later");
        assertEquals(0, b.rooms().edges().publisherCount());
        assertEquals(1, a.rooms().originRelays().count("panel"), "the relay stays for the viewer at the edge");
        assertEquals(200, SyntheticMedia.delete(b.baseUrl(), bWatch.headers().firstValue("Location").orElse(""), token(a, "panel", "vb", Role.ATTENDEE)));
        within(Duration.ofSeconds(3), "nobody left at the edge: the relay ends at both ends",
                () -> !b.rooms().edges().serves("panel") && a.rooms().originRelays().count("panel") == 0);
    }

    /**
     * A browser-style encoder (simulcast by rid, no a=ssrc) at the edge: the edge binds its SSRCs
     * from the first packets, the uplink carries them as sent (mid and rid extensions included),
     * so the origin binds them the same way, and the SSRCs it learnt come back to the edge.
     */
    @Test
    void aRidSimulcastEncoderAtTheEdgeIsLearntAtTheOriginFromTheRelayedPackets() throws Exception {
        StagecastServer[] nodes = twoNodes();
        StagecastServer a = nodes[0];
        StagecastServer b = nodes[1];
        WhepPlayer atA = redis.closeAfter(new WhepPlayer(1));
        assertEquals(201, atA.watch(a.baseUrl(), "rids", token(a, "rids", "va", Role.ATTENDEE)).statusCode());
        WhipEncoder simulcast = redis.closeAfter(new WhipEncoder(21, true));
        HttpResponse<String> published = simulcast.publish(b.baseUrl(), "rids", token(a, "rids", "sim", Role.MODERATOR));
        assertEquals(201, published.statusCode(), published.body());
        long start = System.nanoTime();
        int q = simulcast.simulcastSsrc(0);
        int f = simulcast.simulcastSsrc(1);
        long learntMs = millisUntil(start, () -> a.rooms().get("rids").stageTracks().stream().anyMatch(t -> {
            io.stagecast.sfu.router.ProducerSpec spec = t.producer().relaySpec();
            return spec.streams().size() == 2 && spec.streams().get(0).ssrc() == q && spec.streams().get(1).ssrc() == f;
        }));
        long backMs = millisUntil(start, () -> b.rooms().edges().relayedSpecs("rids").stream().anyMatch(spec ->
                spec.streams().size() == 2 && spec.streams().get(0).ssrc() == q && spec.streams().get(1).ssrc() == f));
        System.out.println("edge WHIP: a rid-only simulcast encoder at the edge; both SSRCs learnt at the origin " + learntMs
                + " ms after its first packets, described back at the edge " + backMs + " ms after them");
        within(Duration.ofSeconds(3), "its audio at the origin's viewer", () -> atA.received(21) > 10);
    }

    @Test
    void theOriginTakesAnEncoderOnlyFromARegisteredAddressAndWellFormedTracks() throws Exception {
        StagecastServer[] nodes = twoNodes();
        StagecastServer a = nodes[0];
        WhipEncoder host = redis.closeAfter(new WhipEncoder(14));
        assertEquals(201, host.publish(a.baseUrl(), "guarded", token(a, "guarded", "host", Role.MODERATOR)).statusCode());
        // A relay as node-b would open it (its registered host: loopback here).
        io.stagecast.sfu.srtp.SrtpMasterKeys keys = io.stagecast.sfu.srtp.SrtpMasterKeys.random(
                io.stagecast.sfu.srtp.SrtpProfile.AEAD_AES_128_GCM);
        RelayWire.Open near = RelayWire.Open.of("node-b", "127.0.0.1", 9, keys);
        HttpResponse<String> opened = api(a, "guarded", "POST", "/relays", new String(RelayWire.write(near)));
        assertEquals(201, opened.statusCode(), opened.body());
        String relay = RelayWire.JSON.readTree(opened.body()).path("relay").asText();
        String path = "/relays/" + relay + "/publishers";
        String speaker = token(a, "guarded", "speaker", Role.SPEAKER);
        io.stagecast.sfu.router.ProducerSpec audio = new io.stagecast.sfu.router.ProducerSpec(
                io.stagecast.sfu.router.MediaKind.AUDIO, "0",
                new io.stagecast.sfu.router.CodecSpec("opus", 111, 48000, 2, "", -1, java.util.List.of()),
                java.util.List.of(new io.stagecast.sfu.router.StreamSpec(1234, null)), java.util.Map.of());
        java.util.function.Function<RelayWire.Publisher, String> json = p -> new String(RelayWire.write(p));
        RelayWire.Publisher good = new RelayWire.Publisher(speaker, near, java.util.List.of(audio));
        int before = a.rooms().get("guarded").size();

        assertEquals(403, api(a, "guarded", "POST", path, json.apply(new RelayWire.Publisher(speaker,
                RelayWire.Open.of("node-b", "198.51.100.7", 9, keys), java.util.List.of(audio)))).statusCode(),
                "media comes only from an address a node registered");
        assertEquals(404, api(a, "guarded", "POST", "/relays/no-such-relay/publishers", json.apply(good)).statusCode());
        assertEquals(400, api(a, "guarded", "POST", path, json.apply(new RelayWire.Publisher(speaker, near,
                java.util.List.of()))).statusCode(), "no track");
        assertEquals(400, api(a, "guarded", "POST", path, json.apply(new RelayWire.Publisher(speaker, near,
                java.util.List.of(audio, audio)))).statusCode(), "one mid twice");
        assertEquals(400, api(a, "guarded", "POST", path, json.apply(good).replace("\"opus\"", "null")).statusCode(),
                "a codec without a name");
        assertEquals(400, api(a, "guarded", "POST", path, "{\"token\":1,").statusCode());
        assertEquals(401, api(a, "guarded", "POST", path, json.apply(new RelayWire.Publisher("not-a-token", near,
                java.util.List.of(audio)))).statusCode());
        assertEquals(403, api(a, "guarded", "POST", path, json.apply(new RelayWire.Publisher(
                token(a, "guarded", "att", Role.ATTENDEE), near, java.util.List.of(audio)))).statusCode(), "an attendee's token");
        assertEquals(before, a.rooms().get("guarded").size(), "nobody added by a refused request");

        HttpResponse<String> accepted = api(a, "guarded", "POST", path, json.apply(good));
        assertEquals(201, accepted.statusCode(), accepted.body());
        RelayWire.Published made = RelayWire.read(accepted.body().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                RelayWire.Published.class);
        assertTrue(made.participant().startsWith("whip-") && made.port() > 0, accepted.body());
        assertEquals("stage", participant(a, "guarded", "speaker").path("place").asText());
        // The lists of the relay's participants come only when they changed since the edge last saw them.
        JsonNode full = RelayWire.JSON.readTree(api(a, "guarded", "GET", "/relays/" + relay, null).body());
        assertTrue(full.path("viewers").toString().contains(made.participant()), full.toString());
        long membership = full.path("membership").asLong();
        JsonNode same = RelayWire.JSON.readTree(api(a, "guarded", "PUT", "/relays/" + relay,
                "{\"seen\": " + membership + "}").body());
        assertTrue(same.path("viewers").isNull() && same.path("waiting").isNull(), "unchanged, left out: " + same);
        assertEquals(membership, same.path("membership").asLong());
        JsonNode stale = RelayWire.JSON.readTree(api(a, "guarded", "PUT", "/relays/" + relay,
                "{\"seen\": " + (membership - 1) + "}").body());
        assertTrue(stale.path("viewers").toString().contains(made.participant()), "seen an older count: " + stale);
        // The relay's end takes its edge's encoders off the stage with it.
        assertEquals(204, api(a, "guarded", "DELETE", "/relays/" + relay, null).statusCode());
        assertNull(participant(a, "guarded", "speaker"), "gone with its relay");
    }

    private static void assertNotNullRow(JsonNode row) {
        assertTrue(row != null, "the encoder at the edge is in the origin's participants list");
    }

    /** The origin's participants list row named {@code name}, or null. */
    private static JsonNode participant(StagecastServer origin, String room, String name) throws Exception {
        HttpResponse<String> list = api(origin, room, "GET", "/participants", null);
        assertEquals(200, list.statusCode(), list.body());
        for (JsonNode p : RelayWire.JSON.readTree(list.body()).path("participants")) {
            if (name.equals(p.path("name").asText())) {
                return p;
            }
        }
        return null;
    }

    private static JsonNode participantOrNull(StagecastServer origin, String room, String name) {
        try {
            return participant(origin, room, name);
        } catch (Exception | AssertionError e) {
            return null;
        }
    }

    private StagecastServer[] twoNodes() throws Exception {
        return EdgeWhepTest.twoNodes(redis);
    }
}
