package io.stagecast.signaling.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagecast.signaling.StagecastServer;
import io.stagecast.signaling.stage.SessionState;
import io.stagecast.signaling.testutil.LoopbackServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code stagecast room create|list|end} against a real node's REST API, with the node's keys. */
class RoomCommandAgainstNodeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static StagecastServer server;
    private static Map<String, String> env;

    @BeforeAll
    static void start() throws Exception {
        server = LoopbackServer.start(CliTest.ENV);
        env = new HashMap<>(CliTest.ENV);
        env.put("STAGECAST_PUBLIC_BASE_URL", server.baseUrl());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void createListAndEndARoom() throws Exception {
        CliRun created = CliRun.run(env, "room", "create", "cli room", "--set", "lobby=false", "--set", "capacity=12",
                "--set", "accessMode=invite");
        assertEquals(0, created.exit(), created.err());
        JsonNode room = JSON.readTree(created.out());
        assertEquals("cli room", room.path("name").asText());
        assertEquals("live", room.path("session").asText());
        assertEquals(12, room.path("settings").path("capacity").asInt());
        assertEquals("invite", server.rooms().get("cli room").read(s -> s.settings().accessMode().wireName()));

        CliRun again = CliRun.run(env, "room", "create", "cli room");
        assertEquals(1, again.exit());
        assertTrue(again.err().contains("409") && again.err().contains("invalid_state"), again.err());
        CliRun badSetting = CliRun.run(env, "room", "create", "other", "--set", "colour=red");
        assertEquals(1, badSetting.exit());
        assertTrue(badSetting.err().contains("400") && badSetting.err().contains("colour"), badSetting.err());

        CliRun list = CliRun.run(env, "room", "list", "--key", "k2");
        assertEquals(0, list.exit(), list.err());
        assertEquals("cli room", JSON.readTree(list.out()).path("rooms").get(0).path("name").asText());

        CliRun ended = CliRun.run(env, "room", "end", "cli room");
        assertEquals(0, ended.exit(), ended.err());
        assertEquals("ended", JSON.readTree(ended.out()).path("session").asText());
        assertEquals(SessionState.ENDED, server.rooms().get("cli room").session());
        CliRun endMissing = CliRun.run(env, "room", "end", "nowhere");
        assertEquals(1, endMissing.exit());
        assertTrue(endMissing.err().contains("404"), endMissing.err());
    }
}
