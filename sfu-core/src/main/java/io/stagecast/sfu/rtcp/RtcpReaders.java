package io.stagecast.sfu.rtcp;

import static io.stagecast.sfu.rtcp.RtcpCompound.PT_BYE;
import static io.stagecast.sfu.rtcp.RtcpCompound.PT_PSFB;
import static io.stagecast.sfu.rtcp.RtcpCompound.PT_RR;
import static io.stagecast.sfu.rtcp.RtcpCompound.PT_RTPFB;
import static io.stagecast.sfu.rtcp.RtcpCompound.PT_SDES;
import static io.stagecast.sfu.rtcp.RtcpCompound.PT_SR;

/**
 * Allocation-free field readers over one RTCP packet, in the Aeron flyweight style.
 *
 * <p>{@code off} is the packet's offset ({@link RtcpCompound#packetOffset()}) and {@code len} its
 * length without padding ({@link RtcpCompound#contentLength()}). Each packet type has a validator
 * taking {@code len} that returns an entry count, or -1 when the packet is not of that type or its
 * body does not fit; the field getters that follow take no length and must only be called with
 * indexes below a count a validator returned. That way garbage is rejected once, and never reaches
 * a getter.
 */
public final class RtcpReaders {
    public static final int FMT_NACK = 1;
    public static final int FMT_TRANSPORT_CC = 15;
    public static final int FMT_PLI = 1;
    public static final int FMT_FIR = 4;
    /** Application-layer feedback (RFC 4585 6.4), which REMB uses. */
    public static final int FMT_AFB = 15;

    static final int SR_HEADER = 28;
    static final int RR_HEADER = 8;
    static final int FB_HEADER = 12;
    static final int TCC_HEADER = 20;
    static final int REMB_HEADER = 20;
    /** ASCII "REMB", the unique identifier of draft-alvestrand-rmcat-remb-03 2.2. */
    static final int REMB_IDENTIFIER = 0x52454D42;

    private static final int TCC_RUN_LENGTH_MAX = 0x1FFF;

    private RtcpReaders() {
    }

    static int type(byte[] b, int off) {
        return b[off + 1] & 0xFF;
    }

    static int count(byte[] b, int off) {
        return b[off] & 0x1F;
    }

    // ---------------------------------------------------------------- SR and RR (RFC 3550 6.4)

    /** True when this is a sender report whose header and report blocks all fit. */
    public static boolean isSenderReport(byte[] b, int off, int len) {
        return type(b, off) == PT_SR && reportBlockCount(b, off, len) >= 0;
    }

    public static int srSsrc(byte[] b, int off) {
        return BigEndian.i32(b, off + 4);
    }

    public static long srNtpTimestamp(byte[] b, int off) {
        return BigEndian.u32(b, off + 8) << 32 | BigEndian.u32(b, off + 12);
    }

    public static long srNtpMsw(byte[] b, int off) {
        return BigEndian.u32(b, off + 8);
    }

    public static long srNtpLsw(byte[] b, int off) {
        return BigEndian.u32(b, off + 12);
    }

    public static long srRtpTimestamp(byte[] b, int off) {
        return BigEndian.u32(b, off + 16);
    }

    public static long srPacketCount(byte[] b, int off) {
        return BigEndian.u32(b, off + 20);
    }

    public static long srOctetCount(byte[] b, int off) {
        return BigEndian.u32(b, off + 24);
    }

    /** Number of report blocks of an SR or RR, or -1 when it is neither or the blocks overrun it. */
    public static int reportBlockCount(byte[] b, int off, int len) {
        int base = reportBlockBase(b, off);
        if (base < 0) {
            return -1;
        }
        int n = count(b, off);
        return base + n * ReportBlock.LENGTH <= len ? n : -1;
    }

    private static int reportBlockBase(byte[] b, int off) {
        int pt = type(b, off);
        return pt == PT_SR ? SR_HEADER : pt == PT_RR ? RR_HEADER : -1;
    }

    private static int block(byte[] b, int off, int i) {
        return off + reportBlockBase(b, off) + i * ReportBlock.LENGTH;
    }

    public static int blockSsrc(byte[] b, int off, int i) {
        return BigEndian.i32(b, block(b, off, i));
    }

    public static int blockFractionLost(byte[] b, int off, int i) {
        return BigEndian.u8(b, block(b, off, i) + 4);
    }

    public static int blockCumulativeLost(byte[] b, int off, int i) {
        // Signed 24 bits: shift up to the sign bit and back.
        return BigEndian.u24(b, block(b, off, i) + 5) << 8 >> 8;
    }

    public static long blockExtendedHighestSeq(byte[] b, int off, int i) {
        return BigEndian.u32(b, block(b, off, i) + 8);
    }

    public static long blockJitter(byte[] b, int off, int i) {
        return BigEndian.u32(b, block(b, off, i) + 12);
    }

    public static long blockLastSr(byte[] b, int off, int i) {
        return BigEndian.u32(b, block(b, off, i) + 16);
    }

    public static long blockDelaySinceLastSr(byte[] b, int off, int i) {
        return BigEndian.u32(b, block(b, off, i) + 20);
    }

    /** Copies report block {@code i} into a reusable {@link ReportBlock}. */
    public static ReportBlock readReportBlock(byte[] b, int off, int i, ReportBlock into) {
        return into.set(blockSsrc(b, off, i), blockFractionLost(b, off, i), blockCumulativeLost(b, off, i),
                blockExtendedHighestSeq(b, off, i), blockJitter(b, off, i), blockLastSr(b, off, i),
                blockDelaySinceLastSr(b, off, i));
    }

    // ---------------------------------------------------------------- SDES and BYE

    /**
     * Offset of the CNAME text in the first chunk of an SDES packet (RFC 3550 6.5.1), or -1.
     * Its length is {@link #sdesItemLength}.
     */
    public static int sdesCnameOffset(byte[] b, int off, int len) {
        if (type(b, off) != PT_SDES || count(b, off) == 0) {
            return -1;
        }
        int end = off + len;
        int at = off + 8;
        while (at + 2 <= end) {
            int itemType = BigEndian.u8(b, at);
            if (itemType == 0) {
                return -1;
            }
            int itemLength = BigEndian.u8(b, at + 1);
            if (at + 2 + itemLength > end) {
                return -1;
            }
            if (itemType == 1) {
                return at + 2;
            }
            at += 2 + itemLength;
        }
        return -1;
    }

    public static int sdesItemLength(byte[] b, int itemTextOffset) {
        return BigEndian.u8(b, itemTextOffset - 1);
    }

    /** Number of SSRCs a BYE lists (RFC 3550 6.6), or -1. */
    public static int byeSsrcCount(byte[] b, int off, int len) {
        if (type(b, off) != PT_BYE) {
            return -1;
        }
        int n = count(b, off);
        return 4 + 4 * n <= len ? n : -1;
    }

    public static int byeSsrc(byte[] b, int off, int i) {
        return BigEndian.i32(b, off + 4 + 4 * i);
    }

    // ---------------------------------------------------------------- feedback (RFC 4585 6.1)

    private static boolean isFeedback(byte[] b, int off, int len, int pt, int fmt) {
        return type(b, off) == pt && count(b, off) == fmt && len >= FB_HEADER;
    }

    public static int feedbackSenderSsrc(byte[] b, int off) {
        return BigEndian.i32(b, off + 4);
    }

    public static int feedbackMediaSsrc(byte[] b, int off) {
        return BigEndian.i32(b, off + 8);
    }

    /** Picture Loss Indication (RFC 4585 6.3.1): no FCI, the media SSRC says which stream. */
    public static boolean isPli(byte[] b, int off, int len) {
        return isFeedback(b, off, len, PT_PSFB, FMT_PLI);
    }

    /** Number of Generic NACK FCI entries (RFC 4585 6.2.1), or -1. */
    public static int nackCount(byte[] b, int off, int len) {
        if (!isFeedback(b, off, len, PT_RTPFB, FMT_NACK)) {
            return -1;
        }
        int n = (len - FB_HEADER) / 4;
        return n > 0 ? n : -1;
    }

    /** Packet ID of entry {@code i}: the first lost sequence number. */
    public static int nackPid(byte[] b, int off, int i) {
        return BigEndian.u16(b, off + FB_HEADER + 4 * i);
    }

    /** Bitmask of following losses: bit k set means PID + k + 1 is lost too. */
    public static int nackBlp(byte[] b, int off, int i) {
        return BigEndian.u16(b, off + FB_HEADER + 4 * i + 2);
    }

    /** Calls {@code sink} for every sequence number the NACK asks for; returns how many, or -1. */
    public static int forEachNackedSeq(byte[] b, int off, int len, LostSequenceConsumer sink) {
        int n = nackCount(b, off, len);
        int total = 0;
        for (int i = 0; i < n; i++) {
            int pid = nackPid(b, off, i);
            int blp = nackBlp(b, off, i);
            sink.onLost(pid);
            total++;
            for (int k = 0; k < 16; k++) {
                if ((blp & 1 << k) != 0) {
                    sink.onLost((pid + k + 1) & 0xFFFF);
                    total++;
                }
            }
        }
        return n < 0 ? -1 : total;
    }

    /** Number of Full Intra Request entries (RFC 5104 4.3.1), or -1. */
    public static int firCount(byte[] b, int off, int len) {
        if (!isFeedback(b, off, len, PT_PSFB, FMT_FIR)) {
            return -1;
        }
        int n = (len - FB_HEADER) / 8;
        return n > 0 ? n : -1;
    }

    /**
     * The SSRC a FIR's first entry names, 0 when the packet holds no entry (a fuzzed input had
     * none: reading it anyway went past the packet). 0 is no stream's SSRC at this node.
     */
    public static int firstFirSsrc(byte[] b, int off, int len) {
        return firCount(b, off, len) > 0 ? firSsrc(b, off, 0) : 0;
    }

    public static int firSsrc(byte[] b, int off, int i) {
        return BigEndian.i32(b, off + FB_HEADER + 8 * i);
    }

    public static int firSeqNr(byte[] b, int off, int i) {
        return BigEndian.u8(b, off + FB_HEADER + 8 * i + 4);
    }

    /** Number of SSRCs a REMB applies to (draft-alvestrand-rmcat-remb-03 2.2), or -1. */
    public static int rembSsrcCount(byte[] b, int off, int len) {
        if (!isFeedback(b, off, len, PT_PSFB, FMT_AFB) || len < REMB_HEADER
                || BigEndian.i32(b, off + FB_HEADER) != REMB_IDENTIFIER) {
            return -1;
        }
        int n = BigEndian.u8(b, off + 16);
        return REMB_HEADER + 4 * n <= len ? n : -1;
    }

    public static boolean isRemb(byte[] b, int off, int len) {
        return rembSsrcCount(b, off, len) >= 0;
    }

    /** Bitrate in bps: an 18-bit mantissa shifted by a 6-bit exponent; saturates at Long.MAX_VALUE. */
    public static long rembBitrate(byte[] b, int off) {
        int exponent = BigEndian.u8(b, off + 17) >>> 2;
        long mantissa = BigEndian.u24(b, off + 17) & 0x3FFFF;
        if (mantissa != 0 && exponent >= Long.numberOfLeadingZeros(mantissa)) {
            return Long.MAX_VALUE;
        }
        return mantissa << exponent;
    }

    public static int rembSsrc(byte[] b, int off, int i) {
        return BigEndian.i32(b, off + REMB_HEADER + 4 * i);
    }

    // ---------------------------------------------------------------- transport-cc

    /**
     * True when this is transport-wide congestion control feedback
     * (draft-holmer-rmcat-transport-wide-cc-extensions-01 3.1) with a non-empty status list, as
     * libwebrtc requires. The chunks and deltas are checked by {@link #forEachTransportCcStatus}.
     */
    public static boolean isTransportCc(byte[] b, int off, int len) {
        return isFeedback(b, off, len, PT_RTPFB, FMT_TRANSPORT_CC) && len >= TCC_HEADER + 2
                && tccStatusCount(b, off) > 0;
    }

    public static int tccBaseSeq(byte[] b, int off) {
        return BigEndian.u16(b, off + 12);
    }

    public static int tccStatusCount(byte[] b, int off) {
        return BigEndian.u16(b, off + 14);
    }

    /** Reference time in multiples of 64 ms, read as unsigned 24 bits (it wraps). */
    public static int tccReferenceTime(byte[] b, int off) {
        return BigEndian.u24(b, off + 16);
    }

    public static int tccFeedbackCount(byte[] b, int off) {
        return BigEndian.u8(b, off + 19);
    }

    /**
     * Decodes every packet status with its arrival time. The whole packet is validated first, so
     * {@code sink} is called either for all statuses or not at all.
     *
     * @return the status count, or -1 when the packet is not valid transport-cc feedback
     */
    public static int forEachTransportCcStatus(byte[] b, int off, int len, TransportCcStatusConsumer sink) {
        if (!isTransportCc(b, off, len)) {
            return -1;
        }
        int deltasStart = walkTransportCc(b, off, len, -1, null);
        if (deltasStart < 0) {
            return -1;
        }
        walkTransportCc(b, off, len, deltasStart, sink);
        return tccStatusCount(b, off);
    }

    /**
     * One walk over the status chunks. Without a sink it validates and returns where the deltas
     * start; with one it reads the deltas from {@code deltasStart} and reports each status.
     */
    private static int walkTransportCc(byte[] b, int off, int len, int deltasStart,
            TransportCcStatusConsumer sink) {
        int end = off + len;
        int remaining = tccStatusCount(b, off);
        int seq = tccBaseSeq(b, off);
        long time = tccReferenceTime(b, off) * TransportCcFeedback.REFERENCE_TIME_UNIT_MICROS;
        int at = off + TCC_HEADER;
        int deltaAt = deltasStart;
        int deltaBytes = 0;
        while (remaining > 0) {
            if (at + 2 > end) {
                return -1;
            }
            int chunk = BigEndian.u16(b, at);
            at += 2;
            int capacity = (chunk & 0x8000) == 0 ? chunk & TCC_RUN_LENGTH_MAX
                    : (chunk & 0x4000) == 0 ? 14 : 7;
            int n = Math.min(capacity, remaining);
            for (int k = 0; k < n; k++) {
                int symbol = TransportCcChunks.symbol(chunk, k);
                if (symbol == TransportCcChunks.RESERVED) {
                    return -1;
                }
                if (sink == null) {
                    deltaBytes += symbol;
                } else {
                    if (symbol == TransportCcChunks.SMALL_DELTA) {
                        time += BigEndian.u8(b, deltaAt) * TransportCcFeedback.DELTA_UNIT_MICROS;
                    } else if (symbol == TransportCcChunks.LARGE_DELTA) {
                        time += (short) BigEndian.u16(b, deltaAt) * TransportCcFeedback.DELTA_UNIT_MICROS;
                    }
                    deltaAt += symbol;
                    sink.onStatus(seq, symbol != TransportCcChunks.NOT_RECEIVED, time);
                }
                seq = (seq + 1) & 0xFFFF;
            }
            remaining -= n;
        }
        if (sink == null && at + deltaBytes > end) {
            return -1;
        }
        return at;
    }
}
