package io.stagecast.signaling;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.read.ListAppender;
import io.stagecast.signaling.testutil.JsonWebSocketClient;
import io.stagecast.signaling.testutil.LoopbackServer;
import io.stagecast.signaling.testutil.SyntheticMedia;
import io.stagecast.signaling.testutil.WhepPlayer;
import io.stagecast.signaling.token.JoinGrant;
import io.stagecast.signaling.token.RandomIds;
import io.stagecast.signaling.token.Role;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A join link is a credential, and standard output and logs end up in journald and
 * {@code docker logs}: the start prints links only for an enabled demo room, and no log line at
 * any level carries a token, whatever requests come in.
 */
class StartupAnnouncementTest {
    /** A compact JWS (RFC 7515 7.1): three base64url parts; ours start with the header {"alg":...} = "eyJ". */
    private static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");

    private static String announce(StagecastServer server) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Main.announce(server, server.config(), new PrintStream(out, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void withoutADemoRoomNoTokenIsPrintedOrLoggedAtAnyLevel() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Level level = root.getLevel();
        List<Appender<ILoggingEvent>> detached = new ArrayList<>();
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            detached.add(it.next());
        }
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        detached.forEach(root::detachAppender);
        root.addAppender(captured);
        root.setLevel(Level.TRACE);
        List<String> tokens = new ArrayList<>();
        String printed;
        try (StagecastServer server = LoopbackServer.start(Map.of("STAGECAST_ROOMS_DEMO", ""))) {
            printed = announce(server);
            String room = "quiet-logs";
            String moderator = server.tokens().mint(JoinGrant.of(room, "m", "M", Role.MODERATOR, Instant.now().plusSeconds(600)));
            String once = server.tokens().mint(new JoinGrant(room, "o", "O", Role.ATTENDEE, true,
                    Instant.now().plusSeconds(600), RandomIds.tokenId(), true));
            String forged = moderator.substring(0, moderator.length() - 4) + "AAAA";
            tokens.addAll(List.of(moderator, once, forged));
            try (JsonWebSocketClient ws = JsonWebSocketClient.connect(server.baseUrl());
                 JsonWebSocketClient refused = JsonWebSocketClient.connect(server.baseUrl());
                 WhepPlayer player = new WhepPlayer(1)) {
                assertTrue(ws.request("join", "room", room, "token", moderator).path("ok").asBoolean());
                refused.request("join", "room", room, "token", forged);
                refused.requestRaw("{\"id\":9,\"type\":\"join\",\"room\":\"" + room + "\",\"token\":\"" + forged + "\"} trailing");
                HttpResponse<String> watching = player.watch(server.baseUrl(), room, once);
                assertEquals(201, watching.statusCode());
                SyntheticMedia.post(server.baseUrl(), "/whep/" + room, once, player.offer());
                SyntheticMedia.post(server.baseUrl(), "/whip/" + room, forged, "v=0\r\n");
                SyntheticMedia.delete(server.baseUrl(), watching.headers().firstValue("Location").orElseThrow(), forged);
                SyntheticMedia.delete(server.baseUrl(), watching.headers().firstValue("Location").orElseThrow(), moderator);
                HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/room/" + room
                        + "?token=" + moderator)).build(), HttpResponse.BodyHandlers.ofString());
                assertTrue(ws.request("ping").path("ok").asBoolean());
            }
        } finally {
            root.detachAppender(captured);
            detached.forEach(root::addAppender);
            root.setLevel(level);
        }

        assertTrue(printed.contains("stagecast is running"), printed);
        assertFalse(printed.contains("token="), "no link without a demo room:\n" + printed);
        assertFalse(JWT.matcher(printed).find(), printed);
        assertTrue(captured.list.size() > 20, "the capture saw the node's log lines: " + captured.list.size());
        for (ILoggingEvent event : captured.list) {
            String line = event.getFormattedMessage()
                    + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy()));
            for (String token : tokens) {
                assertFalse(line.contains(token) || line.contains(token.substring(token.lastIndexOf('.') + 1)),
                        "a token in a log line: " + event.getLoggerName() + " " + line);
            }
            assertFalse(JWT.matcher(line).find(), "a JWT in a log line: " + event.getLoggerName() + " " + line);
        }
    }

    @Test
    void anEnabledDemoRoomPrintsWorkingLinks() throws Exception {
        try (StagecastServer server = LoopbackServer.start(Map.of("STAGECAST_ROOMS_DEMO", "demo"))) {
            String printed = announce(server);
            Matcher links = Pattern.compile(Pattern.quote(server.baseUrl()) + "/room/demo\\?token=(\\S+)").matcher(printed);
            int found = 0;
            while (links.find()) {
                String token = URLDecoder.decode(links.group(1), StandardCharsets.UTF_8);
                assertEquals("demo", server.tokens().verify(token, "demo").room());
                found++;
            }
            assertEquals(2, found, "a moderator and an attendee link:\n" + printed);
        }
    }
}
