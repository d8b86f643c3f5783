package io.stagecast.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagecast.signaling.StagecastServer;
import io.stagecast.signaling.config.StagecastConfig;
import io.stagecast.signaling.token.JoinGrant;
import io.stagecast.signaling.token.JoinTokens;
import io.stagecast.signaling.token.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Short load runs against one in-process node on loopback, one per credential source, and the
 * refusals that need no node. The node has the legacy {@code token.secret} and a second API key,
 * {@code load-test}: the API-key run holds only the latter, so it mints nothing itself.
 */
class LoadGeneratorSmokeTest {
    private static final String SECRET = "smoke-secret-smoke-secret-smoke-secret-01";
    private static final String API_KEY_ID = "load-test";
    private static final String API_SECRET = "api-key-secret-api-key-secret-api-key-0001";
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(8);

    private static StagecastServer server;

    @BeforeAll
    static void startLoopbackNode() throws InterruptedException {
        Map<String, String> env = Map.of(
                "STAGECAST_HTTP_HOST", "127.0.0.1",
                "STAGECAST_HTTP_PORT", "0",
                "STAGECAST_MEDIA_PORT", "0",
                "STAGECAST_MEDIA_BIND_ADDRESS", "127.0.0.1",
                "STAGECAST_MEDIA_ANNOUNCED_ADDRESSES", "127.0.0.1",
                "STAGECAST_MEDIA_ALLOWED_REMOTE_NETWORKS", "127.0.0.0/8",
                "STAGECAST_TOKEN_SECRET", SECRET,
                "STAGECAST_KEYS_SECRETS_LOAD_TEST", API_SECRET);
        server = StagecastServer.start(StagecastConfig.load(null, env, new Properties()));
    }

    @AfterAll
    static void stopNode() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Timeout(20)
    void threeViewersReceiveAuthenticatedMediaWithoutLoss() {
        LoadResult result = LoadGenerator.run(System.out, "--url", server.baseUrl(), "--token-secret", SECRET,
                "--room", "secret-run", "--publishers", "1", "--viewers", "3", "--duration", "PT5S",
                "--join-timeout", "PT8S", "--server-pid", String.valueOf(ProcessHandle.current().pid()));

        assertEquals(3, result.viewersJoined(), result.summary());
        // 1.5 Mbit/s at 30 fps is 6 packets per frame, + 50 audio packets: ~230 pkt/s per viewer.
        assertTrue(result.delivered() > 3 * 150 * 4, "viewers received too little: " + result.summary());
        assertEquals(0, result.authFailures(), result.summary());
        // One in 16 per stream is authenticated (SRTP): ~14 per viewer and second.
        assertTrue(result.authenticated() > 3 * 4 * 4, "too few packets authenticated: " + result.summary());
        assertTrue(result.loss() < 0.01, "loss over 1%: " + result.summary());
        assertTrue(result.latencyP50Millis() > 0 && result.latencyP50Millis() < 100, result.summary());
        assertTrue(result.serverCpuSeconds() > 0, "the node's CPU was measured: " + result.summary());
    }

    /** What an operator does: an API key of the node, --allow-remote (here to loopback), progress and JSON. */
    @Test
    @Timeout(20)
    void apiKeyRunMintsTokensThroughTheNodeAndReportsJoinTimes(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("load.json");
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        LoadResult result;
        try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            result = LoadGenerator.run(out, "--url", server.baseUrl(), "--api-key", API_KEY_ID + ":" + API_SECRET,
                    "--allow-remote", "--room", "api-run", "--publishers", "1", "--viewers", "3", "--duration", "PT4S",
                    "--join-timeout", "PT" + JOIN_TIMEOUT.toSeconds() + "S", "--json", json.toString());
        } finally {
            System.out.print(captured.toString(StandardCharsets.UTF_8));
        }
        String output = captured.toString(StandardCharsets.UTF_8);

        assertEquals(3, result.viewersJoined(), result.summary());
        assertEquals(0, result.viewersFailed(), result.summary());
        assertTrue(result.loss() < 0.01, "loss over 1%: " + result.summary());
        assertTrue(result.joinP50Millis() > 0 && result.joinP50Millis() <= result.joinP95Millis()
                && result.joinP95Millis() <= result.joinMaxMillis()
                && result.joinMaxMillis() < JOIN_TIMEOUT.toMillis(), "join times: " + result.summary());
        assertTrue(result.latencyP50Millis() <= result.latencyP95Millis()
                && result.latencyP95Millis() <= result.latencyP99Millis(), result.summary());
        assertTrue(output.contains("minted by") && output.contains("API key '" + API_KEY_ID + "'"), output);
        assertTrue(output.lines().anyMatch(l -> l.startsWith("joining") && l.contains("viewers 3/3 joined")), output);
        long measuring = output.lines().filter(l -> l.startsWith("measuring") && l.contains("pkt/s")
                && l.contains("so far") && l.contains("p99")).count();
        assertTrue(measuring >= 3, "one measuring line per second of the 4 s window: " + output);
        assertTrue(output.contains("join time  p50"), output);

        JsonNode figures = new ObjectMapper().readTree(Files.readString(json));
        assertEquals(3, figures.path("viewers").path("joined").asInt(), figures.toString());
        assertEquals(0, figures.path("viewers").path("failed").asInt(-1), figures.toString());
        assertTrue(figures.path("joinMillis").path("p95").isNumber(), figures.toString());
        assertTrue(figures.path("window").path("packetsPerSecond").asDouble() > 3 * 150, figures.toString());
        // Not measured without --server-pid: null, since NaN is not JSON.
        assertTrue(figures.path("node").path("cpuSeconds").isNull(), figures.toString());
    }

    /** Given tokens: one unnamed moderator token for the publisher, one unnamed view-only token for both viewers. */
    @Test
    @Timeout(20)
    void oneReusableViewerTokenServesEveryViewer() {
        JoinTokens tokens = new JoinTokens(SECRET.getBytes(StandardCharsets.UTF_8), Clock.systemUTC());
        Instant expiry = Instant.now().plus(Duration.ofHours(1));
        String publisher = tokens.mint(new JoinGrant("given-run", null, "pub", Role.MODERATOR, false, expiry, null, false));
        String viewer = tokens.mint(new JoinGrant("given-run", null, null, Role.ATTENDEE, true, expiry, null, false));

        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        LoadResult result = LoadGenerator.run(new PrintStream(captured, true, StandardCharsets.UTF_8), "--url",
                server.baseUrl(), "--token", "publisher=" + publisher, "--token", "viewer=" + viewer,
                "--viewers", "2", "--duration", "PT2S", "--join-timeout", "PT8S");
        System.out.print(captured.toString(StandardCharsets.UTF_8));

        assertEquals(2, result.viewersJoined(), result.summary());
        assertTrue(result.delivered() > 2 * 150, result.summary());
        // The room is the tokens' own; --room was not given.
        assertTrue(captured.toString(StandardCharsets.UTF_8).contains("room given-run"));
    }

    @Test
    void refusesAnyHostButLoopbackWithoutAllowRemote() throws Exception {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> NodeTarget.of(URI.create("http://10.0.0.1:8080"), false));
        assertTrue(refused.getMessage().contains("--allow-remote"), refused.getMessage());
        IllegalStateException run = assertThrows(IllegalStateException.class, () -> LoadGenerator.run(System.out,
                "--url", "http://192.0.2.1:8080", "--token-secret", SECRET, "--duration", "PT1S"));
        assertTrue(run.getMessage().contains("--allow-remote"), run.getMessage());

        NodeTarget remote = NodeTarget.of(URI.create("https://192.0.2.1"), true);
        assertFalse(remote.loopback());
        assertTrue(remote.maySendTo(InetAddress.getByName("192.0.2.7")));
        NodeTarget local = NodeTarget.of(URI.create("http://127.0.0.1:8080"), false);
        assertFalse(local.maySendTo(InetAddress.getByName("192.0.2.7")), "media only to loopback without the flag");
        assertTrue(local.maySendTo(InetAddress.getByName("127.0.0.1")));
        assertThrows(IllegalArgumentException.class, () -> NodeTarget.of(URI.create("ftp://127.0.0.1/"), false));
        // A name that resolves to loopback only is this machine.
        if (List.of(InetAddress.getAllByName("localhost")).stream().allMatch(InetAddress::isLoopbackAddress)) {
            assertTrue(NodeTarget.of(URI.create("http://localhost:8080"), false).loopback());
        }
        IllegalStateException pid = assertThrows(IllegalStateException.class, () -> LoadGenerator.run(System.out,
                "--url", "http://192.0.2.1:8080", "--allow-remote", "--token-secret", SECRET, "--server-pid", "1"));
        assertTrue(pid.getMessage().contains("--server-pid"), pid.getMessage());
    }

    @Test
    void exactlyOneCredentialSourceIsRequired() {
        IllegalStateException none = assertThrows(IllegalStateException.class,
                () -> LoadGenerator.run(System.out, "--url", "http://127.0.0.1:9"));
        assertTrue(none.getMessage().contains("--token-secret") && none.getMessage().contains("--api-key")
                && none.getMessage().contains("--tokens-file"), none.getMessage());
        IllegalStateException two = assertThrows(IllegalStateException.class, () -> LoadGenerator.run(System.out,
                "--url", "http://127.0.0.1:9", "--token-secret", SECRET, "--api-key", API_KEY_ID + ":" + API_SECRET));
        assertTrue(two.getMessage().contains("mutually exclusive"), two.getMessage());
        IllegalStateException given = assertThrows(IllegalStateException.class, () -> LoadGenerator.run(System.out,
                "--url", "http://127.0.0.1:9", "--token", "viewer=x", "--tokens-file", "tokens.txt"));
        assertTrue(given.getMessage().contains("mutually exclusive"), given.getMessage());
        IllegalArgumentException noSecret = assertThrows(IllegalArgumentException.class,
                () -> JoinCredentials.apiKey(API_KEY_ID, null));
        assertTrue(noSecret.getMessage().contains(JoinCredentials.API_SECRET_VARIABLE), noSecret.getMessage());
        assertEquals(API_KEY_ID, JoinCredentials.apiKey(API_KEY_ID, API_SECRET).signingKey().id());
    }

    @Test
    @Timeout(10)
    void anApiKeyTheNodeDoesNotKnowEndsTheRunWithTheNodesAnswer() {
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> LoadGenerator.run(System.out,
                "--url", server.baseUrl(), "--api-key", "unknown-key:" + API_SECRET, "--viewers", "1",
                "--duration", "PT1S", "--join-timeout", "PT5S"));
        assertTrue(refused.getMessage().contains("HTTP 401") && refused.getMessage().contains("unknown-key"),
                refused.getMessage());
    }

    @Test
    void givenTokensThatCannotServeTheRunAreRefusedBeforeJoining(@TempDir Path dir) throws Exception {
        JoinTokens tokens = new JoinTokens(SECRET.getBytes(StandardCharsets.UTF_8), Clock.systemUTC());
        Instant expiry = Instant.now().plus(Duration.ofHours(1));
        String moderator = tokens.mint(new JoinGrant("r", null, null, Role.MODERATOR, false, expiry, null, false));
        String named = tokens.mint(new JoinGrant("r", "ann", null, Role.ATTENDEE, false, expiry, null, false));
        String singleUse = tokens.mint(new JoinGrant("r", null, null, Role.ATTENDEE, false, expiry, null, true));
        String attendee = tokens.mint(new JoinGrant("r", null, null, Role.ATTENDEE, true, expiry, null, false));
        String otherRoom = tokens.mint(new JoinGrant("s", null, null, Role.ATTENDEE, true, expiry, null, false));

        assertRefused("names participant 'ann'", List.of("publisher=" + moderator, "viewer=" + named), null, 2);
        assertRefused("single-use", List.of("publisher=" + moderator, "viewer=" + singleUse), null, 2);
        assertRefused("a publisher needs a moderator", List.of("publisher=" + attendee, "viewer=" + attendee), null, 1);
        assertRefused("different rooms", List.of("publisher=" + moderator, "viewer=" + otherRoom), null, 1);
        assertRefused("--room elsewhere", List.of("publisher=" + moderator, "viewer=" + attendee), "elsewhere", 1);
        assertRefused("not a signed JWT", List.of("publisher=" + moderator, "viewer=not-a-token"), null, 1);
        assertRefused("not publisher=TOKEN", List.of(moderator), null, 1);
        // One token per participant may name someone; a reusable one may serve many.
        assertEquals("r", GivenTokens.of(GivenTokens.parse(List.of("publisher=" + moderator, "viewer=" + named), "t"),
                null, 1, 1).room());
        assertEquals("r", GivenTokens.of(GivenTokens.parse(List.of("# comment", "publisher=" + moderator, "",
                "viewer=" + attendee), "t"), "r", 3, 50).room());
        Path file = Files.writeString(dir.resolve("tokens.txt"), "# for the load test\npublisher=" + moderator
                + "\nviewer=" + attendee + "\n");
        GivenTokens fromFile = GivenTokens.of(GivenTokens.read(file), null, 1, 10);
        assertEquals(attendee, fromFile.viewerToken(7).join(), "the one reusable viewer token serves viewer 7");
    }

    private static void assertRefused(String expected, List<String> lines, String room, int viewers) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GivenTokens.of(GivenTokens.parse(lines, "--token"), room, 1, viewers));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
