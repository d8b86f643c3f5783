package io.stagecast.bench;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs the forwarding benchmarks with {@code -prof gc} and states every result as a ratio to the
 * matching SRTP floor measured in the same run: egress per subscriber against {@code protect},
 * ingress (minus the publisher's protect it has to include) against {@code unprotect}. Takes the
 * usual JMH options, e.g. {@code -wi 2 -i 3 -w 1s -r 1s -p fanout=1,100}.
 */
public final class JmhRunner {
    private static final String ALLOC = "gc.alloc.rate.norm";

    private JmhRunner() {
    }

    public static void main(String[] args) throws Exception {
        Options given = new CommandLineOptions(args);
        OptionsBuilder builder = new OptionsBuilder();
        builder.parent(given).addProfiler(GCProfiler.class);
        if (given.getIncludes().isEmpty()) {
            builder.include(SrtpFloorBenchmark.class.getSimpleName())
                    .include(IngressBenchmark.class.getSimpleName())
                    .include(EgressBenchmark.class.getSimpleName());
        }
        Collection<RunResult> results = new Runner(builder.build()).run();
        System.out.println();
        System.out.print(report(results));
    }

    /** One line per result: ns/op, B/op and the ratio to its floor. */
    static String report(Collection<RunResult> results) {
        Map<String, double[]> floors = new HashMap<>();
        List<RunResult> rest = new ArrayList<>();
        for (RunResult r : results) {
            BenchmarkParams p = r.getParams();
            String method = method(p);
            if (p.getBenchmark().contains(SrtpFloorBenchmark.class.getSimpleName())) {
                floors.put(method + "/" + key(p) + "/" + contexts(p), new double[]{r.getPrimaryResult().getScore(), alloc(r)});
            } else {
                rest.add(r);
            }
        }
        // The unprotect floor: a fresh packet's round trip minus its protect, from the same run.
        for (String key : List.copyOf(floors.keySet())) {
            if (key.startsWith("protectAndUnprotect/")) {
                String k = key.substring("protectAndUnprotect/".length());
                double[] both = floors.get(key);
                double[] protect = floors.get("protect/" + k);
                if (protect != null) {
                    floors.put("unprotect/" + k, new double[]{both[0] - protect[0], both[1] - protect[1]});
                }
            }
        }
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%-10s %-24s %5s %6s %10s %10s %8s %8s%n",
                "what", "profile", "bytes", "fanout", "ns/pkt", "B/pkt", "x floor", "x floor1"));
        for (RunResult r : results) {
            BenchmarkParams p = r.getParams();
            if (p.getBenchmark().contains(SrtpFloorBenchmark.class.getSimpleName())) {
                line(out, method(p), p, contexts(p), r.getPrimaryResult().getScore(), alloc(r), Double.NaN, Double.NaN);
                double[] unprotect = floors.get("unprotect/" + key(p) + "/" + contexts(p));
                if (method(p).equals("protectAndUnprotect") && unprotect != null) {
                    line(out, "unprotect", p, contexts(p), unprotect[0], unprotect[1], Double.NaN, Double.NaN);
                }
            }
        }
        for (RunResult r : rest) {
            BenchmarkParams p = r.getParams();
            double ns = r.getPrimaryResult().getScore();
            double bytes = alloc(r);
            double[] protect = floors.get("protect/" + key(p) + "/1");
            double[] unprotect = floors.get("unprotect/" + key(p) + "/1");
            boolean relay = p.getBenchmark().contains(RelayEgressBenchmark.class.getSimpleName());
            if (relay || p.getBenchmark().contains(EgressBenchmark.class.getSimpleName())) {
                int fanout = Integer.parseInt(p.getParam("fanout"));
                ns /= fanout;
                bytes /= fanout;
                String what = relay ? "relay" : "true".equals(p.getParam("allocation")) ? "egress+bwe" : "egress";
                // The floor of a fan-out of N protects with N contexts (SrtpFloorBenchmark's contexts).
                double[] same = floors.get("protect/" + key(p) + "/" + fanout);
                line(out, what, p, String.valueOf(fanout), ns, bytes, same == null ? Double.NaN : ns / same[0],
                        protect == null ? Double.NaN : ns / protect[0]);
            } else {
                line(out, "ingress+p", p, "", ns, bytes, Double.NaN, Double.NaN);
                if (protect != null && unprotect != null) {
                    double net = ns - protect[0];
                    line(out, "ingress", p, "", net, bytes - protect[1], net / unprotect[0], Double.NaN);
                }
            }
        }
        out.append("relay: per edge node (RelayEgressBenchmark); egress: per subscriber, ratio to protect with as many contexts as the fan-out (x floor) and with one"
                + " (x floor1); fanout of a floor line: its contexts; ingress: ingress+p minus the protect floor, ratio to"
                + " unprotect\n");
        return out.toString();
    }

    private static void line(StringBuilder out, String what, BenchmarkParams p, String fanout, double ns, double bytes,
                             double ratio, double ratioOne) {
        out.append(String.format(Locale.ROOT, "%-10s %-24s %5s %6s %10.1f %10.1f %8s %8s%n", what, p.getParam("profile"),
                p.getParam("packetBytes"), fanout, ns, bytes, ratio(ratio), ratio(ratioOne)));
    }

    private static String ratio(double ratio) {
        return Double.isNaN(ratio) ? "" : String.format(Locale.ROOT, "%.2f", ratio);
    }

    private static String contexts(BenchmarkParams p) {
        String contexts = p.getParam("contexts");
        return contexts == null ? "1" : contexts;
    }

    private static String method(BenchmarkParams p) {
        String name = p.getBenchmark();
        return name.substring(name.lastIndexOf('.') + 1);
    }

    private static String key(BenchmarkParams p) {
        return p.getParam("profile") + "/" + p.getParam("packetBytes");
    }

    private static double alloc(RunResult r) {
        Result<?> result = r.getSecondaryResults().get(ALLOC);
        return result == null ? Double.NaN : result.getScore();
    }
}
