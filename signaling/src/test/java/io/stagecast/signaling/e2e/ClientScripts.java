package io.stagecast.signaling.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * What the interop tests run in a page, the same in Chromium and Firefox: a WHIP publisher and a
 * WHEP viewer as a browser-based client would write them (max-bundle, no trickle), and the
 * receiver's view of a video stream from getStats, sampled over time, which is what a person
 * watching sees: frames that keep coming, their size, their rate, the bitrate, freezes.
 */
final class ClientScripts {
    private ClientScripts() {
    }

    /** Runs async JS in some browser: the last argument the script gets is the callback. */
    @FunctionalInterface
    interface AsyncScript {
        Map<String, Object> run(String js, Object... args);
    }

    /** arguments: url, token, simulcast (boolean), done. Leaves the connection in window.whip.pc. */
    static final String WHIP_PUBLISH = "const [url, token, simulcast, done] = arguments;"
            + "(async () => {"
            + "  const stream = await navigator.mediaDevices.getUserMedia({audio: true, video: {width: 1280, height: 720}});"
            + "  const pc = new RTCPeerConnection({bundlePolicy: 'max-bundle'});"
            + "  for (const t of stream.getTracks()) {"
            + "    const init = {direction: 'sendonly', streams: [stream]};"
            + "    if (simulcast && t.kind === 'video') init.sendEncodings = [{rid: 'q', scaleResolutionDownBy: 4},"
            + "        {rid: 'h', scaleResolutionDownBy: 2}, {rid: 'f'}];"
            + "    pc.addTransceiver(t, init);"
            + "  }"
            + "  await pc.setLocalDescription(await pc.createOffer());"
            + "  const r = await fetch(url, {method: 'POST', headers: {'Content-Type': 'application/sdp', 'Authorization': 'Bearer ' + token}, body: pc.localDescription.sdp});"
            + "  const body = await r.text();"
            + "  if (r.status !== 201) throw new Error('WHIP ' + r.status + ' ' + body);"
            + "  await pc.setRemoteDescription({type: 'answer', sdp: body});"
            + "  window.whip = {pc};"
            + "  done({location: r.headers.get('Location'), offer: pc.localDescription.sdp, answer: body});"
            + "})().catch(e => done({error: String(e)}));";

    /** arguments: url, token, done. Shows the stream in a video element; window.whep.pc. */
    static final String WHEP_VIEW = "const [url, token, done] = arguments;"
            + "(async () => {"
            + "  const pc = new RTCPeerConnection({bundlePolicy: 'max-bundle'});"
            + "  pc.addTransceiver('audio', {direction: 'recvonly'});"
            + "  pc.addTransceiver('video', {direction: 'recvonly'});"
            + "  await pc.setLocalDescription(await pc.createOffer());"
            + "  const r = await fetch(url, {method: 'POST', headers: {'Content-Type': 'application/sdp', 'Authorization': 'Bearer ' + token}, body: pc.localDescription.sdp});"
            + "  const body = await r.text();"
            + "  if (r.status !== 201) throw new Error('WHEP ' + r.status + ' ' + body);"
            + "  await pc.setRemoteDescription({type: 'answer', sdp: body});"
            + "  const video = document.createElement('video'); video.autoplay = true; video.muted = true;"
            + "  video.srcObject = new MediaStream(pc.getReceivers().map(r => r.track)); document.body.append(video);"
            + "  window.whep = {pc};"
            + "  done({location: r.headers.get('Location'), offer: pc.localDescription.sdp, answer: body});"
            + "})().catch(e => done({error: String(e)}));";

    /** The inbound video stream with the most bytes (and all inbound audio) of the connection {@code pc} names. */
    static String inboundVideoScript(String pc) {
        return "const done = arguments[arguments.length - 1];"
                + "const pc = " + pc + ";"
                + "if (!pc) { done({none: true}); return; }"
                + "pc.getStats().then(report => {"
                + "  let best = null; let audio = 0;"
                + "  report.forEach(s => {"
                + "    if (s.type !== 'inbound-rtp') return;"
                + "    if (s.kind === 'audio') { audio += s.packetsReceived || 0; return; }"
                + "    if (s.kind === 'video' && (!best || (s.bytesReceived || 0) > (best.bytesReceived || 0))) best = s;"
                + "  });"
                + "  const v = best || {};"
                + "  done({now: performance.now(), framesDecoded: v.framesDecoded || 0, width: v.frameWidth || 0,"
                + "    height: v.frameHeight || 0, fps: v.framesPerSecond || 0, bytes: v.bytesReceived || 0,"
                + "    freezes: v.freezeCount || 0, freezeSeconds: v.totalFreezesDuration || 0, lost: v.packetsLost || 0,"
                + "    plis: v.pliCount || 0, nacks: v.nackCount || 0, audioPackets: audio});"
                + "}, e => done({error: String(e)}));";
    }

    /** The sending side, for the test's output: each outbound video layer and the send-side estimate. */
    static String outboundScript(String pc) {
        return "const done = arguments[arguments.length - 1];"
                + "const pc = " + pc + ";"
                + "if (!pc) { done({none: true}); return; }"
                + "pc.getStats().then(report => {"
                + "  const layers = []; let estimate = 0;"
                + "  report.forEach(s => {"
                + "    if (s.type === 'outbound-rtp' && s.kind === 'video') layers.push((s.rid || '-') + ' ' + (s.frameWidth || 0)"
                + "      + 'x' + (s.frameHeight || 0) + ' ' + Math.round(s.framesPerSecond || 0) + 'fps ' + Math.round((s.bytesSent || 0) / 1000)"
                + "      + 'kB target ' + Math.round((s.targetBitrate || 0) / 1000) + 'kbit/s ' + (s.qualityLimitationReason || ''));"
                + "    if (s.type === 'candidate-pair' && s.nominated && s.availableOutgoingBitrate) estimate = s.availableOutgoingBitrate;"
                + "  });"
                + "  done({layers: layers.join('; '), estimateKbps: Math.round(estimate / 1000)});"
                + "}, e => done({error: String(e)}));";
    }

    /** One getStats reading of a received video stream. */
    record VideoSample(double atMs, long framesDecoded, int width, int height, double fps, long bytes,
                       long freezes, double freezeSeconds, long audioPackets, long lost, long plis) {
        static VideoSample of(Map<String, Object> m) {
            if (m.containsKey("error")) {
                fail("getStats failed: " + m.get("error"));
            }
            return new VideoSample(num(m, "now"), (long) num(m, "framesDecoded"), (int) num(m, "width"),
                    (int) num(m, "height"), num(m, "fps"), (long) num(m, "bytes"), (long) num(m, "freezes"),
                    num(m, "freezeSeconds"), (long) num(m, "audioPackets"), (long) num(m, "lost"), (long) num(m, "plis"));
        }

        private static double num(Map<String, Object> m, String key) {
            Object v = m.get(key);
            return v instanceof Number n ? n.doubleValue() : 0;
        }

        @Override
        public String toString() {
            return String.format("%.0fms frames=%d %dx%d %.0ffps %dkB freezes=%d/%.2fs audio=%d lost=%d plis=%d",
                    atMs, framesDecoded, width, height, fps, bytes / 1000, freezes, freezeSeconds, audioPackets, lost, plis);
        }
    }

    /** Samples over a while, and what they add up to for the person watching. */
    record Playback(List<VideoSample> samples) {
        VideoSample first() {
            return samples.get(0);
        }

        VideoSample last() {
            return samples.get(samples.size() - 1);
        }

        double seconds() {
            return (last().atMs() - first().atMs()) / 1000.0;
        }

        double fps() {
            return (last().framesDecoded() - first().framesDecoded()) / seconds();
        }

        double kbps() {
            return (last().bytes() - first().bytes()) * 8 / 1000.0 / seconds();
        }

        /** Intervals between two consecutive samples in which no frame was decoded. */
        int stalls() {
            int stalls = 0;
            for (int i = 1; i < samples.size(); i++) {
                if (samples.get(i).framesDecoded() <= samples.get(i - 1).framesDecoded()) {
                    stalls++;
                }
            }
            return stalls;
        }

        int audioStalls() {
            int stalls = 0;
            for (int i = 1; i < samples.size(); i++) {
                if (samples.get(i).audioPackets() <= samples.get(i - 1).audioPackets()) {
                    stalls++;
                }
            }
            return stalls;
        }

        int minWidth() {
            return samples.stream().mapToInt(VideoSample::width).min().orElse(0);
        }

        int minHeight() {
            return samples.stream().mapToInt(VideoSample::height).min().orElse(0);
        }

        double freezeSeconds() {
            return last().freezeSeconds() - first().freezeSeconds();
        }

        String summary() {
            return String.format("%.0f s: %.1f fps, %.0f kbit/s, at least %dx%d (last %dx%d), %d stalled seconds, "
                            + "%d without audio, freezes %.2f s, %d packets lost, %d PLIs", seconds(), fps(), kbps(),
                    minWidth(), minHeight(), last().width(), last().height(), stalls(), audioStalls(), freezeSeconds(),
                    last().lost() - first().lost(), last().plis() - first().plis());
        }

        String detail() {
            StringBuilder out = new StringBuilder(summary()).append('\n');
            for (VideoSample s : samples) {
                out.append("  ").append(s).append('\n');
            }
            return out.toString();
        }
    }

    /** Waits until video frames and audio packets both arrive; returns the first sample that has both. */
    static VideoSample awaitVideo(AsyncScript browser, String pc, long timeoutMs, String who) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        VideoSample last = null;
        while (System.nanoTime() < deadline) {
            Map<String, Object> raw = browser.run(inboundVideoScript(pc));
            if (!raw.containsKey("none")) {
                last = VideoSample.of(raw);
                if (last.framesDecoded() > 0 && last.audioPackets() > 0) {
                    return last;
                }
            }
            Thread.sleep(250);
        }
        fail(who + ": no decoded video and audio within " + timeoutMs + " ms; last " + last);
        return null;
    }

    /** Samples the stream about once a second for {@code seconds}. */
    static Playback watch(AsyncScript browser, String pc, int seconds) throws InterruptedException {
        List<VideoSample> samples = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i <= seconds; i++) {
            long due = start + i * 1_000_000_000L;
            long wait = (due - System.nanoTime()) / 1_000_000L;
            if (wait > 0) {
                Thread.sleep(wait);
            }
            samples.add(VideoSample.of(browser.run(inboundVideoScript(pc))));
        }
        return new Playback(samples);
    }
}
