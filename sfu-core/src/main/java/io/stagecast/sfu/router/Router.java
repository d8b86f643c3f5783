package io.stagecast.sfu.router;

import io.netty.channel.EventLoop;
import io.stagecast.sfu.transport.Transport;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A room's forwarding graph: the producers published into it and who consumes them. Changes made
 * here are queued on the media event loop in call order, so signaling can call from any thread
 * and use the returned handles at once.
 */
public final class Router {
    private final String name;
    private final EventLoop loop;
    private final List<Producer> producers = new CopyOnWriteArrayList<>();
    private volatile RouterEvents events = RouterEvents.NONE;

    public Router(String name, EventLoop loop) {
        this.name = name;
        this.loop = loop;
    }

    public String name() {
        return name;
    }

    public Producer createProducer(Transport publisher, ProducerSpec spec) {
        Producer producer = new Producer(UUID.randomUUID().toString(), this, publisher, spec);
        producers.add(producer);
        loop.execute(producer::attach);
        return producer;
    }

    public Consumer createConsumer(Transport subscriber, Producer producer, ConsumerSpec spec) {
        Consumer consumer = new Consumer(UUID.randomUUID().toString(), subscriber, producer, spec);
        loop.execute(consumer::attach);
        return consumer;
    }

    /**
     * A consumer on the same SSRCs as {@code previous} (closed, or null), continuing its sequence
     * numbers and timestamps: what a subscriber that cannot renegotiate (WHEP) needs when its
     * fixed slot shows another producer.
     */
    public Consumer createConsumer(Transport subscriber, Producer producer, ConsumerSpec spec, Consumer previous) {
        Consumer consumer = new Consumer(UUID.randomUUID().toString(), subscriber, producer, spec);
        loop.execute(() -> {
            consumer.continueAfter(previous);
            consumer.attach();
        });
        return consumer;
    }

    /**
     * Where this room's media-plane news goes (dominant speaker, layer demand).
     * CONTRACT STUB (issue 9): stored, not yet called.
     */
    public void setEvents(RouterEvents events) {
        this.events = events == null ? RouterEvents.NONE : events;
    }

    /**
     * At most {@code lastN} video tracks are forwarded to this subscriber (the room's setting, or
     * a phone's smaller default); the rest are paused for it. CONTRACT STUB (issue 9): not applied yet.
     */
    public void setLastN(Transport subscriber, int lastN) {
    }

    /** What the forwarding towards one subscriber decided, read on the media loop. CONTRACT STUB (issue 9). */
    public CompletableFuture<SubscriberReport> subscriberReport(Transport subscriber) {
        return CompletableFuture.completedFuture(new SubscriberReport(subscriber.id(), 0, 0, 0, Integer.MAX_VALUE, List.of()));
    }

    public List<Producer> producers() {
        return List.copyOf(producers);
    }

    void removeProducer(Producer producer) {
        producers.remove(producer);
    }

    public void close() {
        for (Producer producer : new ArrayList<>(producers)) {
            producer.close();
        }
    }

    @Override
    public String toString() {
        return "Router[" + name + ", " + producers.size() + " producers]";
    }
}
