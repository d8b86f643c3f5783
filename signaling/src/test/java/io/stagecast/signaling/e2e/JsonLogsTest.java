package io.stagecast.signaling.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagecast.signaling.testutil.JsonWebSocketClient;
import io.stagecast.signaling.token.Role;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12: with {@code STAGECAST_LOG_FORMAT=json} every line a node writes is one JSON object,
 * java.util.logging (ice4j, jitsi-metaconfig) included, and the join token of a participant who
 * joined and left is in none of them.
 */
class JsonLogsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyLineIsJsonWithJulIncludedAndNoTokenInAny() throws Exception {
        String room = "logs";
        String text;
        String token;
        try (NodeProcess node = NodeProcess.onLoopback("json-logs-node", Map.of("STAGECAST_LOG_FORMAT", "json"))) {
            token = node.token(room, "Logged", Role.MODERATOR);
            try (JsonWebSocketClient ws = JsonWebSocketClient.connect(node.baseUrl)) {
                JsonNode joined = ws.request("join", "room", room, "token", token);
                assertTrue(joined.path("ok").asBoolean(), joined.toString());
                ws.request("room.leave");
            }
            node.terminate();
            assertEquals(0, node.exitCode(Duration.ofSeconds(10)));
            text = node.logText();
        }
        List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
        assertTrue(lines.size() >= 5, "a node's start, a join and a stop log something: " + lines.size() + " lines");
        boolean roomLine = false;
        for (String line : lines) {
            JsonNode entry;
            try {
                entry = JSON.readTree(line);
            } catch (Exception e) {
                throw new AssertionError("not a JSON line: " + line, e);
            }
            assertTrue(entry.has("level") && entry.has("loggerName") && entry.has("formattedMessage"), line);
            roomLine |= entry.path("loggerName").asText().endsWith(".Room")
                    && entry.path("formattedMessage").asText().contains("joined " + room);
        }
        assertTrue(roomLine, "the join is logged");
        assertFalse(text.contains(token), "a join token in the log");
        assertFalse(text.lines().anyMatch(l -> l.startsWith("INFO: ") || l.startsWith("WARNING: ")),
                "java.util.logging's own format went around logback");
    }
}
