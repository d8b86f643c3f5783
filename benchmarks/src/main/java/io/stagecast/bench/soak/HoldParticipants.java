package io.stagecast.bench.soak;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * Participants in a process of their own, for the fault runs of {@code benchmarks/bin/soak.sh}:
 * joins {@code --publishers} publishers and {@code --viewers} viewers, says when media flows, and
 * holds them until {@code --duration} has passed or the process is killed or frozen, which is the
 * point. With {@code --rejoin-after} it behaves as a client app does when its node dies: once the
 * viewers got no packet for that long, everyone here is closed and joins again, every 200 ms,
 * until media flows again.
 *
 * <p>Its lines for the script start with {@code hold:} and carry wall-clock times in epoch
 * milliseconds ({@code at=}), the clock the script's {@code date +%s%3N} reads:
 * {@code ready}, {@code stalled} (the last packet before the stall), {@code media-again}
 * (the first packet at a viewer after the rejoin), {@code done}.
 */
@Command(name = "hold-participants", mixinStandardHelpOptions = true,
        description = "Synthetic publishers and viewers that join a stagecast node on 127.0.0.1 and stay.")
public final class HoldParticipants implements Callable<Integer> {
    private static final long POLL_MILLIS = 20;
    private static final long RETRY_MILLIS = 200;

    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", description = "the node's HTTP base URL (127.0.0.1)")
    URI url;
    @Option(names = "--token-secret", required = true, description = "the node's token.secret, to mint join tokens")
    String tokenSecret;
    @Option(names = "--room", defaultValue = "soak-hold", description = "room to join")
    String room;
    @Option(names = "--publishers", defaultValue = "0", description = "publishers (video + audio each)")
    int publishers;
    @Option(names = "--viewers", defaultValue = "0", description = "viewers")
    int viewers;
    @Option(names = "--duration", defaultValue = "PT5M", description = "longest stay; the process ends after it (ISO-8601)")
    Duration duration;
    @Option(names = "--join-timeout", defaultValue = "PT15S", description = "longest wait for a join and its first media")
    Duration joinTimeout;
    @Option(names = "--rejoin-after", defaultValue = "PT0S",
            description = "join again once the viewers got nothing for this long (ISO-8601; 0: never)")
    Duration rejoinAfter;

    public static void main(String[] args) {
        System.exit(new CommandLine(new HoldParticipants()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (!"127.0.0.1".equals(url.getHost())) {
            throw new IllegalArgumentException("only 127.0.0.1, not " + url.getHost());
        }
        boolean rejoin = !rejoinAfter.isZero() && !rejoinAfter.isNegative();
        if (rejoin && viewers == 0) {
            throw new IllegalArgumentException("--rejoin-after needs viewers here: their media shows that the node is gone");
        }
        long deadline = System.nanoTime() + duration.toNanos();
        SoakTokens tokens = new SoakTokens(tokenSecret, room);
        try (SyntheticClients clients = new SyntheticClients(url, 1)) {
            ParticipantGroup group = new ParticipantGroup(clients, tokens, publishers, viewers);
            try {
                group.join(joinTimeout);
                say("ready", group.firstMediaEpochMillis(), "publishers=" + publishers + " viewers=" + viewers
                        + " pid=" + ProcessHandle.current().pid());
                long lastReceived = group.received();
                long lastProgressEpoch = System.currentTimeMillis();
                while (System.nanoTime() < deadline) {
                    Thread.sleep(POLL_MILLIS);
                    long received = group.received();
                    if (received != lastReceived) {
                        lastReceived = received;
                        lastProgressEpoch = System.currentTimeMillis();
                    } else if (rejoin && System.currentTimeMillis() - lastProgressEpoch >= rejoinAfter.toMillis()) {
                        say("stalled", lastProgressEpoch, "received=" + received);
                        group.close();
                        group = rejoin(clients, tokens, deadline);
                        if (group == null) {
                            break;
                        }
                        say("media-again", group.firstMediaEpochMillis(),
                                "after-stall-ms=" + (group.firstMediaEpochMillis() - lastProgressEpoch));
                        lastReceived = group.received();
                        lastProgressEpoch = System.currentTimeMillis();
                    }
                }
            } finally {
                if (group != null) {
                    group.close();
                }
            }
        }
        say("done", System.currentTimeMillis(), "");
        return 0;
    }

    /** A new group joined and with media, or null when the deadline came first. */
    private ParticipantGroup rejoin(SyntheticClients clients, SoakTokens tokens, long deadline) throws InterruptedException {
        int attempts = 0;
        while (System.nanoTime() < deadline) {
            attempts++;
            ParticipantGroup group = new ParticipantGroup(clients, tokens, publishers, viewers);
            try {
                group.join(joinTimeout);
                say("rejoined", System.currentTimeMillis(), "attempts=" + attempts);
                return group;
            } catch (Exception e) {
                group.close();
                Thread.sleep(RETRY_MILLIS);
            }
        }
        return null;
    }

    private static void say(String what, long epochMillis, String more) {
        System.out.printf(Locale.ROOT, "hold: %s at=%d %s%n", what, epochMillis, more);
    }
}
