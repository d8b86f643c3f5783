package io.stagecast.signaling.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagecast.signaling.token.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.stagecast.signaling.e2e.ShapedViewerEndToEndTest.check;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 9, section 4, fourth test: the dominant speaker. Three web-app simulcast publishers on
 * stage, each with a 960x540 camera at 15 fps (layers 240, 480 and 960 px wide: three encoders must
 * fit this machine's two cores, and libwebrtc sends only two layers below 960x540) and a WebAudio
 * microphone instead of the fake one's beeps: silence (gain 0)
 * until the test makes one of them speak (a 220 Hz sawtooth), so the RFC 6464 levels their
 * browsers put on the audio differ. A viewer behind 1 Mbit/s ({@link ShapedLink}), whose 1920x1080
 * window shows each of the three tiles about 770 px wide, cannot take every track's middle layer
 * (about 400 kbit/s each): its allocation has to choose.
 *
 * <p>Judged: every client (the three publishers and the viewer) gets {@code speaker.dominant}
 * naming the speaker within 2 s of the speech starting (read from the WebSocket messages the page
 * recorded), the viewer's tile of the speaker is marked {@code data-dominant="true"}, and the
 * speaker's video is the widest the viewer decodes (wider than another track's where the budget
 * held the allocation back, as the debug request tells; never narrower than any, unless the
 * speaker's own browser sent nothing wider: then the widest it sent).
 */
class DominantSpeakerEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static ShapedLink link;
    private static NodeProcess node;

    @BeforeAll
    static void start() throws Exception {
        boolean ci = System.getenv("CI") != null;
        assumeTrue(ci || (NetNamespace.available() && Chromium.available()), "needs root (network namespaces, tc) and Chromium");
        link = ShapedLink.create("sc-dom");
        node = link.startNode("dominant-speaker-node", Map.of());
    }

    @AfterAll
    static void stop() {
        try {
            if (node != null) {
                node.close();
            }
        } finally {
            if (link != null) {
                link.close();
            }
        }
    }

    @Test
    void everyClientLearnsTheDominantSpeakerWithin2sAndTheConstrainedViewerGetsTheSpeakerWidest() throws Exception {
        String room = "dominant";
        link.limit(1_000);
        List<String> misses = new ArrayList<>();
        try (NamespacedChromium adaBrowser = new NamespacedChromium(link.nodeSide, "960,540", List.of());
             NamespacedChromium benBrowser = new NamespacedChromium(link.nodeSide, "960,540", List.of());
             NamespacedChromium cleoBrowser = new NamespacedChromium(link.nodeSide, "960,540", List.of());
             NamespacedChromium viewerBrowser = new NamespacedChromium(link.viewerSide, "1920,1080", List.of(ShapedLink.NODE_ADDRESS))) {
            StageProbe.Setup publishing = StageProbe.Setup.speaker(960, 540);
            StagePage ada = new StagePage(adaBrowser, "Ada", publishing);
            StagePage ben = new StagePage(benBrowser, "Ben", publishing);
            StagePage cleo = new StagePage(cleoBrowser, "Cleo", publishing);
            StagePage viewer = new StagePage(viewerBrowser, "viewer", StageProbe.Setup.plain());

            ada.open(url(node.insideUrl, room, "Ada", Role.MODERATOR, "autopublish=1&autostart=1&simulcast=1"));
            String adaId = ada.participantId(20_000);
            awaitLive(ada);
            ben.open(url(node.insideUrl, room, "Ben", Role.SPEAKER, "autopublish=1&simulcast=1"));
            cleo.open(url(node.insideUrl, room, "Cleo", Role.SPEAKER, "autopublish=1&simulcast=1"));
            String benId = ben.participantId(20_000);
            String cleoId = cleo.participantId(20_000);
            // Only the lowest layer always flows: the others follow what the viewers need (pausing at the source).
            System.out.println("selective T4: Ben sends " + ben.awaitLayersFlowing(List.of("q"), 30_000));
            viewer.open(url(ShapedLink.viewerUrl(node), room, "Viewer", Role.ATTENDEE, "autojoin=1"));
            for (String id : List.of(adaId, benId, cleoId)) {
                viewer.awaitVideo(id, 30_000);
            }
            ada.awaitVideo(benId, 15_000);
            cleo.awaitVideo(benId, 15_000);
            String viewerId = viewer.participantId(1_000);
            Thread.sleep(3_000); // whatever the detector said while everybody was silent is history

            // When the viewer's page marks a tile dominant, by the page's clock: polling the tiles
            // (a getStats round trip each, behind four pages' event reads) measured the poll's
            // period, ~650 ms on a loaded 2-core CI machine, not the page.
            viewer.js("window.__dominantAt = {}; new MutationObserver(ms => { for (const m of ms) { const t = m.target;"
                    + " const p = t.dataset && (t.dataset.participantId || t.dataset.participant);"
                    + " if (p && t.dataset.dominant === 'true' && !(p in window.__dominantAt)) window.__dominantAt[p] = Date.now(); } })"
                    + ".observe(document.body, {subtree: true, attributes: true, attributeFilter: ['data-dominant']});");
            long speakAt = ((Number) ben.js("return window.__sc.speak(true)")).longValue();
            Map<String, StagePage> clients = new LinkedHashMap<>();
            clients.put("Ada", ada);
            clients.put("Ben", ben);
            clients.put("Cleo", cleo);
            clients.put("viewer", viewer);
            Map<String, Long> latency = new LinkedHashMap<>();
            long dominantTileMs = -1;
            while (System.currentTimeMillis() - speakAt < 5_000 && (latency.size() < clients.size() || dominantTileMs < 0)) {
                for (Map.Entry<String, StagePage> c : clients.entrySet()) {
                    if (!latency.containsKey(c.getKey())) {
                        for (StagePage.Message m : c.getValue().events("speaker.dominant")) {
                            if (m.at() >= speakAt && benId.equals(participantOf(m))) {
                                latency.put(c.getKey(), m.at() - speakAt);
                                break;
                            }
                        }
                    }
                }
                if (dominantTileMs < 0) {
                    Object markedAt = viewer.js("return (window.__dominantAt || {})[arguments[0]] || null;", benId);
                    if (markedAt instanceof Number n && n.longValue() >= speakAt) {
                        dominantTileMs = n.longValue() - speakAt;
                    } else {
                        // Marked before the observer saw a change (already dominant): the tiles say so.
                        StagePage.Tile tile = viewer.viewer().tile(benId);
                        if (tile != null && "true".equals(tile.dominant())) {
                            dominantTileMs = System.currentTimeMillis() - speakAt;
                        }
                    }
                }
                Thread.sleep(200);
            }
            System.out.println("selective T4: speaker.dominant naming Ben, ms after he started speaking: " + latency
                    + "; viewer's tile marked dominant " + (dominantTileMs < 0 ? "not within 5 s" : "after " + dominantTileMs + " ms")
                    + "; events at the viewer: " + viewer.events("speaker.dominant").stream().map(StagePage.Message::json).toList());
            // That the speech reached the room at all, so a miss above is the detector's, not the test's.
            Map<String, Double> levels = viewer.audioLevels();
            double benLevel = levels.getOrDefault(benId, 0.0);
            double othersLevel = Math.max(levels.getOrDefault(adaId, 0.0), levels.getOrDefault(cleoId, 0.0));
            System.out.printf("selective T4: audio levels at the viewer: Ben %.3f, loudest other %.3f%n", benLevel, othersLevel);
            check(misses, benLevel > 0.05 && othersLevel < 0.01, String.format("the test's speech did not reach the viewer as"
                    + " meant: Ben's audio level %.3f (> 0.05 wanted), the others' %.3f (< 0.01 wanted)", benLevel, othersLevel));
            for (String client : clients.keySet()) {
                Long ms = latency.get(client);
                check(misses, ms != null && ms <= 2_000, client + " gets speaker.dominant naming the speaker "
                        + (ms == null ? "not within 5 s" : "after " + ms + " ms") + " (<= 2 s wanted)");
            }
            check(misses, dominantTileMs >= 0 && dominantTileMs <= 2_000, "the viewer's tile of the speaker is marked data-dominant "
                    + (dominantTileMs < 0 ? "not within 5 s" : "after " + dominantTileMs + " ms") + " (<= 2 s wanted)");

            // The allocation: behind 1 Mbit/s the speaker's video is the widest.
            List<int[]> widths = new ArrayList<>();
            List<Boolean> heldBack = new ArrayList<>();
            List<Boolean> aboveFloor = new ArrayList<>();
            List<Long> estimates = new ArrayList<>();
            List<Integer> benSends = new ArrayList<>();
            long watch = System.currentTimeMillis();
            while (System.currentTimeMillis() - watch < 12_000) {
                StagePage.Viewer v = viewer.viewer();
                widths.add(new int[] {v.video(adaId).width(), v.video(benId).width(), v.video(cleoId).width()});
                JsonNode debug = MediaDebug.json(node, room, viewerId);
                heldBack.add(heldBackByTheBudget(debug));
                aboveFloor.add(someVideoAboveItsLowestLayer(debug));
                estimates.add(debug.path("estimateBps").asLong() / 1000);
                benSends.add(widestLayerSent(ben.publisher()));
                Thread.sleep(1_000);
            }
            List<int[]> judged = widths.subList(widths.size() - 5, widths.size());
            long heldBackSamples = heldBack.subList(heldBack.size() - 5, heldBack.size()).stream().filter(b -> b).count();
            long aboveFloorSamples = 0;
            for (int i = heldBack.size() - 5; i < heldBack.size(); i++) {
                if (heldBack.get(i) && aboveFloor.get(i)) {
                    aboveFloorSamples++;
                }
            }
            // A choice to make: the budget held some track back and yet had room above every
            // track's lowest layer. A CI run whose estimate fell to ~440 kbit/s behind the 1 Mbit/s
            // link fitted only the three lowest layers: nothing to favour anyone with.
            boolean constrained = aboveFloorSamples >= 3;
            int adaWidth = median(judged, 0);
            int benWidth = median(judged, 1);
            int cleoWidth = median(judged, 2);
            // What the node can forward of the speaker: his browser's own send-side estimate
            // decides which of his layers it encodes. Two local runs in three had Ben's estimate
            // (on the unshaped side, with four browsers on two cores) at ~250-400 kbit/s for the
            // whole window: only his 240-px layer left his browser, the viewer's allocation
            // targeting his 960-px one all along. The speaker cannot be shown wider than he sends.
            int benCeiling = benSends.subList(benSends.size() - 5, benSends.size()).stream().sorted().toList().get(2);
            int othersWidest = Math.max(adaWidth, cleoWidth);
            int othersNarrowest = Math.min(adaWidth, cleoWidth);
            StringBuilder timeline = new StringBuilder();
            for (int[] w : widths) {
                timeline.append(' ').append(Arrays.toString(w));
            }
            System.out.println("selective T4: viewer at 1 Mbit/s, widths [Ada, Ben, Cleo] per second:" + timeline
                    + "; median of the last 5 s: Ada " + adaWidth + ", Ben (speaking) " + benWidth + ", Cleo " + cleoWidth
                    + "; widest layer Ben's browser sent per second: " + benSends);
            System.out.println("selective T4: at the end Ada sends " + ada.publisher() + "; Ben sends " + ben.publisher()
                    + "; Cleo sends " + cleo.publisher());
            System.out.println("selective T4: the viewer's allocation was held back by its budget in " + heldBackSamples
                    + " of the last 5 s, with room above every track's lowest layer in " + aboveFloorSamples
                    + "; its estimate per second (kbit/s): " + estimates);
            // Favoured: never narrower than another track and, where the budget held the allocation
            // back with room above the lowest layers, wider than at least one (with the estimate
            // moving behind 1 Mbit/s a second track may share the speaker's width for a while).
            // Otherwise there is nothing to choose between: publishers short of CPU on a loaded CI
            // machine sent their top layers at ~100 kbit/s, so all three fitted; or the estimate
            // fell so low that only the lowest layers fitted. The speaker is still never narrower.
            // And where the speaker himself sent nothing wider than the others get, the most the
            // node can do is give him the widest he sends.
            boolean favourable = constrained && benCeiling > othersNarrowest;
            check(misses, benWidth >= Math.min(othersWidest, benCeiling) && (!favourable || benWidth > othersNarrowest),
                    "the speaker's video is " + benWidth + " px wide at the constrained viewer, not favoured over the others (Ada "
                            + adaWidth + ", Cleo " + cleoWidth + "; held back with room above the floor: " + constrained
                            + "; the widest layer the speaker sent: " + benCeiling + " px)");

            if (!misses.isEmpty()) {
                viewer.browser.screenshot("failed-dominant-viewer");
                fail(String.join("\n", misses) + "\n" + MediaDebug.of(node, room, viewerId) + "\nnode:\n" + node.logTail());
            }
        }
    }

    private static String url(String base, String room, String name, Role role, String query) {
        return base + "/room/" + room + "?token=" + node.token(room, name, role) + "&" + query;
    }

    private static void awaitLive(StagePage moderator) throws InterruptedException {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (System.nanoTime() < deadline) {
            if ("live".equals(moderator.js("return window.stagecast.state.session"))) {
                return;
            }
            Thread.sleep(100);
        }
        fail("the moderator's session did not start");
    }

    /** The participant a {@code speaker.dominant} event names (in the event or in its data). */
    private static String participantOf(StagePage.Message m) {
        try {
            JsonNode event = JSON.readTree(m.json());
            JsonNode id = event.hasNonNull("participantId") ? event.get("participantId") : event.path("data").path("participantId");
            return id.asText("");
        } catch (Exception e) {
            return "";
        }
    }

    /** Whether the viewer's allocation gave some video track less than it could show for want of budget. */
    private static boolean heldBackByTheBudget(JsonNode debug) {
        for (JsonNode c : debug.path("consumers")) {
            if ("video".equals(c.path("kind").asText()) && "bandwidth".equals(c.path("reason").asText())) {
                return true;
            }
        }
        return false;
    }

    /** Whether the budget reached past the floor: some video track targeted above its lowest layer. */
    private static boolean someVideoAboveItsLowestLayer(JsonNode debug) {
        for (JsonNode c : debug.path("consumers")) {
            if ("video".equals(c.path("kind").asText()) && c.path("targetLayer").asInt(-1) > 0) {
                return true;
            }
        }
        return false;
    }

    /** The widest layer a publisher is sending (width of a layer with frames flowing), 0 if none. */
    private static int widestLayerSent(StagePage.Publisher publisher) {
        int widest = 0;
        for (StagePage.Layer layer : publisher.layers().values()) {
            if (layer.active() && layer.fps() >= 5) {
                widest = Math.max(widest, layer.width());
            }
        }
        return widest;
    }

    private static int median(List<int[]> rows, int column) {
        int[] values = rows.stream().mapToInt(r -> r[column]).sorted().toArray();
        return values[values.length / 2];
    }
}
