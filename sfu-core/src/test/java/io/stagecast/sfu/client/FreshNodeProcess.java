package io.stagecast.sfu.client;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stagecast.sfu.MediaConfig;
import io.stagecast.sfu.MediaNode;
import io.stagecast.sfu.dtls.DtlsRole;
import io.stagecast.sfu.transport.RemoteDtlsParameters;
import io.stagecast.sfu.transport.Transport;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * A media node alone in a JVM of its own, for {@link FreshNodeLatencyTest}: nothing in this JVM has
 * touched STUN, DTLS or SRTP before the node starts, as on a freshly started server.
 *
 * <p>Arguments: the fingerprint hex of the peer's certificate, then how many transports to make.
 * Prints {@code node <start-ms> <port> <fingerprint>} and one {@code transport <ufrag> <pwd>} line
 * per transport (each expects a DTLS client with that certificate), then waits until stdin closes.
 */
public final class FreshNodeProcess {
    private FreshNodeProcess() {
    }

    public static void main(String[] args) throws Exception {
        String peerFingerprintHex = args[0];
        int transports = Integer.parseInt(args[1]);
        long startNanos = System.nanoTime();
        try (MediaNode node = MediaNode.start(MediaConfig.loopback(), new SimpleMeterRegistry())) {
            long startMillis = (System.nanoTime() - startNanos) / 1_000_000;
            System.out.println("node " + startMillis + " " + node.port() + " " + node.dtlsFingerprint());
            for (int i = 0; i < transports; i++) {
                Transport transport = node.createTransport(null);
                transport.setRemoteDtls(new RemoteDtlsParameters(DtlsRole.SERVER, "sha-256", peerFingerprintHex));
                System.out.println("transport " + transport.iceParameters().ufrag() + " "
                        + transport.iceParameters().password() + " " + transport.localPort());
            }
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (in.readLine() != null) {
                // until the parent closes our stdin
            }
        }
    }
}
