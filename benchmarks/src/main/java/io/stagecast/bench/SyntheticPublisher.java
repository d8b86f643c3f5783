package io.stagecast.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecast.sfu.client.SyntheticPeer;
import io.stagecast.sfu.dtls.DtlsCertificate;
import io.stagecast.signaling.sdp.SessionDescription;

import java.net.URI;
import java.net.http.HttpClient;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * A participant that joins, publishes one VP8-like video and one Opus-like audio track with an
 * SDP offer of its own, and sends paced RTP on its own thread: the first frame and every
 * requested (PLI/FIR) or periodic frame is a VP8 key frame, the marker bit ends each frame, and
 * every payload carries its send time ({@link PayloadStamp}). A frame's packets leave at the
 * pacing rate ({@link VideoPacing#packetGapNanos}), each at its own deadline, as a browser's pacer
 * sends them, not as one burst.
 */
public final class SyntheticPublisher implements AutoCloseable {
    private static final int VIDEO_PT = 96;
    private static final int AUDIO_PT = 111;
    /** Behind schedule by more than this (a stalled machine): skip ahead instead of bursting. */
    private static final long MAX_LAG_NANOS = 500_000_000L;

    private final int index;
    private final VideoPacing pacing;
    private final DtlsCertificate certificate;
    private final NodeTarget node;
    private final SyntheticPeer peer;
    private final int videoSsrc = ThreadLocalRandom.current().nextInt() | 1;
    private final int audioSsrc = ThreadLocalRandom.current().nextInt() | 2;
    private final byte[][] framePayloads;
    private final byte[] audioPayload;
    private volatile SignalingConnection signaling;
    private volatile SubscriberLeg othersLeg;
    private volatile boolean stopped;
    private volatile long packetsSent;
    private Thread sender;

    public SyntheticPublisher(int index, VideoPacing pacing, DtlsCertificate certificate, NodeTarget node) {
        this.index = index;
        this.pacing = pacing;
        this.certificate = certificate;
        this.node = node;
        this.peer = node.newPeer(certificate);
        int packets = pacing.packetsPerFrame();
        int frame = pacing.frameBytes();
        framePayloads = new byte[packets][];
        for (int i = 0; i < packets; i++) {
            int size = frame / packets + (i < frame % packets ? 1 : 0);
            framePayloads[i] = filler(Math.max(PayloadStamp.LENGTH, size));
        }
        audioPayload = filler(pacing.audioPayloadBytes());
    }

    private static byte[] filler(int size) {
        byte[] payload = new byte[size];
        ThreadLocalRandom.current().nextBytes(payload);
        return payload;
    }

    /** Joins, publishes and connects; completes when media can flow (the sender then starts). */
    public CompletableFuture<Void> start(HttpClient http, URI url, String room, String token) {
        return SignalingConnection.open(http, url, this::onEvent)
                .thenCompose(connection -> {
                    signaling = connection;
                    // Publishers are moderators who go straight on stage and start the session.
                    return connection.request("join", Map.of("room", room, "token", token, "stage", true));
                })
                .thenCompose(joined -> "lobby".equals(joined.path("session").asText())
                        ? signaling.request("session.start", Map.of()) : CompletableFuture.completedFuture(joined))
                .thenCompose(started -> signaling.request("publish", Map.of("sdp", offer())))
                .thenCompose(answer -> signaling.request("media.microphone", Map.of("on", true))
                        .thenCompose(on -> signaling.request("media.camera", Map.of("on", true)))
                        .thenApply(on -> answer))
                .thenCompose(answer -> {
                    MediaTarget target;
                    try {
                        target = MediaTarget.of(SessionDescription.parse(answer.path("sdp").asText()), node);
                    } catch (Exception e) {
                        return CompletableFuture.failedFuture(e);
                    }
                    return peer.connect(target.address(), target.ufrag(), target.password(), target.fingerprint());
                })
                .thenRun(() -> {
                    sender = new Thread(this::sendLoop, "publisher-" + index);
                    sender.setDaemon(true);
                    sender.start();
                });
    }

    /** Other publishers' tracks are offered to us too; answer them so the node keeps us (not counted). */
    private void onEvent(JsonNode event) {
        if ("subscriberOffer".equals(event.path("event").asText())) {
            SubscriberLeg leg = othersLeg;
            if (leg == null) {
                leg = new SubscriberLeg(node.newPeer(certificate), node, address -> { });
                othersLeg = leg;
            }
            leg.onOffer(signaling, event);
        }
    }

    /** A Chromium-like offer, reduced to what the node negotiates: BUNDLE, rtcp-mux, Opus, VP8 with NACK and PLI. */
    private String offer() {
        String session = String.valueOf(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        String transport = "c=IN IP4 0.0.0.0\r\na=rtcp:9 IN IP4 0.0.0.0\r\n"
                + "a=ice-ufrag:" + peer.iceUfrag() + "\r\na=ice-pwd:" + peer.icePwd() + "\r\n"
                + "a=fingerprint:" + peer.fingerprint() + "\r\na=setup:actpass\r\n";
        return "v=0\r\no=- " + session + " 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
                + "a=group:BUNDLE 0 1\r\na=msid-semantic: WMS load" + index + "\r\n"
                + "m=audio 9 UDP/TLS/RTP/SAVPF " + AUDIO_PT + "\r\n" + transport
                + "a=mid:0\r\na=sendonly\r\na=msid:load" + index + " audio" + index + "\r\na=rtcp-mux\r\n"
                + "a=rtpmap:" + AUDIO_PT + " opus/48000/2\r\na=fmtp:" + AUDIO_PT + " minptime=10;useinbandfec=1\r\n"
                + "a=ssrc:" + Integer.toUnsignedString(audioSsrc) + " cname:load" + index + "\r\n"
                + "m=video 9 UDP/TLS/RTP/SAVPF " + VIDEO_PT + "\r\n" + transport
                + "a=mid:1\r\na=sendonly\r\na=msid:load" + index + " video" + index + "\r\na=rtcp-mux\r\n"
                + "a=rtpmap:" + VIDEO_PT + " VP8/90000\r\na=rtcp-fb:" + VIDEO_PT + " nack\r\n"
                + "a=rtcp-fb:" + VIDEO_PT + " nack pli\r\na=rtcp-fb:" + VIDEO_PT + " ccm fir\r\n"
                + "a=ssrc:" + Integer.toUnsignedString(videoSsrc) + " cname:load" + index + "\r\n";
    }

    private void sendLoop() {
        long frameInterval = pacing.frameIntervalNanos();
        long packetGap = pacing.packetGapNanos();
        long now = System.nanoTime();
        long frameStart = now;
        long nextVideo = now;
        long nextAudio = now;
        int packetInFrame = 0;
        boolean keyframe = false;
        long lastKeyframe = Long.MIN_VALUE / 2;
        long keyframeRequests = 0;
        int videoSeq = ThreadLocalRandom.current().nextInt(1 << 15);
        int audioSeq = ThreadLocalRandom.current().nextInt(1 << 15);
        long videoTs = ThreadLocalRandom.current().nextInt() & 0xFFFFFFFFL;
        long audioTs = ThreadLocalRandom.current().nextInt() & 0xFFFFFFFFL;
        int videoTicksPerFrame = VideoPacing.VIDEO_CLOCK_RATE / pacing.fps();
        int lastPacket = framePayloads.length - 1;
        while (!stopped) {
            now = System.nanoTime();
            if (now - nextVideo > MAX_LAG_NANOS || now - nextAudio > MAX_LAG_NANOS) {
                frameStart = now - packetInFrame * packetGap;
                nextVideo = now;
                nextAudio = now;
            }
            if (now >= nextVideo) {
                if (packetInFrame == 0) {
                    long requests = peer.keyframeRequestsReceived();
                    keyframe = requests != keyframeRequests || now - lastKeyframe >= pacing.keyframeIntervalNanos();
                    keyframeRequests = requests;
                    if (keyframe) {
                        lastKeyframe = now;
                    }
                }
                byte[] payload = framePayloads[packetInFrame];
                // RFC 7741 4.2 descriptor: S=1 on the frame's first packet; 4.3 header: P=0 marks a key frame.
                payload[0] = (byte) (packetInFrame == 0 ? 0x10 : 0x00);
                payload[1] = (byte) (packetInFrame == 0 && keyframe ? 0x00 : 0x01);
                PayloadStamp.write(payload, System.nanoTime());
                if (peer.sendRtp(videoSsrc, VIDEO_PT, videoSeq, videoTs, packetInFrame == lastPacket, payload)) {
                    packetsSent++;
                }
                videoSeq = (videoSeq + 1) & 0xFFFF;
                if (packetInFrame == lastPacket) {
                    packetInFrame = 0;
                    videoTs = (videoTs + videoTicksPerFrame) & 0xFFFFFFFFL;
                    frameStart += frameInterval;
                    nextVideo = frameStart;
                } else {
                    packetInFrame++;
                    nextVideo = frameStart + packetInFrame * packetGap;
                }
            }
            if (pacing.audioBitrate() > 0 && now >= nextAudio) {
                PayloadStamp.write(audioPayload, System.nanoTime());
                if (peer.sendRtp(audioSsrc, AUDIO_PT, audioSeq, audioTs, false, audioPayload)) {
                    packetsSent++;
                }
                audioSeq = (audioSeq + 1) & 0xFFFF;
                audioTs = (audioTs + VideoPacing.AUDIO_TICKS_PER_PACKET) & 0xFFFFFFFFL;
                nextAudio += VideoPacing.AUDIO_INTERVAL_NANOS;
            }
            long next = pacing.audioBitrate() > 0 ? Math.min(nextVideo, nextAudio) : nextVideo;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
        }
    }

    public long packetsSent() {
        return packetsSent;
    }

    public SyntheticPeer peer() {
        return peer;
    }

    @Override
    public void close() {
        stopped = true;
        if (sender != null) {
            try {
                sender.join(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        SubscriberLeg leg = othersLeg;
        if (leg != null) {
            leg.close();
        }
        peer.close();
        if (signaling != null) {
            signaling.close();
        }
    }
}
