package io.stagecast.signaling.api;

import io.stagecast.signaling.StagecastServer;
import io.stagecast.signaling.testutil.LoopbackServer;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A draining node (issue 12, graceful drain) creates no room through the API either. */
class DrainingApiTest {
    @Test
    void aDrainingNodeRefusesToCreateARoomWithNodeDraining() throws Exception {
        StagecastServer server = LoopbackServer.start(Map.of());
        try {
            ApiCalls api = new ApiCalls(server.baseUrl(), server.apiTokens(), OpenApiContract.load());
            assertEquals(201, api.call("POST", "/rooms", Map.of(), "{\"name\":\"before\"}").status());
            server.rooms().drain(Instant.now().plusSeconds(60));
            ApiCalls.Answer refused = api.call("POST", "/rooms", Map.of(), "{\"name\":\"after\"}");
            assertEquals(503, refused.status(), refused.raw().body());
            assertEquals("node_draining", refused.code());
            assertEquals(null, server.rooms().get("after"), "no room was made");
        } finally {
            server.close();
        }
    }
}
