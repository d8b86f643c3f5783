package io.stagecast.signaling.e2e;

import io.stagecast.signaling.StagecastServer;
import io.stagecast.signaling.config.StagecastConfig;
import io.stagecast.signaling.token.JoinGrant;
import io.stagecast.signaling.token.RandomIds;
import io.stagecast.signaling.token.Role;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/** A node bound to loopback only: it advertises 127.0.0.1 and answers ICE only from 127.0.0.0/8. */
final class TestServer {
    private TestServer() {
    }

    static StagecastServer start(Map<String, String> extra) throws InterruptedException {
        Map<String, String> env = new HashMap<>();
        env.put("STAGECAST_HTTP_HOST", "127.0.0.1");
        env.put("STAGECAST_HTTP_PORT", "0");
        env.put("STAGECAST_MEDIA_PORT", "0");
        env.put("STAGECAST_MEDIA_BIND_ADDRESS", "127.0.0.1");
        env.put("STAGECAST_MEDIA_ANNOUNCED_ADDRESSES", "127.0.0.1");
        env.put("STAGECAST_MEDIA_ALLOWED_REMOTE_NETWORKS", "127.0.0.0/8");
        env.put("STAGECAST_TOKEN_SECRET", "test-secret-test-secret-test-secret-0123");
        env.putAll(extra);
        return StagecastServer.start(StagecastConfig.load(null, env, new Properties()));
    }

    static String token(StagecastServer server, String room, String name, Role role, boolean viewOnly) {
        return server.tokens().mint(new JoinGrant(room, RandomIds.participantId(), name, role, viewOnly,
                Instant.now().plus(Duration.ofHours(1)), RandomIds.tokenId(), false));
    }

    static String roomUrl(StagecastServer server, String room, String token, String extraQuery) {
        return server.baseUrl() + "/room/" + room + "?token=" + token + (extraQuery.isEmpty() ? "" : "&" + extraQuery);
    }
}
