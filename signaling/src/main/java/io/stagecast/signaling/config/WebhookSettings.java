package io.stagecast.signaling.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Where and how the node posts its webhooks (section {@code webhooks}, docs/configuration.md).
 *
 * @param urls          {@code webhooks.urls}: http(s) receivers; empty sends nothing
 * @param signingKeyId  {@code webhooks.signing-key}: the API key whose secret signs the events; null for
 *                      the node's signing key ({@code keys.signing-key})
 * @param timeout       {@code webhooks.timeout-seconds}: one attempt's limit (connect and answer)
 * @param retryFor      {@code webhooks.retry-seconds}: an event is retried with backoff for this long
 *                      after its first attempt, then dropped as failed
 * @param queueSize     {@code webhooks.queue-size}: events waiting per receiver, all rooms together;
 *                      more are dropped (and counted), so a dead receiver costs bounded memory
 */
public record WebhookSettings(List<URI> urls, String signingKeyId, Duration timeout, Duration retryFor, int queueSize) {

    public static final WebhookSettings NONE = new WebhookSettings(List.of(), null, Duration.ofSeconds(10),
            Duration.ofSeconds(120), 10_000);

    public WebhookSettings {
        urls = List.copyOf(urls);
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(retryFor, "retryFor");
        if (queueSize < 1) {
            throw new IllegalArgumentException("webhooks.queue-size must be positive");
        }
    }

    public boolean enabled() {
        return !urls.isEmpty();
    }

    /** An absolute http:// or https:// URL. */
    static URI url(String value) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + e.getReason());
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                || uri.getHost() == null) {
            throw new IllegalArgumentException("expected an absolute http:// or https:// URL");
        }
        return uri;
    }
}
