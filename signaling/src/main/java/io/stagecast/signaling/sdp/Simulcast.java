package io.stagecast.signaling.sdp;

import java.util.ArrayList;
import java.util.List;

/**
 * a=simulcast (RFC 8853 5.1): the streams sent and received. Each stream is a list of
 * alternative rids (usually one); a rid prefixed with "~" starts paused.
 */
public record Simulcast(List<List<Stream>> send, List<List<Stream>> recv) {

    /** One rid in a simulcast stream list, and whether it was marked paused ("~"). */
    public record Stream(String rid, boolean paused) {

        String sdpValue() {
            return paused ? "~" + rid : rid;
        }
    }

    public Simulcast {
        send = copy(send);
        recv = copy(recv);
    }

    /** A send-only simulcast of one unpaused rid per stream, e.g. ("q", "h", "f"). */
    public static Simulcast sending(String... rids) {
        List<List<Stream>> streams = new ArrayList<>();
        for (String rid : rids) {
            streams.add(List.of(new Stream(rid, false)));
        }
        return new Simulcast(streams, List.of());
    }

    /** The first alternative rid of every sent stream, in the order listed (lowest layer first for Chromium). */
    public List<String> sendRids() {
        return firstRids(send);
    }

    /** The first alternative rid of every received stream, in the order listed. */
    public List<String> recvRids() {
        return firstRids(recv);
    }

    String sdpValue() {
        StringBuilder b = new StringBuilder();
        if (!send.isEmpty()) {
            b.append("send ").append(list(send));
        }
        if (!recv.isEmpty()) {
            b.append(b.length() == 0 ? "" : " ").append("recv ").append(list(recv));
        }
        return b.toString();
    }

    private static String list(List<List<Stream>> streams) {
        StringBuilder b = new StringBuilder();
        for (List<Stream> alternatives : streams) {
            if (b.length() > 0) {
                b.append(';');
            }
            for (int i = 0; i < alternatives.size(); i++) {
                b.append(i == 0 ? "" : ",").append(alternatives.get(i).sdpValue());
            }
        }
        return b.toString();
    }

    private static List<String> firstRids(List<List<Stream>> streams) {
        List<String> rids = new ArrayList<>();
        for (List<Stream> alternatives : streams) {
            rids.add(alternatives.get(0).rid());
        }
        return rids;
    }

    private static List<List<Stream>> copy(List<List<Stream>> streams) {
        List<List<Stream>> copy = new ArrayList<>();
        for (List<Stream> alternatives : streams) {
            if (alternatives.isEmpty()) {
                throw new IllegalArgumentException("a simulcast stream needs at least one rid");
            }
            copy.add(List.copyOf(alternatives));
        }
        return List.copyOf(copy);
    }
}
