package io.stagecast.signaling;

import io.stagecast.signaling.config.StagecastConfig;
import io.stagecast.signaling.token.InvitationLinks;
import io.stagecast.signaling.token.JoinGrant;
import io.stagecast.signaling.token.JoinTokens;
import io.stagecast.signaling.token.RandomIds;
import io.stagecast.signaling.token.Role;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code stagecast run} starts a node; {@code stagecast token} mints join tokens and links. */
@Command(name = "stagecast", mixinStandardHelpOptions = true, subcommands = {Main.Run.class, Main.Token.class},
        description = "A media server (SFU) for live stage rooms.")
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    /** Without a subcommand, run a node: what a person trying stagecast wants. */
    @Override
    public void run() {
        try {
            new Run().call();
        } catch (Exception e) {
            throw new CommandLine.ExecutionException(new CommandLine(this), "stagecast failed: " + e.getMessage(), e);
        }
    }

    @Command(name = "run", description = "Start a single node (configuration: see docs/configuration.md).")
    static final class Run implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            StagecastConfig config = StagecastConfig.fromSystem();
            StagecastServer server = StagecastServer.start(config);
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                stopped.countDown();
            }, "shutdown"));
            announce(server, config, System.out);
            stopped.await();
            return 0;
        }
    }

    /**
     * What a start prints on standard output. Working join links only for an enabled demo room:
     * a link is a credential, and standard output ends up in journald and {@code docker logs}.
     * Nothing here, nor any log line, carries a token otherwise.
     */
    static void announce(StagecastServer server, StagecastConfig config, PrintStream out) {
        out.println();
        out.println("stagecast is running: HTTP on " + server.baseUrl() + ", media on UDP " + server.media().port());
        Optional<String> demo = config.demoRoom();
        if (demo.isEmpty()) {
            out.println("No demo room (rooms.demo is empty): mint links with `stagecast token --room NAME`.");
            out.println();
            return;
        }
        String room = demo.get();
        Instant expiry = Instant.now().plus(Duration.ofDays(1));
        String publisher = server.tokens().mint(JoinGrant.of(room, RandomIds.participantId(), "Presenter", Role.MODERATOR, expiry));
        String viewer = server.tokens().mint(JoinGrant.of(room, RandomIds.participantId(), "Viewer", Role.ATTENDEE, expiry));
        out.println("Demo room '" + room + "' (rooms.demo; set it empty in production):");
        out.println("  publish (moderator): " + InvitationLinks.url(server.baseUrl(), room, publisher));
        out.println("  watch (attendee):    " + InvitationLinks.url(server.baseUrl(), room, viewer));
        if (config.tokenSecretGenerated()) {
            out.println("  (token.secret was generated for this run; set STAGECAST_TOKEN_SECRET to keep links valid across restarts)");
        }
        out.println();
    }

    @Command(name = "token", description = "Mint a join token (and its link) for a room. Uses token.secret from the configuration.")
    static final class Token implements Callable<Integer> {
        @Option(names = "--room", required = true, description = "room name")
        String room;
        @Option(names = "--name", defaultValue = "Guest", description = "display name")
        String name;
        @Option(names = "--role", defaultValue = "attendee", description = "moderator, speaker or attendee")
        String role;
        @Option(names = "--view-only", description = "never allow publishing, whatever the role")
        boolean viewOnly;
        @Option(names = "--ttl", defaultValue = "PT24H", description = "validity as an ISO-8601 duration (default PT24H)")
        Duration ttl;
        @Option(names = "--single-use", description = "the link works once")
        boolean singleUse;

        @Override
        public Integer call() {
            StagecastConfig config = StagecastConfig.fromSystem();
            if (config.tokenSecretGenerated()) {
                System.err.println("token.secret is not set (STAGECAST_TOKEN_SECRET): a token minted now matches no server.");
                return 2;
            }
            JoinTokens tokens = new JoinTokens(config.tokenSecretBytes(), Clock.systemUTC());
            JoinGrant grant = new JoinGrant(room, RandomIds.participantId(), name, Role.fromWire(role), viewOnly,
                    Instant.now().plus(ttl), RandomIds.tokenId(), singleUse);
            String token = tokens.mint(grant);
            String base = config.publicBaseUrl() == null || config.publicBaseUrl().isBlank()
                    ? "http://localhost:" + config.httpPort() : config.publicBaseUrl();
            System.out.println(token);
            System.out.println(InvitationLinks.url(base, room, token));
            return 0;
        }
    }
}
