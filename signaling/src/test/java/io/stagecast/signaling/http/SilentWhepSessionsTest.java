package io.stagecast.signaling.http;

import io.stagecast.sfu.client.DtlsClientHello;
import io.stagecast.sfu.dtls.DtlsCertificate;
import io.stagecast.sfu.stun.StunBindingClient;
import io.stagecast.signaling.StagecastServer;
import io.stagecast.signaling.sdp.Candidate;
import io.stagecast.signaling.sdp.MediaDescription;
import io.stagecast.signaling.sdp.SessionDescription;
import io.stagecast.signaling.testutil.JsonWebSocketClient;
import io.stagecast.signaling.testutil.LoopbackServer;
import io.stagecast.signaling.testutil.SyntheticMedia;
import io.stagecast.signaling.testutil.WhipEncoder;
import io.stagecast.signaling.token.JoinGrant;
import io.stagecast.signaling.token.RandomIds;
import io.stagecast.signaling.token.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 8 item 4 as an attacker holding view-only tokens meets it: 200 WHEP sessions, each
 * answered, each doing one ICE check and sending one DTLS ClientHello, then silent. A real WHIP
 * publisher must still connect (ICE and DTLS) within 2 s. Before the fix every silent session held
 * one of the 64 handshake threads for 20 s, and the publisher's handshake waited behind them.
 */
class SilentWhepSessionsTest {
    private static final int SILENT_SESSIONS = 200;
    /** {@code whip-whep.max-per-token}'s default: the attacker needs this many sessions per token. */
    private static final int SESSIONS_PER_TOKEN = 10;
    private static final Duration PUBLISHER_WITHIN = Duration.ofSeconds(2);
    private static StagecastServer server;

    @BeforeAll
    static void start() throws Exception {
        server = LoopbackServer.start(Map.of());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String token(String room, String id, Role role, boolean viewOnly) {
        return server.tokens().mint(new JoinGrant(room, id, id, role, viewOnly,
                Instant.now().plus(Duration.ofHours(1)), RandomIds.tokenId(), false));
    }

    @Test
    void twoHundredSilentWhepSessionsDoNotKeepARealPublisherFromConnecting() throws Exception {
        String room = "silent-whep";
        byte[] clientHello = DtlsClientHello.make(Duration.ofSeconds(10));
        // The attacker's sessions come from another loopback address than the publisher's, as they
        // would from another host.
        InetAddress attacker = InetAddress.getByName("127.0.0.2");
        List<DatagramSocket> sockets = new ArrayList<>();
        try (JsonWebSocketClient host = JsonWebSocketClient.connect(server.baseUrl())) {
            assertTrue(host.request("join", "room", room, "token", token(room, "host", Role.MODERATOR, false))
                    .path("ok").asBoolean());
            assertTrue(host.request("session.start").path("ok").asBoolean());
            String attackerToken = null;
            for (int i = 0; i < SILENT_SESSIONS; i++) {
                if (i % SESSIONS_PER_TOKEN == 0) {
                    attackerToken = token(room, "viewer-" + i, Role.ATTENDEE, true);
                }
                DatagramSocket socket = new DatagramSocket(new InetSocketAddress(attacker, 0));
                sockets.add(socket);
                String ufrag = "silent" + i;
                HttpResponse<String> answer = SyntheticMedia.post(server.baseUrl(), "/whep/" + room, attackerToken,
                        recvOnlyOffer(ufrag));
                assertEquals(201, answer.statusCode(), answer.body());
                checkOnceThenHello(socket, SessionDescription.parse(answer.body()), ufrag, clientHello);
            }

            try (WhipEncoder publisher = new WhipEncoder(7)) {
                long start = System.nanoTime();
                HttpResponse<String> published = publisher.publish(server.baseUrl(), room,
                        token(room, "speaker", Role.SPEAKER, false));
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertEquals(201, published.statusCode(), published.body());
                System.out.printf("%d silent WHEP sessions: a WHIP publisher connected (POST, ICE, DTLS) in %d ms%n",
                        SILENT_SESSIONS, millis);
                assertTrue(millis <= PUBLISHER_WITHIN.toMillis(), "publisher connected in " + millis + " ms");
            }
        } finally {
            sockets.forEach(DatagramSocket::close);
        }
    }

    /** A receive-only audio offer with our ICE credentials and some client certificate's fingerprint. */
    private static String recvOnlyOffer(String ufrag) {
        return "v=0\r\no=- " + System.nanoTime() + " 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
                + "a=group:BUNDLE 0\r\na=msid-semantic: WMS *\r\n"
                + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=rtcp:9 IN IP4 0.0.0.0\r\n"
                + "a=ice-ufrag:" + ufrag + "\r\na=ice-pwd:silentsilentsilentsilent\r\n"
                + "a=fingerprint:sha-256 " + FINGERPRINT + "\r\na=setup:active\r\na=rtcp-mux\r\n"
                + "a=mid:0\r\na=recvonly\r\na=rtpmap:111 opus/48000/2\r\n";
    }

    private static final String FINGERPRINT = DtlsCertificate.generate().fingerprintHex();

    /** One nominating check against the answer's candidate, answered, then one ClientHello. */
    private static void checkOnceThenHello(DatagramSocket socket, SessionDescription answer, String ufrag,
                                           byte[] clientHello) throws Exception {
        MediaDescription m = answer.getMedia().get(0);
        Candidate candidate = m.getCandidates().stream().filter(c -> "udp".equalsIgnoreCase(c.transport()))
                .findFirst().orElseThrow();
        InetSocketAddress node = new InetSocketAddress(candidate.address(), candidate.port());
        StunBindingClient stun = new StunBindingClient(answer.iceUfragOf(m) + ":" + ufrag, answer.icePwdOf(m));
        byte[] request = stun.request(true, true, 1, 1L << 24);
        byte[] in = new byte[1500];
        socket.setSoTimeout(500);
        for (int attempt = 0; attempt < 20; attempt++) {
            socket.send(new DatagramPacket(request, request.length, node));
            DatagramPacket reply = new DatagramPacket(in, in.length);
            try {
                socket.receive(reply);
                if (stun.isSuccessResponse(reply.getData(), 0, reply.getLength())) {
                    socket.send(new DatagramPacket(clientHello, clientHello.length, node));
                    return;
                }
            } catch (SocketTimeoutException lost) {
                // send the check again
            }
        }
        throw new AssertionError("the node never answered the check for " + ufrag);
    }
}
