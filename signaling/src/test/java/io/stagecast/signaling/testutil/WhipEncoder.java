package io.stagecast.signaling.testutil;

import io.stagecast.sfu.client.SyntheticPeer;
import io.stagecast.sfu.dtls.DtlsRole;

import java.net.http.HttpResponse;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WHIP encoder made of a {@link SyntheticPeer}: offers Opus and VP8 like a browser, and once
 * connected sends 50 audio packets a second on its own thread, each payload starting with its
 * {@link #tag}, so a viewer can tell whose packets it gets.
 */
public final class WhipEncoder implements AutoCloseable {
    public final byte tag;
    private final SyntheticPeer peer = new SyntheticPeer(DtlsRole.CLIENT);
    private final int audioSsrc = ThreadLocalRandom.current().nextInt() | 1;
    private final int videoSsrc = ThreadLocalRandom.current().nextInt() | 2;
    private volatile boolean stopped;
    private volatile long sent;
    private Thread sender;

    public WhipEncoder(int tag) {
        this.tag = (byte) tag;
    }

    /** A sendonly audio + video offer, as a browser publishing camera and microphone makes. */
    public String offer() {
        return SyntheticMedia.sessionHead("0 1")
                + "m=audio 9 UDP/TLS/RTP/SAVPF " + SyntheticMedia.AUDIO_PT + "\r\n" + SyntheticMedia.transport(peer)
                + "a=mid:0\r\na=sendonly\r\na=msid:enc a" + tag + "\r\n"
                + "a=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n"
                + "a=ssrc:" + Integer.toUnsignedString(audioSsrc) + " cname:enc" + tag + "\r\n"
                + "m=video 9 UDP/TLS/RTP/SAVPF " + SyntheticMedia.VIDEO_PT + "\r\n" + SyntheticMedia.transport(peer)
                + "a=mid:1\r\na=sendonly\r\na=msid:enc v" + tag + "\r\n"
                + "a=rtpmap:96 VP8/90000\r\na=rtcp-fb:96 nack\r\na=rtcp-fb:96 nack pli\r\n"
                + "a=ssrc:" + Integer.toUnsignedString(videoSsrc) + " cname:enc" + tag + "\r\n";
    }

    /** POSTs the offer to {@code /whip/{room}}; on 201 connects and starts sending. */
    public HttpResponse<String> publish(String baseUrl, String room, String token) throws Exception {
        HttpResponse<String> response = SyntheticMedia.post(baseUrl, "/whip/" + room, token, offer());
        if (response.statusCode() == 201) {
            start(response.body());
        }
        return response;
    }

    /** Connects to the node an answer describes (from WHIP, or a WebSocket publish) and starts sending. */
    public void start(String answer) throws Exception {
        SyntheticMedia.connect(peer, answer);
        sender = new Thread(this::sendLoop, "whip-encoder-" + tag);
        sender.setDaemon(true);
        sender.start();
    }

    private void sendLoop() {
        byte[] payload = new byte[120];
        payload[0] = tag;
        int seq = ThreadLocalRandom.current().nextInt(1 << 15);
        long ts = ThreadLocalRandom.current().nextInt() & 0xFFFFFFFFL;
        while (!stopped) {
            if (peer.sendRtp(audioSsrc, SyntheticMedia.AUDIO_PT, seq, ts, false, payload)) {
                sent++;
            }
            seq = (seq + 1) & 0xFFFF;
            ts = (ts + 960) & 0xFFFFFFFFL;
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Packets handed to the socket so far. */
    public long sent() {
        return sent;
    }

    public SyntheticPeer peer() {
        return peer;
    }

    @Override
    public void close() {
        stopped = true;
        if (sender != null) {
            sender.interrupt();
            try {
                sender.join(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        peer.close();
    }
}
