package io.stagecast.sfu.rtp;

import static io.stagecast.sfu.rtp.RtpTestPackets.bytes;
import static io.stagecast.sfu.rtp.RtpTestPackets.oneByteBlock;
import static io.stagecast.sfu.rtp.RtpTestPackets.oneByteElement;
import static io.stagecast.sfu.rtp.RtpTestPackets.packet;
import static io.stagecast.sfu.rtp.RtpTestPackets.twoByteBlock;
import static io.stagecast.sfu.rtp.RtpTestPackets.twoByteElement;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MalformedRtpPacketTest {
    private static final byte[] PAYLOAD = bytes(1, 2, 3, 4);

    private final RtpPacket rtp = new RtpPacket();

    @Test
    void truncatedFixedHeaderIsInvalid() {
        byte[] p = packet(96, 1, 2, 3, PAYLOAD);
        assertInvalid(p, 0, 11);
        assertInvalid(p, 0, 0);
        assertEquals(0, rtp.sequenceNumber());
        assertEquals(0, rtp.ssrc());
    }

    @Test
    void versionOtherThanTwoIsInvalid() {
        byte[] p = packet(96, 1, 2, 3, PAYLOAD);
        p[0] = (byte) (p[0] & 0x3F | 0x40);
        assertInvalid(p, 0, p.length);
    }

    @Test
    void csrcCountBeyondThePacketIsInvalid() {
        byte[] p = packet(96, false, 1, 2, 3, new int[] {7, 8}, null, new byte[0], 0);
        p[0] = (byte) (p[0] | 0x03); // claims 3 CSRCs, 2 present
        assertInvalid(p, 0, p.length);
    }

    @Test
    void extensionFlagWithoutRoomForTheBlockHeaderIsInvalid() {
        byte[] p = packet(96, 1, 2, 3, bytes(0xBE, 0xDE));
        p[0] = (byte) (p[0] | 0x10);
        assertInvalid(p, 0, p.length);
    }

    @Test
    void extensionLengthBeyondThePacketIsInvalid() {
        byte[] p = packet(96, false, 1, 2, 3, new int[0], oneByteBlock(oneByteElement(1, 9)), PAYLOAD, 0);
        p[12 + 3] = 3; // three words claimed, one word plus a 4-byte payload present
        assertInvalid(p, 0, p.length);
        assertEquals(-1, rtp.extensionOffset(1));
        assertFalse(rtp.setTransportSequenceNumber(1, 5));
    }

    @Test
    void paddingLongerThanThePayloadIsInvalid() {
        byte[] p = packet(96, false, 1, 2, 3, new int[0], null, PAYLOAD, 2);
        p[p.length - 1] = (byte) (PAYLOAD.length + 3); // 7 > 6 bytes after the header
        assertInvalid(p, 0, p.length);
    }

    @Test
    void paddingCountOfZeroIsInvalid() {
        byte[] p = packet(96, false, 1, 2, 3, new int[0], null, PAYLOAD, 2);
        p[p.length - 1] = 0;
        assertInvalid(p, 0, p.length);
    }

    @Test
    void paddingFlagOnAHeaderOnlyPacketIsInvalid() {
        byte[] p = packet(96, 1, 2, 3, new byte[0]);
        p[0] = (byte) (p[0] | 0x20);
        assertInvalid(p, 0, p.length);
    }

    @Test
    void windowOutsideTheArrayIsInvalid() {
        byte[] p = packet(96, 1, 2, 3, PAYLOAD);
        assertInvalid(p, 4, p.length);
        assertInvalid(p, -1, 12);
        assertInvalid(p, 0, -5);
        assertInvalid(null, 0, 12);
        assertFalse(rtp.marker());
    }

    private void assertInvalid(byte[] buf, int off, int len) {
        rtp.wrap(buf, off, len);
        assertFalse(rtp.isValid());
        assertEquals(0, rtp.headerLength());
        assertEquals(0, rtp.payloadLength());
        assertEquals(0, rtp.paddingLength());
        assertEquals(-1, rtp.extensionLength(1));
        exerciseEveryAccessor(rtp);
    }

    /**
     * Random bytes, half of them with a version-2 first byte so that most reach the CSRC,
     * extension and padding checks, and mutations of a well-formed packet with two-byte
     * extensions: no accessor may throw, and a packet said to be valid must add up.
     */
    @Test
    void randomBytesNeverMakeAnAccessorThrow() {
        SplittableRandom random = new SplittableRandom(20240517);
        byte[] template = packet(96, false, 1, 2, 3, new int[] {5},
                twoByteBlock(twoByteElement(1, 'a', 'b'), twoByteElement(3, 0x80), twoByteElement(5, 0, 1)),
                PAYLOAD, 3);
        byte[] buf = new byte[128];
        int valid = 0;
        for (int n = 0; n < 100_000; n++) {
            int len;
            int off = random.nextInt(4);
            if (n % 3 == 2) {
                Arrays.fill(buf, (byte) 0);
                System.arraycopy(template, 0, buf, off, template.length);
                for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                    buf[off + random.nextInt(template.length)] = (byte) random.nextInt(256);
                }
                len = random.nextInt(4) == 0 ? random.nextInt(template.length + 1) : template.length;
            } else {
                len = random.nextInt(buf.length - off + 1);
                for (int i = 0; i < buf.length; i++) {
                    buf[i] = (byte) random.nextInt(256);
                }
                if (n % 2 == 0) {
                    buf[off] = (byte) (0x80 | (buf[off] & 0x3F));
                }
            }
            rtp.wrap(buf, off, len);
            if (rtp.isValid()) {
                valid++;
                assertEquals(len, rtp.headerLength() + rtp.payloadLength() + rtp.paddingLength());
                assertTrue(rtp.payloadLength() >= 0);
                for (int id = 1; id < 16; id++) {
                    int at = rtp.extensionOffset(id);
                    if (at >= 0) {
                        assertTrue(at >= off + 12 && at + rtp.extensionLength(id) <= rtp.payloadOffset());
                    }
                }
            }
            exerciseEveryAccessor(rtp);
            for (VideoCodec codec : VideoCodec.values()) {
                KeyframeDetector.isKeyframe(codec, buf, rtp.payloadOffset(), rtp.payloadLength());
                KeyframeDetector.isKeyframe(codec, buf, off, len);
            }
        }
        assertTrue(valid > 20_000, "too few valid packets to exercise the extension parser: " + valid);
    }

    private static final byte[] ID_MAP = {0, 2, 1, 0, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    private static final byte[] MID_VALUE = {'a', 'b'};

    private static void exerciseEveryAccessor(RtpPacket p) {
        p.isValid();
        p.version();
        p.hasPadding();
        p.hasExtension();
        p.csrcCount();
        p.csrc(0);
        p.marker();
        p.payloadType();
        p.sequenceNumber();
        p.timestamp();
        p.ssrc();
        p.headerLength();
        p.payloadOffset();
        p.payloadLength();
        p.paddingLength();
        for (int id = 0; id < 256; id += 3) {
            p.extensionOffset(id);
            p.extensionLength(id);
            p.extensionEquals(id, MID_VALUE);
            p.audioLevel(id);
            p.voiceActivity(id);
            p.transportSequenceNumber(id);
            p.absSendTime(id);
        }
        p.extensionString(1);
        p.remapExtensionIds(ID_MAP);
        p.setTransportSequenceNumber(5, 77);
        p.setAbsSendTime(2, 123_456_789L);
        p.setMarker(true);
        p.setPayloadType(100);
        p.setSequenceNumber(5);
        p.setTimestamp(6);
        p.setSsrc(7);
        byte[] b = p.buffer();
        if (b != null) {
            RtxPackets.fromRtx(b.clone(), p.offset(), p.length(), 96, 1);
            RtxPackets.toRtx(b, p.offset(), p.length(), new byte[1600], 0, 97, 2, 3);
        }
    }
}
