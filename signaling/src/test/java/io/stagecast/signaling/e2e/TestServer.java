package io.stagecast.signaling.e2e;

import io.stagecast.signaling.StagecastServer;
import io.stagecast.signaling.testutil.LoopbackServer;
import io.stagecast.signaling.token.JoinGrant;
import io.stagecast.signaling.token.RandomIds;
import io.stagecast.signaling.token.Role;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** A node bound to loopback only: it advertises 127.0.0.1 and answers ICE only from 127.0.0.0/8. */
final class TestServer {
    private TestServer() {
    }

    static StagecastServer start(Map<String, String> extra) throws InterruptedException {
        return LoopbackServer.start(extra);
    }

    static String token(StagecastServer server, String room, String name, Role role, boolean viewOnly) {
        return server.tokens().mint(new JoinGrant(room, RandomIds.participantId(), name, role, viewOnly,
                Instant.now().plus(Duration.ofHours(1)), RandomIds.tokenId(), false));
    }

    static String roomUrl(StagecastServer server, String room, String token, String extraQuery) {
        return server.baseUrl() + "/room/" + room + "?token=" + token + (extraQuery.isEmpty() ? "" : "&" + extraQuery);
    }
}
