package io.stagecast.bench.soak;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * Random loss on the publisher's path (issue 13): one synthetic publisher and a few viewers join
 * a node on 127.0.0.1; a window without loss, then one with {@code --loss-percent} of the
 * publisher's datagrams dropped by an nftables rule on its UDP port ({@link LossRule}). Per window
 * it reports what the node did about it: NACKs and keyframe requests to the publisher, the node's
 * retransmissions, and what the viewers still miss; exit code 1 when a figure is past its bound.
 *
 * <p>What this measures, honestly: the synthetic publisher does not answer NACKs (it has no
 * packet history; it answers PLI/FIR with a key frame), and the synthetic viewers send no NACKs.
 * So the node's NACKs go unanswered, it falls back on keyframe requests ({@code upstream_loss}),
 * nothing is recovered, and the node has nothing to retransmit to viewers. The figures are the
 * node's reaction to loss, not a recovery rate. Needs root (nft).
 */
@Command(name = "publisher-loss", mixinStandardHelpOptions = true,
        description = "Random loss on a synthetic publisher's UDP path to a node on 127.0.0.1 (nftables): the node's NACKs,"
                + " keyframe requests and the viewers' residual loss.")
public final class PublisherLossRun implements Callable<Integer> {
    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", description = "the node's HTTP base URL (127.0.0.1)")
    URI url;
    @Option(names = "--token-secret", required = true, description = "the node's token.secret, to mint join tokens")
    String tokenSecret;
    @Option(names = "--room", defaultValue = "soak-loss", description = "room to use")
    String room;
    @Option(names = "--viewers", defaultValue = "3", description = "viewers")
    int viewers;
    @Option(names = "--loss-percent", defaultValue = "2", description = "share of the publisher's datagrams dropped, percent")
    double lossPercent;
    @Option(names = "--warmup", defaultValue = "PT5S", description = "media before the first window (ISO-8601)")
    Duration warmup;
    @Option(names = "--window", defaultValue = "PT30S", description = "length of each window (ISO-8601)")
    Duration window;
    @Option(names = "--nft", defaultValue = "nft", description = "the nft command")
    String nft;
    @Option(names = "--nft-table", defaultValue = "stagecast_soak_loss", description = "nftables table (inet) to create and delete")
    String nftTable;
    @Option(names = "--max-clean-loss-percent", defaultValue = "0.5", description = "bound: residual loss without the rule, percent")
    double maxCleanLossPercent;
    @Option(names = "--min-nacks-per-drop", defaultValue = "0.5", description = "bound: NACK packets to the publisher per dropped datagram")
    double minNacksPerDrop;
    @Option(names = "--max-residual-factor", defaultValue = "1.5",
            description = "bound: residual loss with the rule at most this times the dropped share (+ the clean bound)")
    double maxResidualFactor;

    private PrintStream out = System.out;

    public static void main(String[] args) {
        System.exit(new CommandLine(new PublisherLossRun()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (!"127.0.0.1".equals(url.getHost())) {
            throw new IllegalArgumentException("only 127.0.0.1, not " + url.getHost());
        }
        int perMille = (int) Math.round(lossPercent * 10);
        HttpClient http = HttpClient.newHttpClient();
        SoakTokens tokens = new SoakTokens(tokenSecret, room);
        try (SyntheticClients clients = new SyntheticClients(url, 1);
             ParticipantGroup group = new ParticipantGroup(clients, tokens, 1, viewers)) {
            group.join(Duration.ofSeconds(20));
            int port = group.publishers().get(0).peer().localAddress().getPort();
            out.printf(Locale.ROOT, "loss: publisher on UDP port %d, %d viewer(s); %s clean, then %s with %.1f%% dropped%n",
                    port, viewers, window, window, perMille / 10.0);
            Thread.sleep(warmup.toMillis());
            LossCounters clean = window(group, null, http);
            LossCounters lossy;
            try (LossRule rule = new LossRule(nft, nftTable, port, perMille)) {
                lossy = window(group, rule, http);
            }
            print("clean", clean);
            print("lossy", lossy);
            List<Verdict> verdicts = judge(clean, lossy, perMille / 1000.0);
            verdicts.forEach(v -> out.println("  " + v.line()));
            boolean pass = verdicts.stream().allMatch(Verdict::pass);
            out.println("loss: " + (pass ? "PASS" : "FAIL"));
            return pass ? 0 : 1;
        }
    }

    private LossCounters window(ParticipantGroup group, LossRule rule, HttpClient http) throws Exception {
        LossCounters start = LossCounters.read(group, rule, MetricsScrape.fetch(http, url));
        Thread.sleep(window.toMillis());
        return LossCounters.read(group, rule, MetricsScrape.fetch(http, url)).minus(start);
    }

    private void print(String name, LossCounters w) {
        double seconds = window.toMillis() / 1000.0;
        out.printf(Locale.ROOT, "loss: %s window: publisher sent %d RTP (%.0f/s), rule dropped %d (%.2f%%);"
                        + " node sent the publisher %d NACK packets (%.2f per drop) and %d PLI/FIR (%.1f/s; upstream_loss %.0f,"
                        + " pli_sent %.0f; keyframe requests by reason %s); node answered %.0f viewer NACKs, retransmitted %.0f;"
                        + " viewers' residual loss %.2f%% (sequence gaps)%n", name, w.publisherSent(), w.publisherSent() / seconds, w.dropped(),
                100 * w.droppedShare(), w.nacksToPublisher(), w.dropped() == 0 ? 0 : w.nacksToPublisher() / (double) w.dropped(),
                w.keyframeRequestsToPublisher(), w.keyframeRequestsToPublisher() / seconds, w.upstreamLossKeyframes(),
                w.plisSent(), w.keyframeReasons(), w.nacksAnswered(), w.retransmitted(), 100 * w.residualLoss());
    }

    private List<Verdict> judge(LossCounters clean, LossCounters lossy, double loss) {
        List<Verdict> verdicts = new ArrayList<>();
        double maxClean = maxCleanLossPercent / 100;
        verdicts.add(new Verdict("residual loss, no rule", "-", percent(clean.residualLoss()), "<= " + percent(maxClean),
                clean.residualLoss() <= maxClean));
        double dropped = lossy.droppedShare();
        verdicts.add(new Verdict("rule dropped", percent(loss), percent(dropped), "0.5-1.5 x " + percent(loss),
                dropped >= 0.5 * loss && dropped <= 1.5 * loss));
        double nacksPerDrop = lossy.dropped() == 0 ? 0 : lossy.nacksToPublisher() / (double) lossy.dropped();
        verdicts.add(new Verdict("NACKs per dropped packet", fixed(clean.nacksToPublisher()), fixed(nacksPerDrop),
                ">= " + minNacksPerDrop, nacksPerDrop >= minNacksPerDrop));
        verdicts.add(new Verdict("keyframes for upstream_loss", fixed(clean.upstreamLossKeyframes()),
                fixed(lossy.upstreamLossKeyframes()), "> 0", lossy.upstreamLossKeyframes() > 0));
        double bound = maxResidualFactor * dropped + maxClean;
        verdicts.add(new Verdict("residual loss, with rule", percent(clean.residualLoss()),
                percent(lossy.residualLoss()), "<= " + percent(bound), lossy.residualLoss() <= bound));
        return verdicts;
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.2f%%", 100 * share);
    }

    private static String fixed(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
