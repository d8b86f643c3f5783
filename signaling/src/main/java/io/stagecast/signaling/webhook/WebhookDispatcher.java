package io.stagecast.signaling.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.stagecast.signaling.config.WebhookSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Posts webhook events to every configured receiver, off the rooms' threads. Per receiver, one
 * bounded queue for all rooms ({@link WebhookSettings#queueSize()}; a full one drops the new event
 * and counts it) holding a FIFO per room: one event of a room is in flight to a receiver at a time,
 * so a room's events arrive in order, while other rooms' events go on. A failed attempt (no 2xx, an
 * error, no answer within {@link WebhookSettings#timeout()}) is retried after 0.5, 1, 2, 4 ... s (at
 * most 30 s apart) until {@link WebhookSettings#retryFor()} after its first attempt, then dropped
 * as failed and the room's next event goes. {@link #submit} only takes a short lock and never
 * waits for the network: a slow or dead receiver costs memory up to the cap, never a room's time.
 * Delivery is at least once: a receiver that did not answer in time may see an id again.
 */
public final class WebhookDispatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final WebhookSettings settings;
    private final String keyId;
    private final byte[] secret;
    private final Clock clock;
    private final List<Receiver> receivers = new ArrayList<>();
    private final ScheduledExecutorService scheduler =
            Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("webhooks", true));
    private final HttpClient http;
    private final Counter delivered;
    private final Counter failed;
    private final Counter dropped;
    private final Counter retries;
    private final AtomicInteger queued = new AtomicInteger();

    public WebhookDispatcher(WebhookSettings settings, String keyId, byte[] secret, Clock clock, MeterRegistry metrics) {
        this.settings = settings;
        this.keyId = keyId;
        this.secret = secret.clone();
        this.clock = clock;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.timeout()).followRedirects(HttpClient.Redirect.NEVER).build();
        for (URI url : settings.urls()) {
            receivers.add(new Receiver(url));
        }
        String name = "stagecast.webhook.events";
        String help = "webhook events by outcome: delivered, failed (retries exhausted), dropped (queue full)";
        delivered = Counter.builder(name).tag("outcome", "delivered").description(help).register(metrics);
        failed = Counter.builder(name).tag("outcome", "failed").description(help).register(metrics);
        dropped = Counter.builder(name).tag("outcome", "dropped").description(help).register(metrics);
        retries = Counter.builder("stagecast.webhook.retries").description("webhook attempts that failed and were retried")
                .register(metrics);
        Gauge.builder("stagecast.webhook.queued", queued, AtomicInteger::get)
                .description("webhook events waiting or in flight, all receivers").register(metrics);
    }

    /** Queues the event for every receiver; never blocks. */
    public void submit(WebhookEvent event) {
        for (Receiver receiver : receivers) {
            receiver.submit(event);
        }
    }

    /** Events waiting or in flight (tests). */
    public int queued() {
        return queued.get();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }

    /** One event on its way to one receiver. */
    private static final class Pending {
        final WebhookEvent event;
        byte[] body;
        long deadlineNanos;
        Duration backoff = FIRST_BACKOFF;
        int attempts;

        Pending(WebhookEvent event) {
            this.event = event;
        }
    }

    private final class Receiver {
        private final URI url;
        /** Per room, its events in order; the head is in flight. Guarded by itself. */
        private final Map<String, ArrayDeque<Pending>> rooms = new HashMap<>();
        private int size;

        Receiver(URI url) {
            this.url = url;
        }

        void submit(WebhookEvent event) {
            Pending pending = new Pending(event);
            boolean first;
            synchronized (rooms) {
                if (size >= settings.queueSize()) {
                    dropped.increment();
                    log.warn("webhook queue for {} is full ({}): {} of room {} dropped", url, size, event.type(), event.room());
                    return;
                }
                size++;
                queued.incrementAndGet();
                ArrayDeque<Pending> queue = rooms.computeIfAbsent(event.room(), r -> new ArrayDeque<>());
                queue.add(pending);
                first = queue.size() == 1;
            }
            if (first) {
                execute(() -> attempt(pending));
            }
        }

        private void attempt(Pending p) {
            try {
                if (p.body == null) {
                    p.body = JSON.writeValueAsBytes(p.event.toJson());
                    p.deadlineNanos = System.nanoTime() + settings.retryFor().toNanos();
                }
                p.attempts++;
                long timestamp = clock.instant().getEpochSecond();
                HttpRequest request = HttpRequest.newBuilder(url)
                        .timeout(settings.timeout())
                        .header("Content-Type", "application/json")
                        .header("User-Agent", "stagecast-webhooks")
                        .header(WebhookSignature.EVENT_ID, p.event.id())
                        .header(WebhookSignature.TIMESTAMP, Long.toString(timestamp))
                        .header(WebhookSignature.KEY_ID, keyId)
                        .header(WebhookSignature.SIGNATURE, WebhookSignature.sign(secret, timestamp, p.body))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(p.body))
                        .build();
                http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
                    if (error == null && response.statusCode() / 100 == 2) {
                        delivered.increment();
                        done(p);
                    } else {
                        retryOrFail(p, error != null ? error.toString() : "status " + response.statusCode());
                    }
                });
            } catch (Exception e) {
                retryOrFail(p, e.toString());
            }
        }

        private void retryOrFail(Pending p, String why) {
            long wait = p.backoff.toNanos();
            if (System.nanoTime() + wait > p.deadlineNanos) {
                failed.increment();
                log.warn("webhook {} ({} of room {}) to {} failed after {} attempts: {}", p.event.id(), p.event.type(),
                        p.event.room(), url, p.attempts, why);
                done(p);
                return;
            }
            retries.increment();
            log.debug("webhook {} to {} failed ({}), retrying in {}", p.event.id(), url, why, p.backoff);
            Duration next = p.backoff.multipliedBy(2);
            p.backoff = next.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : next;
            schedule(() -> attempt(p), wait);
        }

        /** The head of its room's queue is through: the room's next event goes. */
        private void done(Pending p) {
            Pending next;
            synchronized (rooms) {
                size--;
                queued.decrementAndGet();
                ArrayDeque<Pending> queue = rooms.get(p.event.room());
                queue.poll();
                next = queue.peek();
                if (next == null) {
                    rooms.remove(p.event.room());
                }
            }
            if (next != null) {
                Pending n = next;
                execute(() -> attempt(n));
            }
        }
    }

    private void execute(Runnable task) {
        schedule(task, 0);
    }

    private void schedule(Runnable task, long delayNanos) {
        try {
            scheduler.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // Closed: the node is stopping.
        }
    }
}
