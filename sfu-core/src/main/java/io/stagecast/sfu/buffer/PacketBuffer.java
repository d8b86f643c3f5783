package io.stagecast.sfu.buffer;

import org.jitsi.utils.ByteArrayBuffer;

/**
 * A reusable, mutable window over a byte array: the unit every layer of the packet path works on.
 *
 * <p>jitsi-srtp transforms packets in place through {@link ByteArrayBuffer}, so the media plane keeps
 * packets in heap arrays and passes this view along instead of allocating per packet. The array
 * keeps {@link #TAIL_ROOM} bytes spare after a full MTU so that protecting a packet (adding the auth
 * tag) never has to grow it.
 */
public final class PacketBuffer implements ByteArrayBuffer {
    /** Largest datagram we accept: an Ethernet MTU. */
    public static final int MTU = 1500;
    /** Room for the SRTP/SRTCP trailer: a 16-byte GCM tag plus the 4-byte SRTCP index. */
    public static final int TAIL_ROOM = 32;
    public static final int CAPACITY = MTU + TAIL_ROOM;

    private byte[] buffer;
    private int offset;
    private int length;

    public PacketBuffer() {
        this(new byte[CAPACITY]);
    }

    public PacketBuffer(byte[] buffer) {
        this.buffer = buffer;
    }

    /** Points this view at {@code len} bytes of {@code buf} from {@code off}. */
    public PacketBuffer wrap(byte[] buf, int off, int len) {
        this.buffer = buf;
        this.offset = off;
        this.length = len;
        return this;
    }

    /** Copies {@code len} bytes into this buffer's own array, starting at offset 0. */
    public PacketBuffer copyFrom(byte[] src, int off, int len) {
        if (len > buffer.length) {
            throw new IllegalArgumentException("packet of " + len + " bytes exceeds " + buffer.length);
        }
        System.arraycopy(src, off, buffer, 0, len);
        this.offset = 0;
        this.length = len;
        return this;
    }

    @Override
    public byte[] getBuffer() {
        return buffer;
    }

    @Override
    public int getOffset() {
        return offset;
    }

    @Override
    public int getLength() {
        return length;
    }

    @Override
    public void setLength(int len) {
        this.length = len;
    }

    @Override
    public void setOffset(int off) {
        this.offset = off;
    }

    @Override
    public boolean isInvalid() {
        return false;
    }

    @Override
    public void readRegionToBuff(int off, int len, byte[] out) {
        System.arraycopy(buffer, offset + off, out, 0, len);
    }

    @Override
    public void grow(int howMuch) {
        if (howMuch < 0) {
            throw new IllegalArgumentException("negative grow");
        }
        if (offset + length + howMuch > buffer.length) {
            // Only reached when a caller wrapped a foreign, tight array; never on the pooled path.
            byte[] bigger = new byte[offset + length + howMuch];
            System.arraycopy(buffer, 0, bigger, 0, offset + length);
            buffer = bigger;
        }
    }

    @Override
    public void append(byte[] data, int len) {
        grow(len);
        System.arraycopy(data, 0, buffer, offset + length, len);
        length += len;
    }

    @Override
    public void shrink(int len) {
        if (len <= 0) {
            return;
        }
        length = Math.max(0, length - len);
    }
}
