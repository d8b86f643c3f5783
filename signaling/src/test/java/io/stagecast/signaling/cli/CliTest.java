package io.stagecast.signaling.cli;

import io.stagecast.signaling.config.StagecastConfig;
import io.stagecast.signaling.token.ApiCaller;
import io.stagecast.signaling.token.ApiGrants;
import io.stagecast.signaling.token.ApiKeys;
import io.stagecast.signaling.token.ApiTokens;
import io.stagecast.signaling.token.JoinGrant;
import io.stagecast.signaling.token.JoinTokens;
import io.stagecast.signaling.token.Role;
import io.stagecast.signaling.token.TokenError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line: help, version, and the commands that work offline (token, api-token). */
class CliTest {

    static final String SECRET = "cli-test-secret-cli-test-secret-cli-test";
    static final String K2 = "cli-test-k2-cli-test-k2-cli-test-k2-cli-2";
    static final Map<String, String> ENV = Map.of("STAGECAST_TOKEN_SECRET", SECRET, "STAGECAST_KEYS_SECRETS_K2", K2);

    @TempDir
    Path dir;

    static ApiKeys keys() {
        return StagecastConfig.load(null, ENV, new Properties()).apiKeys();
    }

    private static String header(String token) {
        return new String(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))), StandardCharsets.UTF_8);
    }

    @Test
    void helpListsEveryCommandAndEachCommandHasItsOwn() {
        CliRun top = CliRun.run(ENV, "--help");
        assertEquals(0, top.exit(), top.err());
        for (String command : new String[]{"run", "token", "api-token", "room"}) {
            assertTrue(top.out().contains(command), command + " in\n" + top.out());
        }
        CliRun room = CliRun.run(ENV, "room", "--help");
        assertEquals(0, room.exit());
        assertTrue(room.out().contains("create") && room.out().contains("list") && room.out().contains("end"), room.out());
        CliRun create = CliRun.run(ENV, "room", "create", "--help");
        assertEquals(0, create.exit());
        assertTrue(create.out().contains("POST /api/v1/rooms") && create.out().contains("--set"), create.out());
        CliRun token = CliRun.run(ENV, "token", "--help");
        assertTrue(token.out().contains("--participant") && token.out().contains("--room"), token.out());
    }

    /** Issue 12: {@code --help} of every command and subcommand answers with its usage, exit 0. */
    @Test
    void everyCommandAnswersHelp() {
        java.util.List<java.util.List<String>> paths = new java.util.ArrayList<>();
        commands(io.stagecast.signaling.Main.commandLine(new io.stagecast.signaling.Main(ENV, new java.util.Properties())),
                new java.util.ArrayList<>(), paths);
        assertTrue(paths.size() >= 8, "run, token, api-token, room (create, list, end), health: " + paths);
        for (java.util.List<String> path : paths) {
            java.util.List<String> args = new java.util.ArrayList<>(path);
            args.add("--help");
            CliRun help = CliRun.run(ENV, args.toArray(String[]::new));
            assertEquals(0, help.exit(), path + ": " + help.err());
            assertTrue(help.out().startsWith("Usage: stagecast"), path + ":\n" + help.out());
        }
    }

    private static void commands(picocli.CommandLine line, java.util.List<String> path, java.util.List<java.util.List<String>> out) {
        for (java.util.Map.Entry<String, picocli.CommandLine> sub : line.getSubcommands().entrySet()) {
            java.util.List<String> next = new java.util.ArrayList<>(path);
            next.add(sub.getKey());
            out.add(next);
            commands(sub.getValue(), next, out);
        }
    }

    @Test
    void versionIsTheProjectVersion() throws IOException {
        // The parent pom's own <version> (the first one after <artifactId>stagecast-parent</artifactId>).
        String pom = Files.readString(Path.of("..", "pom.xml"));
        String afterParent = pom.substring(pom.indexOf("<artifactId>stagecast-parent</artifactId>"));
        String version = afterParent.substring(afterParent.indexOf("<version>") + 9, afterParent.indexOf("</version>"));

        CliRun run = CliRun.run(ENV, "--version");
        assertEquals(0, run.exit());
        assertTrue(run.out().startsWith("stagecast " + version + "\n"), run.out());
        assertEquals(run.out(), CliRun.run(ENV, "token", "--version").out());
    }

    @Test
    void tokenWithoutParticipantIsAShareLinkThatNamesNobody() throws TokenError {
        CliRun run = CliRun.run(ENV, "token", "--room", "town hall");
        assertEquals(0, run.exit(), run.err());
        String token = run.firstLine();
        assertTrue(run.out().contains("http://localhost:8080/room/town%20hall?token="), run.out());
        assertTrue(header(token).contains("\"kid\":\"default\""), header(token));

        JoinTokens verifier = new JoinTokens(keys(), Clock.systemUTC());
        JoinGrant first = verifier.verify(token, "town hall");
        JoinGrant second = verifier.verify(token, "town hall");
        assertFalse(first.named(), "no sub: whoever opens it is a new participant");
        assertNotEquals(first.participantId(), second.participantId());
        assertEquals(Role.ATTENDEE, first.role());
        assertEquals(null, first.displayName(), "each person types a name");
        assertTrue(first.expiresAt().isAfter(Instant.now().plus(Duration.ofHours(23))));
    }

    @Test
    void tokenWithParticipantNamesThatPerson() throws TokenError {
        CliRun run = CliRun.run(ENV, "token", "--room", "r", "--role", "speaker", "--name", "Ana", "--participant", "ana",
                "--ttl", "PT1H", "--single-use", "--url", "https://stage.example.org/");
        assertEquals(0, run.exit(), run.err());
        JoinGrant grant = new JoinTokens(keys(), Clock.systemUTC()).verify(run.firstLine(), "r");
        assertTrue(grant.named());
        assertEquals("ana", grant.participantId());
        assertEquals("Ana", grant.displayName());
        assertEquals(Role.SPEAKER, grant.role());
        assertTrue(grant.singleUse());
        assertTrue(grant.expiresAt().isBefore(Instant.now().plus(Duration.ofMinutes(61))));
        assertTrue(run.out().contains("https://stage.example.org/room/r?token="), run.out());
    }

    @Test
    void keyOptionSignsWithAnotherConfiguredKey() throws TokenError {
        CliRun run = CliRun.run(ENV, "token", "--room", "r", "--key", "k2");
        assertEquals(0, run.exit(), run.err());
        assertTrue(header(run.firstLine()).contains("\"kid\":\"k2\""));
        new JoinTokens(keys(), Clock.systemUTC()).verify(run.firstLine(), "r");

        CliRun unknown = CliRun.run(ENV, "token", "--room", "r", "--key", "k9");
        assertEquals(2, unknown.exit());
        assertTrue(unknown.err().contains("k9") && unknown.err().contains("[default, k2]"), unknown.err());
    }

    @Test
    void tokenReadsTheConfigurationFile() throws IOException, TokenError {
        Path conf = dir.resolve("node.conf");
        Files.writeString(conf, "public-base-url = \"https://conf.example.org\"\nkeys.secrets.fromfile = \"" + K2 + "\"\n");
        CliRun run = CliRun.run(Map.of(), "token", "--config", conf.toString(), "--room", "r");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("https://conf.example.org/room/r?token="), run.out());
        assertTrue(header(run.firstLine()).contains("\"kid\":\"fromfile\""));

        CliRun viaEnv = CliRun.run(Map.of("STAGECAST_CONFIG_FILE", conf.toString()), "token", "--room", "r");
        assertEquals(0, viaEnv.exit(), viaEnv.err());
        assertTrue(viaEnv.out().contains("https://conf.example.org/"), viaEnv.out());
    }

    @Test
    void refusalsAreOneLineAndExitTwo() {
        CliRun noKey = CliRun.run(Map.of(), "token", "--room", "r");
        assertEquals(2, noKey.exit());
        assertTrue(noKey.err().contains("no API key is configured"), noKey.err());

        CliRun badRole = CliRun.run(ENV, "token", "--room", "r", "--role", "boss");
        assertEquals(2, badRole.exit());
        assertTrue(badRole.err().contains("boss"), badRole.err());

        CliRun noRoom = CliRun.run(ENV, "token");
        assertEquals(2, noRoom.exit());
        assertTrue(noRoom.err().contains("--room"), noRoom.err());

        CliRun badConfig = CliRun.run(Map.of("STAGECAST_TOKEN_SECRET", SECRET, "STAGECAST_HTTP_PORT", "eighty"),
                "token", "--room", "r");
        assertEquals(2, badConfig.exit());
        assertTrue(badConfig.err().contains("http.port 'eighty'") && badConfig.err().contains("STAGECAST_HTTP_PORT"),
                badConfig.err());
        assertFalse(badConfig.err().contains("\tat "), "no stack trace: " + badConfig.err());

        CliRun unknownCommand = CliRun.run(ENV, "rooms");
        assertEquals(2, unknownCommand.exit());
        CliRun roomAlone = CliRun.run(ENV, "room");
        assertEquals(2, roomAlone.exit());
        assertTrue(roomAlone.err().contains("create, list or end"), roomAlone.err());
    }

    @Test
    void apiTokenCarriesTheGrantsAskedFor() throws TokenError {
        CliRun run = CliRun.run(ENV, "api-token", "--room-admin", "demo", "--room-list", "--key", "k2");
        assertEquals(0, run.exit(), run.err());
        ApiCaller caller = new ApiTokens(keys(), Clock.systemUTC()).verify(run.firstLine());
        assertEquals(new ApiGrants(false, true, "demo"), caller.grants());
        assertEquals("k2", caller.keyId());
        assertTrue(caller.expiresAt().isBefore(Instant.now().plus(Duration.ofMinutes(5)).plusSeconds(2)));

        assertEquals(2, CliRun.run(ENV, "api-token").exit(), "no grant");
        assertEquals(2, CliRun.run(ENV, "api-token", "--room-create", "--ttl", "PT11M").exit(), "over 10 minutes");
        assertEquals(2, CliRun.run(ENV, "api-token", "--room-admin", " ").exit());
    }
}
