package io.stagecast.signaling;

import io.stagecast.signaling.cli.ApiTokenCommand;
import io.stagecast.signaling.cli.CliEnvironment;
import io.stagecast.signaling.cli.ConfigOption;
import io.stagecast.signaling.cli.HealthCommand;
import io.stagecast.signaling.cli.RoomCommand;
import io.stagecast.signaling.cli.StagecastVersion;
import io.stagecast.signaling.cli.TokenCommand;
import io.stagecast.signaling.config.StagecastConfig;
import io.stagecast.signaling.token.InvitationLinks;
import io.stagecast.signaling.token.JoinGrant;
import io.stagecast.signaling.token.RandomIds;
import io.stagecast.signaling.token.Role;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * The {@code stagecast} command: {@code run} starts a node (also without a subcommand); {@code token}
 * and {@code api-token} mint tokens locally with a configured API key; {@code room} calls the REST
 * API of a running node; {@code health} checks one (the container's HEALTHCHECK). picocli parses, and writes {@code --help} and {@code --version}.
 */
@Command(name = "stagecast", mixinStandardHelpOptions = true, versionProvider = StagecastVersion.class,
        subcommands = {Main.Run.class, TokenCommand.class, ApiTokenCommand.class, RoomCommand.class, HealthCommand.class},
        description = "A media server (SFU) for live stage rooms. Configuration: docs/configuration.md.")
public final class Main implements Runnable, CliEnvironment {

    private final Map<String, String> env;
    private final Properties systemProperties;
    @Spec
    CommandSpec spec;
    @Mixin
    ConfigOption configOption;

    /** Over this process's environment and system properties. */
    public Main() {
        this(System.getenv(), System.getProperties());
    }

    /** Over the given environment and system properties (tests). */
    public Main(Map<String, String> env, Properties systemProperties) {
        this.env = Map.copyOf(env);
        this.systemProperties = systemProperties;
    }

    public static void main(String[] args) {
        NodeLogging.setUp(System.getenv(), System.getProperties());
        System.exit(commandLine(new Main()).execute(args));
    }

    /**
     * The command line over {@code main}: a configuration error (IllegalArgumentException, whose message
     * names key, value and source) is printed as one line and exits 2 like a usage error, not as a stack trace.
     */
    public static CommandLine commandLine(Main main) {
        CommandLine line = new CommandLine(main);
        line.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            if (e instanceof IllegalArgumentException) {
                commandLine.getErr().println("stagecast: " + e.getMessage());
                commandLine.getErr().flush();
                return 2;
            }
            throw e;
        });
        return line;
    }

    @Override
    public StagecastConfig config(Path file) {
        if (file != null) {
            return StagecastConfig.load(file, env, systemProperties);
        }
        String named = systemProperties.getProperty(StagecastConfig.CONFIG_FILE_PROPERTY,
                env.get(StagecastConfig.CONFIG_FILE_ENV));
        return StagecastConfig.load(named == null || named.isBlank() ? null : Path.of(named), env, systemProperties);
    }

    /** Without a subcommand, run a node: what a person trying stagecast wants. */
    @Override
    public void run() {
        try {
            new Run().start(configOption.load(spec));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true, versionProvider = StagecastVersion.class,
            description = "Start a single node (configuration: see docs/configuration.md).")
    static final class Run implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ConfigOption configOption;

        @Override
        public Integer call() throws Exception {
            start(configOption.load(spec));
            return 0;
        }

        void start(StagecastConfig config) throws InterruptedException {
            StagecastServer server = StagecastServer.start(config);
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                stopped.countDown();
            }, "shutdown"));
            GracefulStop.install(server, config.shutdownDrain());
            if (NodeLogging.json()) {
                // One JSON object per line on standard output: the announcement goes through the log.
                java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
                announce(server, config, new PrintStream(text, true, java.nio.charset.StandardCharsets.UTF_8));
                org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Main.class);
                text.toString(java.nio.charset.StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank())
                        .forEach(line -> log.info(line.strip()));
            } else {
                announce(server, config, System.out);
            }
            stopped.await();
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
        // No subject: the watch link is shared, and each person who opens it is a new participant.
        String viewer = server.tokens().mint(JoinGrant.of(room, null, null, Role.ATTENDEE, expiry));
        out.println("Demo room '" + room + "' (rooms.demo; set it empty in production):");
        out.println("  publish (moderator): " + InvitationLinks.url(server.baseUrl(), room, publisher));
        out.println("  watch (attendee, share it): " + InvitationLinks.url(server.baseUrl(), room, viewer));
        if (config.tokenSecretGenerated()) {
            out.println("  (no API key is configured: a random one signs for this run; set STAGECAST_TOKEN_SECRET or keys.secrets"
                    + " to keep links valid across restarts)");
        }
        out.println();
    }
}
