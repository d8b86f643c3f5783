package io.stagecast.signaling.e2e;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * GStreamer's webrtcbin publishing over WHIP: src/test/resources/gst/whip_publish.py (a moving
 * 640x360 test picture in VP8 at 1.5 Mbit/s and an Opus tone, bundle-policy max-bundle) run by
 * Debian's /usr/bin/python3 with PyGObject, inside a {@link NetNamespace} (libnice needs a
 * non-loopback interface). Its stdout lines are kept for the test to follow and to show on failure.
 * Stopped by PID with SIGTERM, on which the script DELETEs its WHIP resource.
 */
final class GstWhipPublisher implements AutoCloseable {
    static final String PYTHON = "/usr/bin/python3";
    private final Process process;
    private final List<String> lines = new ArrayList<>();

    private GstWhipPublisher(Process process) {
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    synchronized (lines) {
                        lines.add(line);
                        lines.notifyAll();
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "gst-whip-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Whether python3 has GStreamer's webrtcbin bindings (Debian packages, see scripts/test.sh). */
    static boolean available() {
        if (!new File(PYTHON).canExecute()) {
            return false;
        }
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import gi; gi.require_version('GstWebRTC', '1.0');"
                    + " gi.require_version('GstSdp', '1.0'); from gi.repository import GstWebRTC, GstSdp, Gst;"
                    + " Gst.init(None); assert Gst.ElementFactory.find('webrtcbin') and Gst.ElementFactory.find('vp8enc')")
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static GstWhipPublisher start(NetNamespace ns, String whipUrl, String token, String... extraArgs) throws IOException {
        Path script = Path.of("src", "test", "resources", "gst", "whip_publish.py").toAbsolutePath();
        List<String> command = new ArrayList<>(List.of(PYTHON, script.toString(), "--url", whipUrl, "--token", token));
        command.addAll(List.of(extraArgs));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PYTHONUNBUFFERED", "1");
        builder.environment().remove("GST_DEBUG");
        builder.environment().remove("http_proxy");
        return new GstWhipPublisher(ns.start(builder));
    }

    /** Waits for a line starting with {@code prefix}; fails fast on an "error" line or an exit. */
    String await(String prefix, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        synchronized (lines) {
            while (true) {
                for (String line : lines) {
                    if (line.startsWith(prefix)) {
                        return line;
                    }
                    if (line.startsWith("error")) {
                        throw new AssertionError("GStreamer publisher failed: " + line + "\n" + output());
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("GStreamer publisher: no '" + prefix + "' within " + timeoutMs + " ms\n" + output());
                }
                lines.wait(Math.min(200, Math.max(1, left / 1_000_000L)));
                if (!process.isAlive() && lines.stream().noneMatch(l -> l.startsWith(prefix))) {
                    Thread.sleep(200); // the last lines
                    throw new AssertionError("GStreamer publisher exited with " + process.exitValue() + "\n" + output());
                }
            }
        }
    }

    /** The last line starting with {@code prefix}, or "" */
    String last(String prefix) {
        synchronized (lines) {
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (lines.get(i).startsWith(prefix)) {
                    return lines.get(i);
                }
            }
        }
        return "";
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Everything it printed, the offer and answer long lines shortened. */
    String output() {
        StringBuilder out = new StringBuilder();
        synchronized (lines) {
            for (String line : lines) {
                out.append(line.length() > 3000 ? line.substring(0, 3000) + "..." : line).append('\n');
            }
        }
        return out.toString();
    }

    @Override
    public void close() {
        NetNamespace.stop(process.toHandle());
    }
}
