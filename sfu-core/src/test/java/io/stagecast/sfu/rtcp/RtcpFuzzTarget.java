package io.stagecast.sfu.rtcp;

/**
 * Fuzz target: every RTCP reader we use on a compound packet from outside (RFC 3550 SR, RR,
 * SDES, BYE; RFC 4585 NACK, PLI; RFC 5104 FIR; REMB; transport-cc; XR and unknown types only
 * walked over), on whatever the compound walk yields. Nothing may throw or read outside the packet.
 */
public final class RtcpFuzzTarget {
    private static final RtcpCompound COMPOUND = new RtcpCompound();
    private static final ReportBlock BLOCK = new ReportBlock();
    private static long sink;

    private RtcpFuzzTarget() {
    }

    public static void fuzzerTestOneInput(byte[] data) {
        RtcpCompound rtcp = COMPOUND.wrap(data, 0, data.length);
        while (rtcp.next()) {
            byte[] b = rtcp.buffer();
            int off = rtcp.packetOffset();
            int len = rtcp.packetLength();
            if (off < 0 || len < 4 || off + len > data.length) {
                throw new IllegalStateException("the walk yields a packet outside the compound: " + off + "+" + len);
            }
            sink += rtcp.packetType() + rtcp.fmt() + rtcp.contentLength() + rtcp.senderSsrc() + rtcp.mediaSsrc();
            switch (rtcp.packetType()) {
                case 200, 201 -> {
                    if (RtcpReaders.isSenderReport(b, off, len)) {
                        sink += RtcpReaders.srSsrc(b, off) + RtcpReaders.srNtpTimestamp(b, off) + RtcpReaders.srNtpMsw(b, off)
                                + RtcpReaders.srNtpLsw(b, off) + RtcpReaders.srRtpTimestamp(b, off)
                                + RtcpReaders.srPacketCount(b, off) + RtcpReaders.srOctetCount(b, off);
                    }
                    int blocks = RtcpReaders.reportBlockCount(b, off, len);
                    for (int i = 0; i < blocks; i++) {
                        sink += RtcpReaders.blockSsrc(b, off, i) + RtcpReaders.blockFractionLost(b, off, i)
                                + RtcpReaders.blockCumulativeLost(b, off, i) + RtcpReaders.blockExtendedHighestSeq(b, off, i)
                                + RtcpReaders.blockJitter(b, off, i) + RtcpReaders.blockLastSr(b, off, i)
                                + RtcpReaders.blockDelaySinceLastSr(b, off, i);
                        RtcpReaders.readReportBlock(b, off, i, BLOCK);
                    }
                }
                case 202 -> {
                    int cname = RtcpReaders.sdesCnameOffset(b, off, len);
                    if (cname >= 0) {
                        sink += RtcpReaders.sdesItemLength(b, cname);
                    }
                }
                case 203 -> {
                    int n = RtcpReaders.byeSsrcCount(b, off, len);
                    for (int i = 0; i < n; i++) {
                        sink += RtcpReaders.byeSsrc(b, off, i);
                    }
                }
                case 205 -> {
                    if (len >= 12) { // RFC 4585 6.1: the common feedback header; our callers check it first
                        sink += RtcpReaders.feedbackSenderSsrc(b, off) + RtcpReaders.feedbackMediaSsrc(b, off);
                    }
                    sink += RtcpReaders.forEachNackedSeq(b, off, len, seq -> sink += seq);
                    if (RtcpReaders.isTransportCc(b, off, len)) {
                        sink += RtcpReaders.tccBaseSeq(b, off) + RtcpReaders.tccStatusCount(b, off)
                                + RtcpReaders.tccReferenceTime(b, off) + RtcpReaders.tccFeedbackCount(b, off);
                    }
                    sink += RtcpReaders.forEachTransportCcStatus(b, off, len, (seq, received, micros) -> sink += seq + micros);
                }
                case 206 -> {
                    sink += RtcpReaders.isPli(b, off, len) ? 1 : 0;
                    int firs = RtcpReaders.firCount(b, off, len);
                    for (int i = 0; i < firs; i++) {
                        sink += RtcpReaders.firSsrc(b, off, i) + RtcpReaders.firSeqNr(b, off, i);
                    }
                    if (RtcpReaders.isRemb(b, off, len)) {
                        sink += RtcpReaders.rembBitrate(b, off);
                        int n = RtcpReaders.rembSsrcCount(b, off, len);
                        for (int i = 0; i < n; i++) {
                            sink += RtcpReaders.rembSsrc(b, off, i);
                        }
                    }
                }
                default -> {
                    // XR (207), APP (204) and unknown types: walked over, never read
                }
            }
        }
        rtcp.isMalformed();
    }
}
