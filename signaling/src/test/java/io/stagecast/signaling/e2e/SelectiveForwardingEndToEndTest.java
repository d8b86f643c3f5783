package io.stagecast.signaling.e2e;

import io.stagecast.signaling.e2e.StagePage.Track;
import io.stagecast.signaling.token.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.stagecast.signaling.e2e.ShapedViewerEndToEndTest.check;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 9, section 4, second and third tests: what a viewer shows decides what it gets, and what
 * nobody gets is not encoded. A web-app simulcast publisher (1280x720 fake camera: q 320, h 640,
 * f 1280 px wide) and a web-app viewer whose stage tile is forced to 320x180 CSS pixels (device
 * pixel ratio 1; the app reports it with {@code media.viewport}) in a network namespace of their
 * own with the node, all on its loopback. The viewer's window is 1920x1080, so without the forced
 * size its single tile is about 1,550 px wide.
 */
class SelectiveForwardingEndToEndTest {
    private static final int TILE = 320;
    private static NetNamespace ns;
    private static NodeProcess node;
    private static NamespacedChromium publisherBrowser;
    private static NamespacedChromium viewerBrowser;
    private static StagePage publisher;
    private static StagePage viewer;

    @BeforeAll
    static void start() throws Exception {
        boolean ci = System.getenv("CI") != null;
        assumeTrue(ci || (NetNamespace.available() && Chromium.available()), "needs root (network namespaces) and Chromium");
        ns = NetNamespace.create("sc-sel");
        node = NodeProcess.inNamespace(ns, "selective-forwarding-node", Map.of());
        publisherBrowser = new NamespacedChromium(ns);
        viewerBrowser = new NamespacedChromium(ns, "1920,1080", List.of());
        publisher = new StagePage(publisherBrowser, "publisher", StageProbe.Setup.plain());
        viewer = new StagePage(viewerBrowser, "small-tile viewer", StageProbe.Setup.tileWidth(TILE));
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {viewerBrowser, publisherBrowser, node, ns}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                System.err.println("closing " + c + ": " + e);
            }
        }
    }

    private record Reading(long at, Track video) {
    }

    @Test
    void aViewerWithA320pxTileNeverGetsTheTopLayerAndAHiddenTileStopsThenResumesWithAKeyframe() throws Exception {
        String room = "tile-size";
        List<String> misses = new ArrayList<>();
        String presenter = startPublisher(room);
        // f may be paused while nobody watches: its width is q's times 4 (scaleResolutionDownBy 4 and 1).
        int top = publisher.publisher().layer("q").width() * 4;
        viewer.open(url(room, "Small Viewer", "autojoin=1"));
        viewer.awaitVideo(presenter, 20_000);
        String viewerId = viewer.participantId(1_000);

        // 20 s with a 320-px tile: never the top layer.
        List<Reading> watch = new ArrayList<>();
        long start = System.currentTimeMillis();
        while (System.currentTimeMillis() - start < 20_000) {
            watch.add(read(presenter));
            Thread.sleep(500);
        }
        int widest = watch.stream().mapToInt(r -> r.video().width()).max().orElse(0);
        double fps = fps(watch);
        StagePage.Tile tile = viewer.viewer().tile(presenter);
        List<StagePage.Message> viewports = viewer.sent("media.viewport");
        System.out.printf("selective T2: %d-px tile (shown %s) for 20 s: widest frame %d px (top layer %d px), %.1f fps, widths %s;"
                        + " %d media.viewport requests, last %s%n", TILE, tile == null ? "(none)" : tile.shownWidth() + "x" + tile.shownHeight(),
                widest, top, fps, widths(watch), viewports.size(), viewports.isEmpty() ? "-" : viewports.get(viewports.size() - 1).json());
        check(misses, widest > 0 && widest < top, "a " + TILE + "-px tile got frames " + widest + " px wide (the top layer is "
                + top + " px: never wanted)");
        check(misses, fps >= 10, String.format("the small tile keeps decoding: %.1f frames/s (>= 10 wanted)", fps));

        // Hidden: no more video packets within 2 s.
        setTileShown(presenter, false);
        long hidden = System.currentTimeMillis();
        long packets = read(presenter).video().packets();
        long lastArrival = hidden;
        while (System.currentTimeMillis() - hidden < 5_000) {
            Thread.sleep(200);
            Reading r = read(presenter);
            if (r.video().packets() > packets) {
                packets = r.video().packets();
                lastArrival = r.at();
            }
        }
        long stopMs = lastArrival - hidden;
        System.out.println("selective T2: tile hidden: video packets stop " + stopMs + " ms after hiding (5 s watched); "
                + viewer.sent("media.viewport").size() + " viewport requests by now");
        check(misses, stopMs <= 2_000, "a hidden tile still receives video packets " + stopMs + " ms after it was hidden (<= 2 s wanted)");

        // Shown again: a keyframe, and frames flowing, within about 2 s.
        Track before = read(presenter).video();
        setTileShown(presenter, true);
        long shown = System.currentTimeMillis();
        long resumeMs = -1;
        Reading last = null;
        while (System.currentTimeMillis() - shown < 6_000) {
            last = read(presenter);
            if (last.video().keyFrames() > before.keyFrames() && last.video().framesDecoded() >= before.framesDecoded() + 5) {
                resumeMs = last.at() - shown;
                break;
            }
            Thread.sleep(200);
        }
        System.out.println("selective T2: tile shown again: keyframe and frames " + (resumeMs < 0 ? "not within 6 s" : "after " + resumeMs + " ms")
                + " (before " + before + ", then " + (last == null ? "-" : last.video()) + ")");
        check(misses, resumeMs >= 0 && resumeMs <= 2_500, "a tile shown again gets a keyframe and flowing frames "
                + (resumeMs < 0 ? "not within 6 s" : "after " + resumeMs + " ms") + " (about 2 s wanted)");
        finish(misses, room, viewerId);
    }

    @Test
    void whenTheOnlyViewerIsOnTheSmallLayerThePublisherStopsEncodingTheTopLayerAndResumesWhenTheTileGrows() throws Exception {
        String room = "pause-top";
        List<String> misses = new ArrayList<>();
        String presenter = startPublisher(room);
        viewer.open(url(room, "Small Viewer", "autojoin=1"));
        // First a large tile: every layer is needed and flows, the viewer gets the top one.
        setSmallTile(false);
        viewer.awaitVideo(presenter, 20_000);
        String viewerId = viewer.participantId(1_000);
        System.out.println("selective T3: with a large tile the publisher sends " + publisher.awaitLayersFlowing(List.of("q", "h", "f"), 30_000));
        int top = publisher.publisher().layer("f").width();

        // Then only a 320-px tile watches.
        setSmallTile(true);
        // Nobody needs f: it stops within 10 s (inactive in the publisher's own stats, or no bytes for a second).
        long joined = System.currentTimeMillis();
        List<StagePage.Publisher> sent = new ArrayList<>();
        List<Reading> watch = new ArrayList<>();
        long pausedMs = -1;
        while (System.currentTimeMillis() - joined < 15_000) {
            StagePage.Publisher p = publisher.publisher();
            sent.add(p);
            watch.add(read(presenter));
            if (!flowing(sent, "f", 1_000)) {
                pausedMs = p.at() - joined;
                break;
            }
            Thread.sleep(500);
        }
        StagePage.Layer f = sent.get(sent.size() - 1).layer("f");
        System.out.println("selective T3: only a " + TILE + "-px tile watches: top layer " + (pausedMs < 0 ? "still encoded after 15 s"
                + ": " + f : "stopped " + pausedMs + " ms after the viewer's first frame: " + f) + "; media.layers events: "
                + publisher.events("media.layers").size());
        check(misses, pausedMs >= 0 && pausedMs <= 10_000, "the publisher's top layer is "
                + (pausedMs < 0 ? "still encoded 15 s" : "stopped only " + pausedMs + " ms") + " after the only viewer's tile shrank (<= 10 s wanted)");
        long hold = System.currentTimeMillis();
        while (System.currentTimeMillis() - hold < 2_000) {
            watch.add(read(presenter));
            Thread.sleep(500);
        }
        double fps = fps(watch);
        check(misses, fps >= 10, String.format("the viewer keeps decoding while the top layer pauses: %.1f frames/s (>= 10 wanted)", fps));

        // The tile grows to about 1,550 px: f is encoded again within 5 s.
        setSmallTile(false);
        long grown = System.currentTimeMillis();
        long resumedMs = -1;
        sent.clear();
        while (System.currentTimeMillis() - grown < 10_000) {
            StagePage.Publisher p = publisher.publisher();
            sent.add(p);
            StagePage.Layer layer = p.layer("f");
            if (layer.active() && layer.parameterActive() && flowing(sent, "f", 500)) {
                resumedMs = p.at() - grown;
                break;
            }
            Thread.sleep(250);
        }
        long reachedMs = -1;
        while (System.currentTimeMillis() - grown < 15_000) {
            Reading r = read(presenter);
            if (r.video().width() >= top) {
                reachedMs = r.at() - grown;
                break;
            }
            Thread.sleep(250);
        }
        StagePage.Tile tile = viewer.viewer().tile(presenter);
        System.out.printf("selective T3: tile grown to %s: top layer encoded again %s, viewer at %d px %s; %.1f fps while paused%n",
                tile == null ? "(none)" : tile.shownWidth() + "x" + tile.shownHeight(),
                resumedMs < 0 ? "not within 10 s" : "after " + resumedMs + " ms", top, reachedMs < 0 ? "not within 15 s" : "after " + reachedMs + " ms", fps);
        check(misses, resumedMs >= 0 && resumedMs <= 5_000, "the top layer is encoded again "
                + (resumedMs < 0 ? "not within 10 s" : "after " + resumedMs + " ms") + " once a tile needs it (<= 5 s wanted)");
        finish(misses, room, viewerId);
    }

    /**
     * The publisher enters {@code room} with simulcast; returns its participant id once its lowest
     * layer flows (the others may be paused while nobody watches: only the lowest always flows).
     */
    private static String startPublisher(String room) throws InterruptedException {
        publisher.open(url(room, "Presenter", "autopublish=1&autostart=1&simulcast=1"));
        String id = publisher.participantId(20_000);
        System.out.println("selective: publisher sends " + publisher.awaitLayersFlowing(List.of("q"), 30_000));
        return id;
    }

    /** Puts the viewer's stage tiles at {@value #TILE} CSS px wide, or back to the app's own layout. */
    private static void setSmallTile(boolean small) {
        viewer.js("document.getElementById('sc-test-style')?.remove();"
                + "if (arguments[0]) { const st = document.createElement('style'); st.id = 'sc-test-style';"
                + " st.textContent = arguments[1]; document.head.append(st); }", small, StageProbe.Setup.tileWidth(TILE).css());
    }

    /** Whether {@code rid} carried bytes over the last {@code windowMs} of these readings (true until that long is covered). */
    private static boolean flowing(List<StagePage.Publisher> readings, String rid, long windowMs) {
        StagePage.Publisher last = readings.get(readings.size() - 1);
        if (!last.layer(rid).active() || !last.layer(rid).parameterActive()) {
            return false;
        }
        for (int i = readings.size() - 2; i >= 0; i--) {
            if (last.at() - readings.get(i).at() >= windowMs) {
                return last.layer(rid).bytes() > readings.get(i).layer(rid).bytes();
            }
        }
        return true;
    }

    private static void setTileShown(String participant, boolean shown) {
        Object found = viewer.js("const id = arguments[0];"
                + "const t = [...document.querySelectorAll('.tile')].find(t => (t.dataset.participantId || t.dataset.participant) === id"
                + "  && !t.classList.contains('mine'));"
                + "if (!t) return false; t.style.display = arguments[1] ? '' : 'none'; return true;", participant, shown);
        if (!Boolean.TRUE.equals(found)) {
            fail("no tile of " + participant + " to " + (shown ? "show" : "hide"));
        }
    }

    private void finish(List<String> misses, String room, String viewerId) {
        if (!misses.isEmpty()) {
            viewer.browser.screenshot("failed-" + room);
            fail(String.join("\n", misses) + "\n" + MediaDebug.of(node, room, viewerId) + "\npublisher now: "
                    + publisher.publisher() + "\nnode:\n" + node.logTail());
        }
    }

    private static String url(String room, String name, String query) {
        Role role = name.equals("Presenter") ? Role.MODERATOR : Role.ATTENDEE;
        return node.insideUrl + "/room/" + room + "?token=" + node.token(room, name, role) + "&" + query;
    }

    private static Reading read(String participant) {
        StagePage.Viewer v = viewer.viewer();
        return new Reading(v.at(), v.video(participant));
    }

    private static double fps(List<Reading> readings) {
        Reading first = readings.get(0);
        Reading last = readings.get(readings.size() - 1);
        double seconds = (last.at() - first.at()) / 1000.0;
        return seconds <= 0 ? 0 : (last.video().framesDecoded() - first.video().framesDecoded()) / seconds;
    }

    private static String widths(List<Reading> readings) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < readings.size(); i += 2) {
            out.append(out.length() == 0 ? "" : " ").append(readings.get(i).video().width());
        }
        return out.toString();
    }
}
