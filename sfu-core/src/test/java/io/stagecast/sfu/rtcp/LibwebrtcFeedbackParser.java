package io.stagecast.sfu.rtcp;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads transport-cc feedback the way a Chromium sender does, written from the behaviour of
 * libwebrtc's {@code rtcp::CommonHeader::Parse}, {@code rtcp::TransportFeedback::Parse} and the
 * send side's {@code TransportFeedback::GetBaseDelta} (modules/rtp_rtcp/source/rtcp_packet/), so a
 * test can check our writer against what the browser accepts rather than against our own reader.
 * Deliberately independent of {@link RtcpReaders}: it shares no code with what it checks.
 */
final class LibwebrtcFeedbackParser {
    /** 250 us per delta tick; 64 ms per reference-time unit; the reference time wraps at 2^24 units. */
    static final long DELTA_TICK_US = 250;
    static final long BASE_TICK_US = DELTA_TICK_US * 256;
    static final long TIME_WRAP_US = BASE_TICK_US << 24;

    record Packet(int seq, boolean received, long deltaTicks) {
    }

    record Feedback(int senderSsrc, int mediaSsrc, int baseSeq, int statusCount, long baseTimeTicks,
                    int feedbackSeq, List<Packet> packets) {
        /** libwebrtc's BaseTime(): an extra wrap period so that negative deltas stay positive. */
        long baseTimeUs() {
            return TIME_WRAP_US + baseTimeTicks * BASE_TICK_US;
        }

        /** As the sender's adapter: how far this feedback's base time lies after the previous one's. */
        long baseDeltaUs(long previousBaseTimeUs) {
            long delta = baseTimeUs() - previousBaseTimeUs;
            if (Math.abs(delta - TIME_WRAP_US) < Math.abs(delta)) {
                delta -= TIME_WRAP_US;
            } else if (Math.abs(delta + TIME_WRAP_US) < Math.abs(delta)) {
                delta += TIME_WRAP_US;
            }
            return delta;
        }
    }

    private LibwebrtcFeedbackParser() {
    }

    /** Parses one RTCP packet; throws where libwebrtc would reject the packet. */
    static Feedback parse(byte[] b, int off, int len) {
        // CommonHeader::Parse
        require(len >= 4, "buffer too small for the RTCP header");
        int version = (b[off] & 0xFF) >>> 6;
        require(version == 2, "version " + version);
        boolean hasPadding = (b[off] & 0x20) != 0;
        int fmt = b[off] & 0x1F;
        int type = b[off + 1] & 0xFF;
        int payloadSize = (((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF)) * 4;
        require(len >= 4 + payloadSize, "buffer too small for the announced length");
        int paddingSize = 0;
        if (hasPadding) {
            require(payloadSize > 0, "padding bit set on an empty packet");
            paddingSize = b[off + 4 + payloadSize - 1] & 0xFF;
            require(paddingSize != 0, "padding bit set but 0 padding size");
            require(paddingSize <= payloadSize, "padding larger than the payload");
            payloadSize -= paddingSize;
        }
        require(type == 205 && fmt == 15, "not transport feedback: " + type + "/" + fmt);
        // TransportFeedback::Parse
        require(payloadSize >= 8 + 8 + 2, "too small for a feedback packet");
        int p = off + 4;
        int sender = readInt(b, p);
        int media = readInt(b, p + 4);
        int baseSeq = readU16(b, p + 8);
        int statusCount = readU16(b, p + 10);
        long baseTime = ((b[p + 12] & 0xFFL) << 16) | ((b[p + 13] & 0xFFL) << 8) | (b[p + 14] & 0xFFL);
        int feedbackSeq = b[p + 15] & 0xFF;
        require(statusCount > 0, "empty feedback messages are not allowed");
        int index = 16;
        List<Integer> sizes = new ArrayList<>();
        while (sizes.size() < statusCount) {
            require(index + 2 <= payloadSize, "buffer overflow while parsing chunks");
            int chunk = readU16(b, p + index);
            index += 2;
            int max = statusCount - sizes.size();
            if ((chunk & 0x8000) == 0) {
                int run = Math.min(chunk & 0x1FFF, max);
                int size = (chunk >>> 13) & 3;
                for (int i = 0; i < run; i++) {
                    sizes.add(size);
                }
            } else if ((chunk & 0x4000) == 0) {
                int n = Math.min(14, max);
                for (int i = 0; i < n; i++) {
                    sizes.add((chunk >>> (13 - i)) & 1);
                }
            } else {
                int n = Math.min(7, max);
                for (int i = 0; i < n; i++) {
                    sizes.add((chunk >>> (2 * (6 - i))) & 3);
                }
            }
        }
        int deltaBytes = sizes.stream().mapToInt(Integer::intValue).sum();
        // libwebrtc treats a packet without room for every delta as one without timestamps: for
        // our estimate that is as useless as a rejected one.
        require(payloadSize >= index + deltaBytes, "receive deltas missing: the sender would ignore every time");
        List<Packet> packets = new ArrayList<>();
        int seq = baseSeq;
        for (int size : sizes) {
            switch (size) {
                case 0 -> packets.add(new Packet(seq, false, 0));
                case 1 -> {
                    packets.add(new Packet(seq, true, b[p + index] & 0xFF));
                    index += 1;
                }
                case 2 -> {
                    packets.add(new Packet(seq, true, (short) readU16(b, p + index)));
                    index += 2;
                }
                default -> throw new IllegalArgumentException("invalid delta size 3 for seq " + seq);
            }
            seq = (seq + 1) & 0xFFFF;
        }
        return new Feedback(sender, media, baseSeq, statusCount, baseTime, feedbackSeq, packets);
    }

    private static void require(boolean condition, String why) {
        if (!condition) {
            throw new IllegalArgumentException("libwebrtc would reject this packet: " + why);
        }
    }

    private static int readU16(byte[] b, int at) {
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }

    private static int readInt(byte[] b, int at) {
        return (readU16(b, at) << 16) | readU16(b, at + 2);
    }
}
