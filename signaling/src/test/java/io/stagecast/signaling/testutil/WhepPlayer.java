package io.stagecast.signaling.testutil;

import io.stagecast.sfu.client.SyntheticPeer;
import io.stagecast.sfu.dtls.DtlsRole;

import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A WHEP player made of a {@link SyntheticPeer}: offers {@code audioSlots} receive-only audio
 * sections and one video section, and counts the audio packets it receives by their first payload
 * byte (the {@link WhipEncoder#tag} of who sent them).
 */
public final class WhepPlayer implements AutoCloseable {
    private final SyntheticPeer peer = new SyntheticPeer(DtlsRole.CLIENT);
    private final int audioSlots;
    private final AtomicLongArray byTag = new AtomicLongArray(256);

    public WhepPlayer(int audioSlots) {
        this.audioSlots = audioSlots;
        peer.setRtpListener((packet, nanos) -> {
            if (packet.payloadType() == SyntheticMedia.AUDIO_PT && packet.payloadLength() > 0) {
                byTag.incrementAndGet(packet.buffer()[packet.payloadOffset()] & 0xFF);
            }
        });
    }

    public String offer() {
        StringBuilder mids = new StringBuilder();
        for (int i = 0; i <= audioSlots; i++) {
            mids.append(i == 0 ? "" : " ").append(i);
        }
        StringBuilder sdp = new StringBuilder(SyntheticMedia.sessionHead(mids.toString()));
        for (int i = 0; i < audioSlots; i++) {
            sdp.append("m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n").append(SyntheticMedia.transport(peer))
                    .append("a=mid:").append(i).append("\r\na=recvonly\r\n")
                    .append("a=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n");
        }
        sdp.append("m=video 9 UDP/TLS/RTP/SAVPF 96\r\n").append(SyntheticMedia.transport(peer))
                .append("a=mid:").append(audioSlots).append("\r\na=recvonly\r\n")
                .append("a=rtpmap:96 VP8/90000\r\na=rtcp-fb:96 nack\r\na=rtcp-fb:96 nack pli\r\n");
        return sdp.toString();
    }

    /** POSTs the offer to {@code /whep/{room}}; on 201 connects. */
    public HttpResponse<String> watch(String baseUrl, String room, String token) throws Exception {
        HttpResponse<String> response = SyntheticMedia.post(baseUrl, "/whep/" + room, token, offer());
        if (response.statusCode() == 201) {
            SyntheticMedia.connect(peer, response.body());
        }
        return response;
    }

    /** Audio packets received from the encoder with this tag. */
    public long received(int tag) {
        return byTag.get(tag & 0xFF);
    }

    public SyntheticPeer peer() {
        return peer;
    }

    @Override
    public void close() {
        peer.close();
    }
}
