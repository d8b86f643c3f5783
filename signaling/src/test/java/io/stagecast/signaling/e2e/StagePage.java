package io.stagecast.signaling.e2e;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The room web app in a {@link NamespacedChromium}, probed by {@link StageProbe}: who this page is,
 * what it decodes per publisher, what it publishes per simulcast layer, and which WebSocket events
 * reached it when. Times are the pages' {@code Date.now()}: every browser runs on this machine's clock.
 */
final class StagePage {
    final NamespacedChromium browser;
    final String who;

    StagePage(NamespacedChromium browser, String who, StageProbe.Setup setup) {
        this.browser = browser;
        this.who = who;
        browser.beforeEveryPage(StageProbe.beforeApp(setup));
    }

    void open(String url) {
        browser.open(url);
    }

    Object js(String script, Object... args) {
        return browser.script(script, args);
    }

    /** The participant id the room gave this page. */
    String participantId(long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (System.nanoTime() < deadline) {
            Object id = js("const s = window.stagecast && window.stagecast.state; return s && s.you ? s.you.id : null;");
            if (id != null) {
                return id.toString();
            }
            Thread.sleep(100);
        }
        browser.screenshot("failed-join-" + who);
        fail(who + ": not in the room after " + timeoutMs + " ms\n" + browser.consoleLog());
        return null;
    }

    /** One inbound video stream as getStats reports it. */
    record Track(String track, String mid, int width, int height, long framesDecoded, long keyFrames, long packets,
                 long bytes, long freezes, double freezeSeconds, double fps) {
        @Override
        public String toString() {
            return String.format("%dx%d frames=%d key=%d packets=%d %dkB freezes=%d/%.2fs", width, height, framesDecoded,
                    keyFrames, packets, bytes / 1000, freezes, freezeSeconds);
        }
    }

    /** One stage tile: whose, the track it shows, how large it is on screen, whether it is marked dominant. */
    record Tile(String participant, String trackId, String track, String dominant, boolean mine, int shownWidth, int shownHeight) {
    }

    /** A viewer's reading at {@code at} (ms, page clock). */
    record Viewer(long at, List<Track> tracks, List<Tile> tiles) {
        Tile tile(String participant) {
            return tiles.stream().filter(t -> t.participant().equals(participant) && !t.mine()).findFirst().orElse(null);
        }

        /** The video stream shown in {@code participant}'s tile; empty (zeros) when there is none yet. */
        Track video(String participant) {
            Tile tile = tile(participant);
            if (tile != null && !tile.track().isEmpty()) {
                for (Track t : tracks) {
                    if (t.track().equals(tile.track())) {
                        return t;
                    }
                }
            }
            return new Track("", "", 0, 0, 0, 0, 0, 0, 0, 0, 0);
        }
    }

    /** One simulcast layer the publisher sends. */
    record Layer(String rid, boolean active, boolean parameterActive, long bytes, int width, int height, long frames,
                 double fps, String limit, long targetKbps) {
        @Override
        public String toString() {
            return String.format("%s %s%s %dx%d %.0ffps %dkB target %dkbit/s%s", rid, active ? "active" : "INACTIVE",
                    parameterActive ? "" : " (parameters: inactive)", width, height, fps, bytes / 1000, targetKbps,
                    limit.isEmpty() || limit.equals("none") ? "" : " limited by " + limit);
        }
    }

    /** A publisher's reading: its video layers by rid. */
    record Publisher(long at, Map<String, Layer> layers) {
        Layer layer(String rid) {
            return layers.getOrDefault(rid, new Layer(rid, false, false, 0, 0, 0, 0, 0, "", 0));
        }

        @Override
        public String toString() {
            return layers.values().toString();
        }
    }

    @SuppressWarnings("unchecked")
    Viewer viewer() {
        Map<String, Object> raw = browser.asyncResult(StageProbe.VIEWER_STATS);
        if (raw.containsKey("error")) {
            fail(who + ": getStats failed: " + raw.get("error"));
        }
        List<Track> tracks = new ArrayList<>();
        for (Map<String, Object> t : (List<Map<String, Object>>) raw.getOrDefault("tracks", List.of())) {
            tracks.add(new Track(str(t, "track"), str(t, "mid"), (int) num(t, "width"), (int) num(t, "height"),
                    (long) num(t, "framesDecoded"), (long) num(t, "keyFrames"), (long) num(t, "packets"), (long) num(t, "bytes"),
                    (long) num(t, "freezes"), num(t, "freezeSeconds"), num(t, "fps")));
        }
        List<Tile> tiles = new ArrayList<>();
        for (Map<String, Object> t : (List<Map<String, Object>>) raw.getOrDefault("tiles", List.of())) {
            tiles.add(new Tile(str(t, "participant"), str(t, "trackId"), str(t, "track"), str(t, "dominant"),
                    Boolean.TRUE.equals(t.get("mine")), (int) num(t, "shownWidth"), (int) num(t, "shownHeight")));
        }
        return new Viewer((long) num(raw, "now"), tracks, tiles);
    }

    @SuppressWarnings("unchecked")
    Publisher publisher() {
        Map<String, Object> raw = browser.asyncResult(StageProbe.PUBLISHER_STATS);
        if (raw.containsKey("error")) {
            fail(who + ": getStats failed: " + raw.get("error"));
        }
        Map<String, Boolean> parameterActive = new HashMap<>();
        for (Map<String, Object> p : (List<Map<String, Object>>) raw.getOrDefault("params", List.of())) {
            parameterActive.put(str(p, "rid"), Boolean.TRUE.equals(p.get("active")));
        }
        Map<String, Layer> layers = new java.util.TreeMap<>();
        for (Map<String, Object> l : (List<Map<String, Object>>) raw.getOrDefault("layers", List.of())) {
            String rid = str(l, "rid");
            layers.put(rid, new Layer(rid, Boolean.TRUE.equals(l.get("active")), parameterActive.getOrDefault(rid, true),
                    (long) num(l, "bytes"), (int) num(l, "width"), (int) num(l, "height"), (long) num(l, "frames"),
                    num(l, "fps"), str(l, "limit"), (long) num(l, "targetKbps")));
        }
        return new Publisher((long) num(raw, "now"), layers);
    }

    /** The audio level (0..1) this page receives from each publisher, by participant id. */
    Map<String, Double> audioLevels() {
        Map<String, Double> out = new java.util.TreeMap<>();
        for (Map.Entry<String, Object> e : browser.asyncResult(StageProbe.VIEWER_AUDIO).entrySet()) {
            if (e.getValue() instanceof Number n) {
                out.put(e.getKey(), n.doubleValue());
            }
        }
        return out;
    }

    /** Waits until {@code participant}'s video decodes here (frames advancing); returns that reading. */
    Viewer awaitVideo(String participant, long timeoutMs) throws InterruptedException {
        return awaitViewer("video of " + participant, timeoutMs, v -> v.video(participant).framesDecoded() > 0);
    }

    Viewer awaitViewer(String what, long timeoutMs, Predicate<Viewer> condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        Viewer last = null;
        while (System.nanoTime() < deadline) {
            last = viewer();
            if (condition.test(last)) {
                return last;
            }
            Thread.sleep(200);
        }
        browser.screenshot("failed-" + who);
        fail(who + ": no " + what + " within " + timeoutMs + " ms; last " + last + "\n" + browser.consoleLog());
        return null;
    }

    /**
     * Waits until every layer in {@code rids} carries bytes (more in a second than before), as the
     * publisher's own bandwidth estimate ramps; returns the last reading.
     */
    Publisher awaitLayersFlowing(List<String> rids, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        Publisher before = publisher();
        while (System.nanoTime() < deadline) {
            Thread.sleep(1_000);
            Publisher now = publisher();
            Publisher previous = before;
            if (rids.stream().allMatch(r -> now.layer(r).bytes() > previous.layer(r).bytes() + 1_000 && now.layer(r).width() > 0)) {
                return now;
            }
            before = now;
        }
        fail(who + ": the publisher does not send all of " + rids + " within " + timeoutMs + " ms; last " + before
                + "\n" + browser.consoleLog());
        return null;
    }

    /** One WebSocket message the page recorded. */
    record Message(long at, String name, String json) {
    }

    /** The server's events of type {@code event} that reached this page, oldest first. */
    List<Message> events(String event) {
        return messages("events", "event", event);
    }

    /** The requests of type {@code type} the app sent. */
    List<Message> sent(String type) {
        return messages("sent", "type", type);
    }

    @SuppressWarnings("unchecked")
    private List<Message> messages(String list, String key, String name) {
        Object raw = js("const sc = window.__sc; return sc ? sc[arguments[0]].filter(m => m[arguments[1]] === arguments[2]) : [];",
                list, key, name);
        List<Message> out = new ArrayList<>();
        for (Map<String, Object> m : (List<Map<String, Object>>) raw) {
            out.add(new Message((long) num(m, "at"), name, str(m, "data")));
        }
        return out;
    }

    private static String str(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v == null ? "" : v.toString();
    }

    static double num(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v instanceof Number n ? n.doubleValue() : 0;
    }
}
