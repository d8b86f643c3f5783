package io.stagecast.bench;

import io.stagecast.signaling.token.JoinGrant;
import io.stagecast.signaling.token.JoinTokens;
import io.stagecast.signaling.token.RandomIds;
import io.stagecast.signaling.token.Role;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a room's signaling costs its node as the room grows (issue 14's 10,000-viewer stage: the
 * origin carries every participant's signaling, edge clients' included). Per step, a fresh room
 * on a running node: a moderator, then {@code N} viewers joining over WebSocket (signaling only:
 * they never answer the stage's offer, so run the node with a long
 * {@code ice.consent-timeout-seconds}), then chat messages from the moderator, one a second.
 * Reports the node's CPU for the join wave and per chat message delivered, the join snapshot's
 * size, and how long a chat message took to reach the last viewer. The clients count characters
 * and look for their chat events without parsing JSON, so their own cost stays small.
 */
@Command(name = "large-room-signaling", mixinStandardHelpOptions = true,
        description = "Signaling cost of one large room on a stagecast node on 127.0.0.1.")
public final class LargeRoomSignaling implements Callable<Integer> {
    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", description = "the node's HTTP base URL")
    URI url;
    @Option(names = "--token-secret", required = true, description = "the node's token.secret, to mint join tokens")
    String tokenSecret;
    @Option(names = "--node-pid", required = true, description = "the node's PID, for its CPU time")
    long nodePid;
    @Option(names = "--viewers", split = ",", defaultValue = "500,1000,2000", description = "viewers per step (one room each)")
    List<Integer> steps;
    @Option(names = "--chat-messages", defaultValue = "5", description = "chat messages per step, one a second")
    int chatMessages;
    @Option(names = "--concurrency", defaultValue = "16", description = "joins under way at once")
    int concurrency;

    private final HttpClient http = HttpClient.newHttpClient();

    public static void main(String[] args) {
        System.exit(new CommandLine(new LargeRoomSignaling()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        JoinTokens tokens = new JoinTokens(tokenSecret.getBytes(StandardCharsets.UTF_8), Clock.systemUTC());
        ProcessCpu cpu = new ProcessCpu(nodePid);
        for (int n : steps) {
            step(n, tokens, cpu);
        }
        return 0;
    }

    private void step(int viewers, JoinTokens tokens, ProcessCpu cpu) throws Exception {
        String room = "large-" + viewers + "-" + RandomIds.participantId().substring(0, 6);
        Client moderator = Client.open(http, url, room, tokenFor(tokens, room, "moderator", Role.MODERATOR)).get(10, TimeUnit.SECONDS);
        moderator.sendAndAwaitResponse("{\"id\":2,\"type\":\"session.start\"}").get(10, TimeUnit.SECONDS);
        List<Client> clients = new ArrayList<>();
        Semaphore window = new Semaphore(concurrency);
        double cpuBefore = cpu.seconds();
        long start = System.nanoTime();
        List<CompletableFuture<Client>> joins = new ArrayList<>();
        for (int i = 0; i < viewers; i++) {
            window.acquire();
            CompletableFuture<Client> join = Client.open(http, url, room, tokenFor(tokens, room, "viewer-" + i, Role.ATTENDEE));
            join.whenComplete((c, e) -> window.release());
            joins.add(join);
        }
        for (CompletableFuture<Client> join : joins) {
            clients.add(join.get(60, TimeUnit.SECONDS));
        }
        double joinSeconds = (System.nanoTime() - start) / 1e9;
        double joinCpu = cpu.seconds() - cpuBefore;
        long lastSnapshot = clients.get(clients.size() - 1).joinResponseChars;
        Thread.sleep(2000); // the last participant.added events settle
        long received = clients.stream().mapToLong(c -> c.chars.get()).sum();

        double idleBefore = cpu.seconds();
        Thread.sleep(3000);
        double idlePerSecond = (cpu.seconds() - idleBefore) / 3;

        long[] lastArrival = new long[chatMessages];
        double chatCpuBefore = cpu.seconds();
        long chatStart = System.nanoTime();
        for (int m = 0; m < chatMessages; m++) {
            long sent = System.nanoTime();
            moderator.send("{\"id\":" + (10 + m) + ",\"type\":\"chat.send\",\"text\":\"t" + sent + "\"}");
            Thread.sleep(1100);
            long latest = 0;
            int missing = 0;
            for (Client c : clients) {
                long at = c.chatArrivals.getOrDefault(sent, -1L);
                if (at < 0) {
                    missing++;
                } else {
                    latest = Math.max(latest, at - sent);
                }
            }
            lastArrival[m] = missing > 0 ? -missing : latest;
        }
        double chatWall = (System.nanoTime() - chatStart) / 1e9;
        double chatCpu = cpu.seconds() - chatCpuBefore - idlePerSecond * chatWall;
        StringBuilder arrivals = new StringBuilder();
        for (long ns : lastArrival) {
            arrivals.append(ns < 0 ? "missing " + (-ns) : String.format(Locale.ROOT, "%.1f", ns / 1e6)).append(' ');
        }
        System.out.printf(Locale.ROOT, "LARGE_ROOM viewers=%d joins=%.1fs (%.0f/s) join_cpu=%.2fs (%.2f ms/join)"
                        + " last_snapshot=%d chars received_per_viewer=%d chars idle_cpu=%.1f%% chat_cpu=%.1f ms/message"
                        + " (%.2f us per delivery) last_viewer_ms=[%s]%n",
                viewers, joinSeconds, viewers / joinSeconds, joinCpu, joinCpu * 1000 / viewers, lastSnapshot,
                received / viewers, idlePerSecond * 100, chatCpu * 1000 / chatMessages,
                chatCpu * 1e6 / chatMessages / viewers, arrivals.toString().trim());
        for (Client c : clients) {
            c.close();
        }
        moderator.close();
        Thread.sleep(3000);
    }

    private static String tokenFor(JoinTokens tokens, String room, String name, Role role) {
        return tokens.mint(JoinGrant.of(room, RandomIds.participantId(), name, role, Instant.now().plus(Duration.ofHours(1))));
    }

    /** One participant's WebSocket: joins, then counts what arrives and when each chat message did. */
    private static final class Client implements WebSocket.Listener {
        final AtomicLong chars = new AtomicLong();
        final java.util.concurrent.ConcurrentHashMap<Long, Long> chatArrivals = new java.util.concurrent.ConcurrentHashMap<>();
        final StringBuilder partial = new StringBuilder();
        volatile CompletableFuture<Void> response = new CompletableFuture<>();
        volatile long joinResponseChars;
        volatile WebSocket socket;

        static CompletableFuture<Client> open(HttpClient http, URI base, String room, String token) {
            Client client = new Client();
            URI ws = URI.create(base.toString().replaceFirst("^http", "ws").replaceAll("/+$", "") + "/ws");
            return http.newWebSocketBuilder().buildAsync(ws, client).thenCompose(socket -> {
                client.socket = socket;
                return client.sendAndAwaitResponse("{\"id\":1,\"type\":\"join\",\"room\":\"" + room + "\",\"token\":\""
                        + token + "\"}").thenApply(ignored -> client);
            });
        }

        CompletableFuture<Void> sendAndAwaitResponse(String text) {
            CompletableFuture<Void> waiting = new CompletableFuture<>();
            response = waiting;
            socket.sendText(text, true);
            return waiting;
        }

        void send(String text) {
            socket.sendText(text, true);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                chars.addAndGet(partial.length());
                String head = partial.length() > 64 ? partial.substring(0, 64) : partial.toString();
                if (head.contains("\"response\"") || partial.indexOf("\"type\":\"response\"") >= 0) {
                    if (joinResponseChars == 0) {
                        joinResponseChars = partial.length();
                    }
                    response.complete(null);
                } else {
                    int at = partial.indexOf("\"text\":\"t");
                    if (at >= 0 && partial.indexOf("chat.message") >= 0) {
                        int end = partial.indexOf("\"", at + 9);
                        chatArrivals.put(Long.parseLong(partial.substring(at + 9, end)), System.nanoTime());
                    }
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        void close() {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
        }
    }
}
