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

    /** Video as Chromium's simulcast offers it: two rids, no a=ssrc, each stream's SSRC learnt from mid/rid. */
    private final boolean ridSimulcast;

    public WhipEncoder(int tag) {
        this(tag, false);
    }

    /**
     * @param ridSimulcast video offered as rids {@code q} and {@code f} without SSRCs (as Chromium
     *                     does), and sent: one packet of each every 20 ms, with the mid and rid
     *                     header extensions, from SSRCs the node learns from them
     */
    public WhipEncoder(int tag, boolean ridSimulcast) {
        this.tag = (byte) tag;
        this.ridSimulcast = ridSimulcast;
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
                + (ridSimulcast
                ? "a=extmap:1 " + io.stagecast.sfu.rtp.RtpExtensionUris.MID + "\r\na=extmap:2 "
                        + io.stagecast.sfu.rtp.RtpExtensionUris.RID + "\r\na=rid:q send\r\na=rid:f send\r\n"
                        + "a=simulcast:send q;f\r\n"
                : "a=ssrc:" + Integer.toUnsignedString(videoSsrc) + " cname:enc" + tag + "\r\n");
    }

    /** The SSRC of the simulcast stream {@code layer} (0: q, 1: f) as sent. */
    public int simulcastSsrc(int layer) {
        return videoSsrc + 2 * layer;
    }

    /** A VP8 packet of stream {@code layer} with the mid ("1") and rid header extensions (ids 1 and 2). */
    private byte[] ridPacket(int layer, int seq, long ts) {
        int ssrc = simulcastSsrc(layer);
        byte[] p = new byte[12 + 4 + 4 + 16];
        p[0] = (byte) 0x90;
        p[1] = (byte) SyntheticMedia.VIDEO_PT;
        p[2] = (byte) (seq >> 8);
        p[3] = (byte) seq;
        p[4] = (byte) (ts >> 24);
        p[5] = (byte) (ts >> 16);
        p[6] = (byte) (ts >> 8);
        p[7] = (byte) ts;
        p[8] = (byte) (ssrc >> 24);
        p[9] = (byte) (ssrc >> 16);
        p[10] = (byte) (ssrc >> 8);
        p[11] = (byte) ssrc;
        p[12] = (byte) 0xBE; // RFC 8285 one-byte elements, one word of them
        p[13] = (byte) 0xDE;
        p[15] = 1;
        p[16] = (byte) (1 << 4); // mid, 1 byte
        p[17] = '1';
        p[18] = (byte) (2 << 4); // rid, 1 byte
        p[19] = (byte) (layer == 0 ? 'q' : 'f');
        p[20] = 0x10; // VP8 payload descriptor: start of a partition
        return p;
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
            if (ridSimulcast) {
                for (int layer = 0; layer < 2; layer++) {
                    byte[] video = ridPacket(layer, seq, ts);
                    peer.sendRtpPacket(video, 0, video.length);
                }
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
