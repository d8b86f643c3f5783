package io.stagecast.signaling.testutil;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecast.sfu.client.SyntheticPeer;
import io.stagecast.sfu.dtls.DtlsRole;
import io.stagecast.signaling.sdp.Direction;
import io.stagecast.signaling.sdp.Fingerprint;
import io.stagecast.signaling.sdp.MediaDescription;
import io.stagecast.signaling.sdp.SessionDescription;
import io.stagecast.signaling.sdp.Setup;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The web client's receiving side made of a {@link JsonWebSocketClient} and a {@link SyntheticPeer}:
 * joins over the WebSocket protocol, answers each {@code subscriberOffer} as a browser would
 * (recvonly, DTLS active, its own ICE credentials) and connects to the candidate of the first,
 * counting the audio packets it receives by their first payload byte ({@link WhipEncoder#tag}).
 */
public final class WebViewer implements AutoCloseable {
    public final JsonWebSocketClient socket;
    private final SyntheticPeer peer = new SyntheticPeer(DtlsRole.CLIENT);
    private final AtomicLongArray byTag = new AtomicLongArray(256);
    /** The join's response. */
    public final JsonNode joined;
    private InetSocketAddress media;

    private WebViewer(JsonWebSocketClient socket, JsonNode joined) {
        this.socket = socket;
        this.joined = joined;
        peer.setRtpListener((packet, nanos) -> {
            if (packet.payloadType() == SyntheticMedia.AUDIO_PT && packet.payloadLength() > 0) {
                byTag.incrementAndGet(packet.buffer()[packet.payloadOffset()] & 0xFF);
            }
        });
    }

    /** Opens a WebSocket to {@code baseUrl} and joins {@code room}; look at {@link #joined} for the outcome. */
    public static WebViewer join(String baseUrl, String room, String token) throws Exception {
        JsonWebSocketClient socket = JsonWebSocketClient.connect(baseUrl);
        return new WebViewer(socket, socket.request("join", "room", room, "token", token, "stage", false));
    }

    public String participantId() {
        return joined.path("data").path("participantId").asText();
    }

    /**
     * Answers the next {@code subscriberOffer} (waiting up to {@code timeoutMs}) and, the first
     * time, connects to the node that offered: that node's media address, or null when no offer came.
     */
    public InetSocketAddress answerNextOffer(long timeoutMs) throws Exception {
        JsonNode offer = socket.awaitEvent("subscriberOffer", timeoutMs);
        if (offer == null) {
            return null;
        }
        SessionDescription sdp = SessionDescription.parse(offer.path("sdp").asText());
        MediaDescription first = sdp.getMedia().get(0);
        String fingerprint = first.getFingerprint().algorithm() + " " + first.getFingerprint().value();
        String ufrag = first.getIceUfrag();
        String pwd = first.getIcePwd();
        InetSocketAddress offered = new InetSocketAddress("127.0.0.1", first.getCandidates().get(0).port());
        JsonNode answered = socket.request("answer", "sdp", answer(sdp, peer), "revision", offer.path("revision").asLong());
        if (!answered.path("ok").asBoolean()) {
            throw new AssertionError("answer refused: " + answered);
        }
        if (media == null) {
            media = offered;
            peer.connect(offered, ufrag, pwd, fingerprint).get(10, TimeUnit.SECONDS);
        }
        return offered;
    }

    /**
     * The answer a browser gives to a node's {@code subscriberOffer} (made from the offer, which
     * it changes): recvonly (inactive for a closed section), DTLS active, {@code peer}'s ICE
     * credentials and fingerprint, no candidates, SSRCs or msids of its own.
     */
    public static String answer(SessionDescription offer, SyntheticPeer peer) {
        offer.setIceLite(false);
        for (MediaDescription m : offer.getMedia()) {
            m.setDirection(m.getPort() == 0 ? Direction.INACTIVE : Direction.RECVONLY);
            m.setSetup(Setup.ACTIVE);
            m.setIceUfrag(peer.iceUfrag());
            m.setIcePwd(peer.icePwd());
            m.setFingerprint(new Fingerprint("sha-256", peer.fingerprintHex()));
            m.getCandidates().clear();
            m.setEndOfCandidates(false);
            m.getSsrcAttributes().clear();
            m.getSsrcGroups().clear();
            m.getMsids().clear();
        }
        return offer.write();
    }

    /** Audio packets received from the encoder with this tag. */
    public long received(int tag) {
        return byTag.get(tag & 0xFF);
    }

    @Override
    public void close() {
        socket.close();
        peer.close();
    }
}
