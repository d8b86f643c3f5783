package io.stagecast.bench.soak;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One read of a node's {@code GET /metrics} (Prometheus text format 0.0.4): sums over the series
 * of a name, optionally only those carrying one label value. Gauges split by label (transports by
 * state, heap by pool) are wanted as their total.
 */
final class MetricsScrape {
    static final String TRANSPORTS = "stagecast_transports";
    static final String PARTICIPANTS = "stagecast_participants";
    static final String THREADS = "jvm_threads_live_threads";
    static final String OPEN_FILES = "process_files_open_files";
    static final String MEMORY_USED = "jvm_memory_used_bytes";

    private record Sample(String name, String labels, double value) {
    }

    private final List<Sample> samples;

    private MetricsScrape(List<Sample> samples) {
        this.samples = samples;
    }

    /** Reads {@code base}/metrics once; fails when the node does not answer 200 within 5 s. */
    static MetricsScrape fetch(HttpClient http, URI base) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve("/metrics"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET /metrics answered " + response.statusCode());
        }
        return parse(response.body());
    }

    static MetricsScrape parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            if (space < 0) {
                continue;
            }
            // Label values may hold spaces, so the name ends at the brace and the value after the last space.
            int nameEnd = brace >= 0 && brace < space ? brace : line.indexOf(' ');
            String labels = brace >= 0 && brace < space ? line.substring(brace, line.lastIndexOf('}', space) + 1) : "";
            try {
                samples.add(new Sample(line.substring(0, nameEnd), labels, Double.parseDouble(line.substring(space + 1))));
            } catch (NumberFormatException e) {
                // A timestamp after the value, or a line we do not read: not one of the node's.
            }
        }
        return new MetricsScrape(samples);
    }

    /** The sum of every series of {@code name}; 0 when there is none. */
    double sum(String name) {
        double sum = 0;
        for (Sample sample : samples) {
            if (sample.name.equals(name)) {
                sum += sample.value;
            }
        }
        return sum;
    }

    /** The sum of the series of {@code name} that have {@code label="value"}. */
    double sum(String name, String label, String value) {
        String wanted = label + "=\"" + value + "\"";
        double sum = 0;
        for (Sample sample : samples) {
            if (sample.name.equals(name) && (sample.labels.contains("{" + wanted) || sample.labels.contains("," + wanted))) {
                sum += sample.value;
            }
        }
        return sum;
    }

    /** Each value of {@code label} on the series of {@code name}, with the sum of its series. */
    Map<String, Double> byLabel(String name, String label) {
        Pattern value = Pattern.compile("[{,]" + Pattern.quote(label) + "=\"([^\"]*)\"");
        Map<String, Double> sums = new TreeMap<>();
        for (Sample sample : samples) {
            Matcher m = value.matcher(sample.labels);
            if (sample.name.equals(name) && m.find()) {
                sums.merge(m.group(1), sample.value, Double::sum);
            }
        }
        return sums;
    }

    /** Whether the node exposes {@code name} at all (a renamed metric must not read as 0). */
    boolean has(String name) {
        return samples.stream().anyMatch(s -> s.name.equals(name));
    }
}
