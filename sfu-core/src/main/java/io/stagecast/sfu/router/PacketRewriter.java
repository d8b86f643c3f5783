package io.stagecast.sfu.router;

import io.stagecast.sfu.rtp.RtpPacket;

import java.util.Arrays;
import java.util.Map;

/**
 * Copies a producer's packet into a send buffer as one subscriber sees it: our SSRC, sequence
 * number and timestamp, the payload type and header extension ids it negotiated (an extension it
 * did not agree to is padded away). Event loop only; the view it returns is reused.
 */
final class PacketRewriter {
    private final int ssrc;
    private final int[] payloadTypeMap = new int[128];
    private final byte[] extensionIdMap = new byte[256];
    private final RtpPacket view = new RtpPacket();

    PacketRewriter(ProducerSpec producer, ConsumerSpec consumer) {
        this.ssrc = consumer.ssrc();
        Arrays.fill(payloadTypeMap, -1);
        payloadTypeMap[producer.codec().payloadType()] = consumer.payloadType();
        for (Map.Entry<String, Integer> ext : producer.headerExtensions().entrySet()) {
            int theirs = consumer.extensionId(ext.getKey());
            if (ext.getValue() > 0 && ext.getValue() < 256) {
                extensionIdMap[ext.getValue()] = (byte) theirs; // 0: not negotiated -> padded away
            }
        }
    }

    /** The subscriber's payload type for ours, -1 when it never agreed to it (RED, comfort noise). */
    int payloadType(int producerPayloadType) {
        return payloadTypeMap[producerPayloadType & 0x7F];
    }

    RtpPacket rewrite(byte[] dst, int base, byte[] src, int off, int len, int seqOut, long tsOut, int payloadType) {
        System.arraycopy(src, off, dst, base, len);
        RtpPacket packet = view.wrap(dst, base, len);
        packet.setSsrc(ssrc);
        packet.setSequenceNumber(seqOut);
        packet.setTimestamp(tsOut);
        packet.setPayloadType(payloadType);
        packet.remapExtensionIds(extensionIdMap);
        return packet;
    }

    /** A reusable view for packets built elsewhere (RTX, padding). */
    RtpPacket view() {
        return view;
    }
}
