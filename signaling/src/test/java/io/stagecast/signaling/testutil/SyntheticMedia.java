package io.stagecast.signaling.testutil;

import io.stagecast.sfu.client.SyntheticPeer;
import io.stagecast.signaling.sdp.Candidate;
import io.stagecast.signaling.sdp.Fingerprint;
import io.stagecast.signaling.sdp.MediaDescription;
import io.stagecast.signaling.sdp.SessionDescription;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** What the synthetic WHIP and WHEP clients share: the POST, and connecting a peer to an answer. */
public final class SyntheticMedia {
    public static final int AUDIO_PT = 111;
    public static final int VIDEO_PT = 96;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private SyntheticMedia() {
    }

    /** POST {@code sdp} to {@code baseUrl + path} with a Bearer token. */
    public static HttpResponse<String> post(String baseUrl, String path, String token, String sdp) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/sdp").POST(HttpRequest.BodyPublishers.ofString(sdp));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** DELETE {@code baseUrl + path} with a Bearer token; the status. */
    public static int delete(String baseUrl, String path, String token) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token).DELETE().build(), HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    /** Connects the peer to the node the answer describes (its loopback host candidate), within 10 s. */
    public static void connect(SyntheticPeer peer, String answer) throws Exception {
        SessionDescription sdp = SessionDescription.parse(answer);
        for (MediaDescription m : sdp.getMedia()) {
            if (m.getPort() == 0) {
                continue;
            }
            Fingerprint fp = sdp.fingerprintOf(m);
            for (Candidate c : m.getCandidates()) {
                if ("udp".equalsIgnoreCase(c.transport())) {
                    if (!c.address().startsWith("127.")) {
                        throw new AssertionError("test media stays on loopback, got " + c.address());
                    }
                    peer.connect(new InetSocketAddress(c.address(), c.port()), sdp.iceUfragOf(m), sdp.icePwdOf(m),
                            fp.algorithm() + " " + fp.value()).get(10, TimeUnit.SECONDS);
                    return;
                }
            }
        }
        throw new AssertionError("the answer has no UDP candidate:\n" + answer);
    }

    /** The session and transport lines every offer shares. */
    static String sessionHead(String mids) {
        return "v=0\r\no=- " + System.nanoTime() + " 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
                + "a=group:BUNDLE " + mids + "\r\na=msid-semantic: WMS *\r\n";
    }

    static String transport(SyntheticPeer peer) {
        return "c=IN IP4 0.0.0.0\r\na=rtcp:9 IN IP4 0.0.0.0\r\n"
                + "a=ice-ufrag:" + peer.iceUfrag() + "\r\na=ice-pwd:" + peer.icePwd() + "\r\n"
                + "a=fingerprint:" + peer.fingerprint() + "\r\na=setup:actpass\r\na=rtcp-mux\r\n";
    }
}
