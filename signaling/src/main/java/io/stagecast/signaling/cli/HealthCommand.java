package io.stagecast.signaling.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code stagecast health}: asks a node on this host whether it is alive ({@code /health}) or
 * ready ({@code /ready}), with the JDK's HTTP client: the container image's HEALTHCHECK needs no
 * tool the JRE base image lacks (it has no wget or curl). Exit 0 on 200, 1 otherwise.
 */
@Command(name = "health", mixinStandardHelpOptions = true, versionProvider = StagecastVersion.class,
        description = {"Check a running node: exit 0 when it answers 200, 1 otherwise (a container HEALTHCHECK).",
                "Default: http://127.0.0.1:<http.port>/health of the configuration."})
public final class HealthCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ConfigOption configOption;

    @Option(names = "--ready", description = "check /ready (takes new rooms and joins) instead of /health (alive)")
    boolean ready;
    @Option(names = "--url", paramLabel = "URL", description = "the URL to check (default: from http.port)")
    URI url;
    @Option(names = "--timeout", defaultValue = "PT3S", description = "give up after this long (default: ${DEFAULT-VALUE})")
    Duration timeout;

    @Override
    public Integer call() {
        URI target = url != null ? url
                : URI.create("http://127.0.0.1:" + configOption.load(spec).httpPort() + (ready ? "/ready" : "/health"));
        PrintWriter out = spec.commandLine().getOut();
        HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).connectTimeout(timeout).build();
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(target).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            out.println(target + ": " + response.statusCode() + " " + response.body().trim());
            out.flush();
            return response.statusCode() == 200 ? 0 : 1;
        } catch (IOException e) {
            out.println(target + ": no answer (" + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
            out.flush();
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }
}
