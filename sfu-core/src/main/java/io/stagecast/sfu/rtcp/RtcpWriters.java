package io.stagecast.sfu.rtcp;

import static io.stagecast.sfu.rtcp.RtcpCompound.PT_BYE;
import static io.stagecast.sfu.rtcp.RtcpCompound.PT_PSFB;
import static io.stagecast.sfu.rtcp.RtcpCompound.PT_RR;
import static io.stagecast.sfu.rtcp.RtcpCompound.PT_RTPFB;
import static io.stagecast.sfu.rtcp.RtcpCompound.PT_SDES;
import static io.stagecast.sfu.rtcp.RtcpCompound.PT_SR;

/**
 * Writes RTCP packets into a byte array. Each writer returns the bytes written, or -1 when the
 * packet would not fit between {@code off} and the end of {@code dst} (nothing is written then).
 * Compound packets are built by calling writers one after another. Arguments that no valid packet
 * could carry (more than 31 report blocks, a CNAME over 255 bytes) are programming errors and throw
 * {@link IllegalArgumentException}.
 */
public final class RtcpWriters {
    private static final int MAX_ITEMS = 31;
    private static final int SDES_CNAME = 1;
    private static final int REMB_MANTISSA_MAX = 0x3FFFF;

    private RtcpWriters() {
    }

    private static boolean fits(byte[] dst, int off, int length) {
        return off >= 0 && length <= dst.length - off;
    }

    /** Common header; {@code length} in bytes, a multiple of 4 (RFC 3550 6.4.1). */
    private static void header(byte[] dst, int off, int countOrFmt, int packetType, int length) {
        dst[off] = (byte) (0x80 | countOrFmt);
        dst[off + 1] = (byte) packetType;
        BigEndian.put16(dst, off + 2, length / 4 - 1);
    }

    private static void checkItems(int count, int available) {
        if (count < 0 || count > MAX_ITEMS || count > available) {
            throw new IllegalArgumentException("count " + count + " outside 0.." + Math.min(MAX_ITEMS, available));
        }
    }

    // ---------------------------------------------------------------- SR, RR (RFC 3550 6.4)

    public static int writeSenderReport(byte[] dst, int off, int ssrc, long ntpTimestamp64, long rtpTimestamp,
            long packetCount, long octetCount) {
        return writeSenderReport(dst, off, ssrc, ntpTimestamp64, rtpTimestamp, packetCount, octetCount, null, 0);
    }

    /** A sender report carrying {@code count} report blocks, e.g. about the streams we receive. */
    public static int writeSenderReport(byte[] dst, int off, int ssrc, long ntpTimestamp64, long rtpTimestamp,
            long packetCount, long octetCount, ReportBlock[] blocks, int count) {
        checkItems(count, blocks == null ? 0 : blocks.length);
        int length = RtcpReaders.SR_HEADER + count * ReportBlock.LENGTH;
        if (!fits(dst, off, length)) {
            return -1;
        }
        header(dst, off, count, PT_SR, length);
        BigEndian.put32(dst, off + 4, ssrc);
        BigEndian.put32(dst, off + 8, ntpTimestamp64 >>> 32);
        BigEndian.put32(dst, off + 12, ntpTimestamp64);
        BigEndian.put32(dst, off + 16, rtpTimestamp);
        BigEndian.put32(dst, off + 20, packetCount);
        BigEndian.put32(dst, off + 24, octetCount);
        writeBlocks(dst, off + RtcpReaders.SR_HEADER, blocks, count);
        return length;
    }

    public static int writeReceiverReport(byte[] dst, int off, int senderSsrc, ReportBlock[] blocks, int count) {
        checkItems(count, blocks == null ? 0 : blocks.length);
        int length = RtcpReaders.RR_HEADER + count * ReportBlock.LENGTH;
        if (!fits(dst, off, length)) {
            return -1;
        }
        header(dst, off, count, PT_RR, length);
        BigEndian.put32(dst, off + 4, senderSsrc);
        writeBlocks(dst, off + RtcpReaders.RR_HEADER, blocks, count);
        return length;
    }

    private static void writeBlocks(byte[] dst, int at, ReportBlock[] blocks, int count) {
        for (int i = 0; i < count; i++, at += ReportBlock.LENGTH) {
            ReportBlock block = blocks[i];
            int lost = Math.max(ReportBlock.MIN_CUMULATIVE_LOST,
                    Math.min(ReportBlock.MAX_CUMULATIVE_LOST, block.cumulativeLost));
            BigEndian.put32(dst, at, block.ssrc);
            dst[at + 4] = (byte) block.fractionLost;
            BigEndian.put24(dst, at + 5, lost);
            BigEndian.put32(dst, at + 8, block.extendedHighestSeq);
            BigEndian.put32(dst, at + 12, block.jitter);
            BigEndian.put32(dst, at + 16, block.lastSr);
            BigEndian.put32(dst, at + 20, block.delaySinceLastSr);
        }
    }

    // ---------------------------------------------------------------- SDES, BYE (RFC 3550 6.5, 6.6)

    /** One SDES chunk with a CNAME item, terminated by null octets up to a word (RFC 3550 6.5). */
    public static int writeSdesCname(byte[] dst, int off, int ssrc, byte[] cname) {
        if (cname.length > 255) {
            throw new IllegalArgumentException("CNAME longer than 255 bytes: " + cname.length);
        }
        int chunk = 4 + 2 + cname.length;
        int length = 4 + ((chunk + 1 + 3) & ~3); // at least one null octet ends the item list
        if (!fits(dst, off, length)) {
            return -1;
        }
        header(dst, off, 1, PT_SDES, length);
        BigEndian.put32(dst, off + 4, ssrc);
        dst[off + 8] = SDES_CNAME;
        dst[off + 9] = (byte) cname.length;
        System.arraycopy(cname, 0, dst, off + 10, cname.length);
        for (int i = off + 10 + cname.length; i < off + length; i++) {
            dst[i] = 0;
        }
        return length;
    }

    public static int writeBye(byte[] dst, int off, int ssrc) {
        if (!fits(dst, off, 8)) {
            return -1;
        }
        header(dst, off, 1, PT_BYE, 8);
        BigEndian.put32(dst, off + 4, ssrc);
        return 8;
    }

    /** A BYE for {@code count} sources, without a reason. */
    public static int writeBye(byte[] dst, int off, int[] ssrcs, int count) {
        checkItems(count, ssrcs.length);
        int length = 4 + 4 * count;
        if (!fits(dst, off, length)) {
            return -1;
        }
        header(dst, off, count, PT_BYE, length);
        for (int i = 0; i < count; i++) {
            BigEndian.put32(dst, off + 4 + 4 * i, ssrcs[i]);
        }
        return length;
    }

    // ---------------------------------------------------------------- feedback (RFC 4585, RFC 5104)

    private static void feedbackHeader(byte[] dst, int off, int fmt, int pt, int length, int sender, int media) {
        header(dst, off, fmt, pt, length);
        BigEndian.put32(dst, off + 4, sender);
        BigEndian.put32(dst, off + 8, media);
    }

    /** Picture Loss Indication (RFC 4585 6.3.1). */
    public static int writePli(byte[] dst, int off, int senderSsrc, int mediaSsrc) {
        if (!fits(dst, off, RtcpReaders.FB_HEADER)) {
            return -1;
        }
        feedbackHeader(dst, off, RtcpReaders.FMT_PLI, PT_PSFB, RtcpReaders.FB_HEADER, senderSsrc, mediaSsrc);
        return RtcpReaders.FB_HEADER;
    }

    /**
     * Full Intra Request (RFC 5104 4.3.1) for one stream. The media SSRC of the common header is
     * 0 there; the target goes in the FCI with a command sequence number that the caller increments
     * per new request (and repeats for a retransmitted one).
     */
    public static int writeFir(byte[] dst, int off, int senderSsrc, int mediaSsrc, int seqNr) {
        int length = RtcpReaders.FB_HEADER + 8;
        if (!fits(dst, off, length)) {
            return -1;
        }
        feedbackHeader(dst, off, RtcpReaders.FMT_FIR, PT_PSFB, length, senderSsrc, 0);
        BigEndian.put32(dst, off + 12, mediaSsrc);
        BigEndian.put32(dst, off + 16, (long) (seqNr & 0xFF) << 24);
        return length;
    }

    /**
     * Generic NACK (RFC 4585 6.2.1). {@code lostSeqs} should be in ascending order (modulo 2^16):
     * each one more than 16 after the current PID opens a new PID/BLP pair; duplicates are skipped.
     */
    public static int writeNack(byte[] dst, int off, int senderSsrc, int mediaSsrc, int[] lostSeqs, int count) {
        if (count <= 0 || count > lostSeqs.length) {
            throw new IllegalArgumentException("count " + count + " outside 1.." + lostSeqs.length);
        }
        int pairs = 0;
        for (int i = 0; i < count; ) {
            i = endOfPair(lostSeqs, i, count);
            pairs++;
        }
        int length = RtcpReaders.FB_HEADER + 4 * pairs;
        if (!fits(dst, off, length)) {
            return -1;
        }
        feedbackHeader(dst, off, RtcpReaders.FMT_NACK, PT_RTPFB, length, senderSsrc, mediaSsrc);
        int at = off + RtcpReaders.FB_HEADER;
        for (int i = 0; i < count; at += 4) {
            int pid = lostSeqs[i] & 0xFFFF;
            int end = endOfPair(lostSeqs, i, count);
            int blp = 0;
            for (int j = i + 1; j < end; j++) {
                int distance = (lostSeqs[j] - pid) & 0xFFFF;
                if (distance != 0) {
                    blp |= 1 << (distance - 1);
                }
            }
            BigEndian.put16(dst, at, pid);
            BigEndian.put16(dst, at + 2, blp);
            i = end;
        }
        return length;
    }

    /** Index after the last of the sequence numbers from {@code i} that one PID/BLP pair covers. */
    private static int endOfPair(int[] seqs, int i, int count) {
        int pid = seqs[i] & 0xFFFF;
        int j = i + 1;
        while (j < count && ((seqs[j] - pid) & 0xFFFF) <= 16) {
            j++;
        }
        return j;
    }

    /**
     * Receiver Estimated Maximum Bitrate (draft-alvestrand-rmcat-remb-03 2.2): media SSRC 0, then
     * "REMB", the SSRC count, and the bitrate as an 18-bit mantissa with a 6-bit exponent (rounded
     * down).
     */
    public static int writeRemb(byte[] dst, int off, int senderSsrc, long bitrateBps, int[] ssrcs, int count) {
        if (count < 0 || count > 255 || count > ssrcs.length || bitrateBps < 0) {
            throw new IllegalArgumentException("REMB of " + bitrateBps + " bps for " + count + " SSRCs");
        }
        int length = RtcpReaders.REMB_HEADER + 4 * count;
        if (!fits(dst, off, length)) {
            return -1;
        }
        int exponent = 0;
        long mantissa = bitrateBps;
        while (mantissa > REMB_MANTISSA_MAX) {
            mantissa >>>= 1;
            exponent++;
        }
        feedbackHeader(dst, off, RtcpReaders.FMT_AFB, PT_PSFB, length, senderSsrc, 0);
        BigEndian.put32(dst, off + 12, RtcpReaders.REMB_IDENTIFIER);
        BigEndian.put32(dst, off + 16, (long) count << 24 | (long) exponent << 18 | mantissa);
        for (int i = 0; i < count; i++) {
            BigEndian.put32(dst, off + 20 + 4 * i, ssrcs[i]);
        }
        return length;
    }
}
