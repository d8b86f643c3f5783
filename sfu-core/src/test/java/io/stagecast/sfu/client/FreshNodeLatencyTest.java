package io.stagecast.sfu.client;

import io.stagecast.sfu.MediaConfig;
import io.stagecast.sfu.dtls.DtlsRole;
import io.stagecast.sfu.stun.StunBindingClient;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 8 item 15: a freshly started node must answer its first connectivity check in milliseconds
 * (Firefox nominates every pair ~20 ms apart; a slow first answer made it end on another pair), and
 * its first DTLS handshake must be quick too. The node runs in a JVM of its own, started for this
 * test, so nothing else warmed it; the peer side runs here, warmed first, so it does not count.
 */
class FreshNodeLatencyTest {
    /**
     * Generous for a shared 2-core CI machine: measured 2-3 ms with the start-up warm-up, 380-400 ms
     * without (the issue saw 200-1200 ms).
     */
    private static final long FIRST_CHECK_LIMIT_MILLIS = 100;
    private static final long FIRST_HANDSHAKE_LIMIT_MILLIS = 1000;

    @Test
    void freshNodeAnswersItsFirstCheckAndHandshakeQuickly() throws Exception {
        warmThisJvm();
        try (SyntheticPeer peer = new SyntheticPeer(DtlsRole.CLIENT)) {
            Process child = startNode(peer.fingerprintHex());
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String[] node = line(out, "node ").split(" ", 4);
                String[] first = line(out, "transport ").split(" ");
                String[] second = line(out, "transport ").split(" ");
                // Each transport's candidate names its own media loop's port.
                InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(first[3]));
                InetSocketAddress secondAddress = new InetSocketAddress(InetAddress.getLoopbackAddress(),
                        Integer.parseInt(second[3]));

                long checkMillis = firstCheckMillis(address, first[1], first[2]);
                long handshakeStart = System.nanoTime();
                peer.connect(secondAddress, second[1], second[2], node[3]).get(10, TimeUnit.SECONDS);
                long handshakeMillis = (System.nanoTime() - handshakeStart) / 1_000_000;
                System.out.printf("fresh node: start %s ms, first check answered in %d ms, first ICE+DTLS in %d ms%n",
                        node[1], checkMillis, handshakeMillis);
                assertTrue(checkMillis <= FIRST_CHECK_LIMIT_MILLIS, "first check answered after " + checkMillis + " ms");
                assertTrue(handshakeMillis <= FIRST_HANDSHAKE_LIMIT_MILLIS, "first handshake took " + handshakeMillis + " ms");
            } finally {
                child.getOutputStream().close();
                if (!child.waitFor(10, TimeUnit.SECONDS)) {
                    child.destroyForcibly();
                }
            }
        }
    }

    /** The next line of the node's output with this prefix (its log lines go there too). */
    private static String line(BufferedReader out, String prefix) throws java.io.IOException {
        for (String line; (line = out.readLine()) != null; ) {
            if (line.startsWith(prefix)) {
                return line;
            }
        }
        throw new AssertionError("the node process ended before printing \"" + prefix + "\"");
    }

    /** Loads and runs the peer's side of ICE and DTLS once here, against an in-process node. */
    private static void warmThisJvm() throws Exception {
        try (LoopbackNode warm = new LoopbackNode(MediaConfig.loopback());
             SyntheticPeer peer = new SyntheticPeer(DtlsRole.CLIENT)) {
            warm.connected(peer);
        }
    }

    private static Process startNode(String peerFingerprintHex) throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                FreshNodeProcess.class.getName(), peerFingerprintHex, "2"));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    /** Sends a check every 20 ms (as Firefox paces them) until one is answered; the time from the first. */
    private static long firstCheckMillis(InetSocketAddress node, String ufrag, String pwd) throws Exception {
        StunBindingClient stun = new StunBindingClient(ufrag + ":peer", pwd);
        try (DatagramChannel channel = DatagramChannel.open()) {
            channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            channel.configureBlocking(false);
            ByteBuffer in = ByteBuffer.allocate(1500);
            long start = System.nanoTime();
            long nextSend = start;
            while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10)) {
                if (System.nanoTime() >= nextSend) {
                    channel.send(ByteBuffer.wrap(stun.request(false, true, 1, 1L << 24)), node);
                    nextSend += TimeUnit.MILLISECONDS.toNanos(20);
                }
                in.clear();
                if (channel.receive(in) != null) {
                    // Any answer to any of our checks: the node was ready for it.
                    return (System.nanoTime() - start) / 1_000_000;
                }
                Thread.sleep(1);
            }
            throw new AssertionError("no answer within 10 s");
        }
    }
}
