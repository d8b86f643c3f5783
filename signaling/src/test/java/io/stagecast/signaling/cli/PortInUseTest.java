package io.stagecast.signaling.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A port already in use stops {@code stagecast run} with one line that names the port, the
 * protocol and the key to change (exit 2, like a configuration error), not a stack trace.
 */
class PortInUseTest {
    @Test
    @Timeout(60)
    void aMediaPortInUseNamesThePortAndTheKey() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Map<String, String> env = env();
            env.put("STAGECAST_MEDIA_BIND_ADDRESS", "127.0.0.1");
            env.put("STAGECAST_MEDIA_PORT", Integer.toString(taken.getLocalPort()));
            CliRun run = CliRun.run(env, "run");
            assertEquals(2, run.exit(), run.out() + run.err());
            String line = run.err().trim();
            assertTrue(line.startsWith("stagecast: UDP 127.0.0.1:" + taken.getLocalPort()), line);
            assertTrue(line.contains("in use") && line.contains("media.port (STAGECAST_MEDIA_PORT)"), line);
            assertEquals(1, line.lines().count(), "one line: " + line);
        }
    }

    @Test
    @Timeout(60)
    void anHttpPortInUseNamesThePortAndTheKey() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Map<String, String> env = env();
            env.put("STAGECAST_HTTP_PORT", Integer.toString(taken.getLocalPort()));
            CliRun run = CliRun.run(env, "run");
            assertEquals(2, run.exit(), run.out() + run.err());
            String line = run.err().trim();
            assertTrue(line.startsWith("stagecast: TCP 127.0.0.1:" + taken.getLocalPort()), line);
            assertTrue(line.contains("in use") && line.contains("http.port (STAGECAST_HTTP_PORT)"), line);
        }
    }

    private static Map<String, String> env() {
        Map<String, String> env = new HashMap<>(CliTest.ENV);
        env.put("STAGECAST_HTTP_HOST", "127.0.0.1");
        env.put("STAGECAST_HTTP_PORT", "0");
        env.put("STAGECAST_MEDIA_PORT", "0");
        env.put("STAGECAST_ROOMS_DEMO", "");
        return env;
    }
}
