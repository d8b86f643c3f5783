package io.stagecast.signaling.testutil;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real redis-server (Debian's, {@code /usr/bin/redis-server}) on 127.0.0.1 and a port of its own,
 * without persistence, for the cluster tests. Every process it starts is ended by its PID
 * ({@link #kill()}, {@link #close()}); {@link #restart()} starts a fresh one on the same port.
 */
public final class RedisProcess implements AutoCloseable {
    private static final Duration START_LIMIT = Duration.ofSeconds(10);

    private final int port;
    private final Path log;
    private Process process;

    private RedisProcess(int port) throws IOException {
        this.port = port;
        this.log = Files.createTempFile("redis-" + port + "-", ".log");
    }

    private static final String EXECUTABLE = "/usr/bin/redis-server";

    /** Whether the test machine has Debian's redis-server (scripts/test.sh installs it). */
    public static boolean available() {
        return Files.isExecutable(Path.of(EXECUTABLE));
    }

    /** Starts one on a free port and returns once it answers PING. */
    public static RedisProcess start() throws IOException, InterruptedException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        RedisProcess redis = new RedisProcess(port);
        redis.launch();
        return redis;
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public long pid() {
        return process.pid();
    }

    private void launch() throws IOException, InterruptedException {
        process = new ProcessBuilder(List.of(EXECUTABLE, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no"))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        while (!answersPing()) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited with " + process.exitValue() + ": "
                        + Files.readString(log));
            }
            if (System.nanoTime() > deadline) {
                kill();
                throw new IllegalStateException("redis-server did not answer on port " + port + " within " + START_LIMIT);
            }
            Thread.sleep(20);
        }
    }

    private boolean answersPing() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            socket.setSoTimeout(500);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = new byte[7];
            int n = in.readNBytes(reply, 0, 7);
            return new String(reply, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    /** SIGKILL to its PID, as a crash: no goodbye to clients. */
    public void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** A new, empty redis-server on the same port (the old one must have been killed). */
    public void restart() throws IOException, InterruptedException {
        kill();
        launch();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroy);
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                kill();
            }
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException ignored) {
            // A temporary file left behind is harmless.
        }
    }
}
