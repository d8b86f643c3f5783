package io.stagecast.signaling.room;

import io.stagecast.signaling.SignalingException;
import io.stagecast.signaling.StagecastServer;
import io.stagecast.signaling.testutil.LoopbackServer;
import io.stagecast.signaling.token.JoinGrant;
import io.stagecast.signaling.token.Role;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Fuzz target: a WHIP or WHEP offer (RFC 9725) as the route hands it to the room, on a live node
 * in this JVM: the first byte picks WHIP or WHEP and whether the offer is then deleted, the rest
 * is the SDP. The room answers with an SDP answer and a resource, or refuses with a
 * {@link SignalingException} (a status for the client); any other exception is a bug (the route
 * would answer 500). Each input is a new token identity, so the per-token cap is not what is
 * fuzzed; the node's rooms (and their transports) are removed every 256 inputs.
 */
public final class WhipWhepFuzzTarget {
    private static StagecastServer server;
    private static int inputs;

    private WhipWhepFuzzTarget() {
    }

    public static void fuzzerInitialize() throws Exception {
        server = LoopbackServer.start(Map.of("STAGECAST_MEDIA_TCP_PORT", "off"));
    }

    public static void fuzzerTestOneInput(byte[] data) {
        if (data.length < 1) {
            return;
        }
        if (inputs++ % 256 == 0) {
            for (Room room : server.rooms().all()) {
                server.rooms().remove(room.name(), "fuzz");
            }
        }
        boolean whip = (data[0] & 1) == 0;
        boolean delete = (data[0] & 2) != 0;
        String offer = new String(data, 1, data.length - 1, StandardCharsets.UTF_8);
        String id = "fuzz-" + inputs;
        JoinGrant grant = JoinGrant.of("fuzz", id, id, whip ? Role.SPEAKER : Role.ATTENDEE, Instant.now().plus(Duration.ofHours(1)));
        Room room = server.rooms().getOrCreate("fuzz");
        try {
            MediaAnswer answer = whip ? room.whipPublish(grant, "sub:" + id, offer) : room.whepView(grant, "sub:" + id, offer);
            if (answer.sdp() == null || answer.sdp().isEmpty()) {
                throw new IllegalStateException("an accepted offer without an answer");
            }
            if (delete) {
                String location = answer.resource().location();
                String secret = location.substring(location.lastIndexOf('/') + 1);
                room.deleteResource(whip ? MediaResource.Kind.WHIP : MediaResource.Kind.WHEP, secret, grant);
            }
        } catch (SignalingException refused) {
            // what the client is told
        }
    }
}
