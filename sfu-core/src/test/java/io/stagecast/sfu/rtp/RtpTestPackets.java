package io.stagecast.sfu.rtp;

import java.io.ByteArrayOutputStream;

/** Builds RTP packets byte by byte for tests, independently of the code under test. */
final class RtpTestPackets {
    private RtpTestPackets() {
    }

    /** A one-byte-form element (RFC 8285 4.2): id, L = data length - 1, data. */
    static byte[] oneByteElement(int id, int... data) {
        byte[] e = new byte[1 + data.length];
        e[0] = (byte) ((id << 4) | (data.length - 1));
        for (int i = 0; i < data.length; i++) {
            e[1 + i] = (byte) data[i];
        }
        return e;
    }

    /** A two-byte-form element (RFC 8285 4.3): id, length, data. */
    static byte[] twoByteElement(int id, int... data) {
        byte[] e = new byte[2 + data.length];
        e[0] = (byte) id;
        e[1] = (byte) data.length;
        for (int i = 0; i < data.length; i++) {
            e[2 + i] = (byte) data[i];
        }
        return e;
    }

    static byte[] oneByteBlock(byte[]... elements) {
        return block(0xBEDE, elements);
    }

    static byte[] twoByteBlock(byte[]... elements) {
        return block(0x1000, elements);
    }

    /** Extension block: profile, length in words, the elements, zero padding to a word boundary. */
    static byte[] block(int profile, byte[]... elements) {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (byte[] e : elements) {
            data.writeBytes(e);
        }
        while (data.size() % 4 != 0) {
            data.write(0);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(profile >>> 8);
        out.write(profile);
        out.write(data.size() / 4 >>> 8);
        out.write(data.size() / 4);
        out.writeBytes(data.toByteArray());
        return out.toByteArray();
    }

    static byte[] packet(int pt, int seq, long ts, int ssrc, byte[] payload) {
        return packet(pt, false, seq, ts, ssrc, new int[0], null, payload, 0);
    }

    /**
     * @param extensionBlock complete block from {@link #block}, or null for X=0
     * @param padding number of padding bytes to append (0 for P=0), the last holding the count
     */
    static byte[] packet(int pt, boolean marker, int seq, long ts, int ssrc, int[] csrcs,
                         byte[] extensionBlock, byte[] payload, int padding) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x80 | (padding > 0 ? 0x20 : 0) | (extensionBlock != null ? 0x10 : 0) | csrcs.length);
        out.write((marker ? 0x80 : 0) | pt);
        out.write(seq >>> 8);
        out.write(seq);
        writeInt(out, (int) ts);
        writeInt(out, ssrc);
        for (int csrc : csrcs) {
            writeInt(out, csrc);
        }
        if (extensionBlock != null) {
            out.writeBytes(extensionBlock);
        }
        out.writeBytes(payload);
        for (int i = 1; i < padding; i++) {
            out.write(0);
        }
        if (padding > 0) {
            out.write(padding);
        }
        return out.toByteArray();
    }

    private static void writeInt(ByteArrayOutputStream out, int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
    }

    static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }
}
