package io.stagecast.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecast.sfu.client.SyntheticPeer;
import io.stagecast.signaling.sdp.Direction;
import io.stagecast.signaling.sdp.Fingerprint;
import io.stagecast.signaling.sdp.MediaDescription;
import io.stagecast.signaling.sdp.SessionDescription;
import io.stagecast.signaling.sdp.Setup;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The receiving peer connection of a participant: answers each {@code subscriberOffer} as a
 * browser would (recvonly, DTLS active, our ICE credentials and fingerprint) and connects its
 * SyntheticPeer after the first answer. Later offers (tracks coming or going) are answered on the
 * same connection.
 */
final class SubscriberLeg implements AutoCloseable {
    final SyntheticPeer peer;
    private final NodeTarget node;
    private final Consumer<InetSocketAddress> onNodeAddress;
    /** Completes when ICE, DTLS and SRTP are up. */
    final CompletableFuture<Void> connected = new CompletableFuture<>();
    private boolean connectStarted;

    /**
     * @param peer          a DTLS client (the node's offers say actpass; we answer active)
     * @param node          which media addresses the peer may connect to
     * @param onNodeAddress told the node's media address before the peer connects to it
     */
    SubscriberLeg(SyntheticPeer peer, NodeTarget node, Consumer<InetSocketAddress> onNodeAddress) {
        this.peer = peer;
        this.node = node;
        this.onNodeAddress = onNodeAddress;
    }

    /** Called on the signaling thread for each offer event; never blocks. */
    synchronized void onOffer(SignalingConnection signaling, JsonNode event) {
        SessionDescription offer;
        try {
            offer = SessionDescription.parse(event.path("sdp").asText());
        } catch (Exception e) {
            connected.completeExceptionally(e);
            return;
        }
        boolean hasMedia = offer.getMedia().stream().anyMatch(m -> m.getPort() != 0);
        MediaTarget target;
        try {
            target = hasMedia && !connectStarted ? MediaTarget.of(offer, node) : null;
        } catch (RuntimeException e) {
            connected.completeExceptionally(e);
            return;
        }
        String answer = answerTo(offer);
        CompletableFuture<JsonNode> answered = signaling.request("answer",
                Map.of("sdp", answer, "revision", event.path("revision").asLong()));
        if (target != null) {
            connectStarted = true;
            onNodeAddress.accept(target.address());
            answered.thenCompose(ok -> peer.connect(target.address(), target.ufrag(), target.password(), target.fingerprint()))
                    .whenComplete((ok, error) -> {
                        if (error != null) {
                            connected.completeExceptionally(error);
                        } else {
                            connected.complete(null);
                        }
                    });
        }
    }

    private String answerTo(SessionDescription offer) {
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

    @Override
    public void close() {
        peer.close();
    }
}
