package io.stagecast.sfu.rtp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A reusable view of one RTP packet (RFC 3550 5.1) in a byte array: getters and setters read and
 * write the bytes in place, nothing is copied and nothing is allocated (except
 * {@link #extensionString}).
 *
 * <p>{@link #wrap} checks the header once. Until {@link #isValid()} says true, the values of the
 * getters mean nothing; they never throw though, whatever the bytes: fixed-header getters give 0
 * when the 12 fixed bytes are missing, derived ones (lengths, extensions) give 0 or -1, setters do
 * nothing. Re-wrap after changing the packet's length or header layout by other means.
 *
 * <p>Header extensions follow RFC 8285, in the one-byte (profile 0xBEDE, ids 1..14) and two-byte
 * (profile 0x100X, ids 1..255) forms. A block with another profile is carried but not looked into.
 * One instance belongs to one thread.
 */
public final class RtpPacket {
    static final int FIXED_HEADER_LENGTH = 12;

    private static final int NO_EXTENSIONS = 0;
    private static final int ONE_BYTE_FORM = 1;
    private static final int TWO_BYTE_FORM = 2;
    /** RFC 8285 4.2: id 15 in the one-byte form ends the extension block. */
    private static final int ONE_BYTE_STOP_ID = 15;
    private static final int ONE_BYTE_MAX_ID = 14;
    private static final int TWO_BYTE_MAX_ID = 255;

    private byte[] buffer;
    private int offset;
    private int length;

    private boolean hasFixedHeader;
    private boolean valid;
    private int headerLength;
    private int paddingLength;
    private int extensionForm;
    /** Absolute bounds of the extension elements, after the 4-byte block header. */
    private int extensionStart;
    private int extensionEnd;

    // Cursor over the extension elements; fields rather than a returned object to stay allocation free.
    private int cursor;
    private int elementId;
    private int elementStart;
    private int elementData;
    private int elementLength;

    /** Points this view at {@code len} bytes of {@code buf} from {@code off} and checks the header. */
    public RtpPacket wrap(byte[] buf, int off, int len) {
        this.buffer = buf;
        this.offset = off;
        this.length = len;
        this.hasFixedHeader = false;
        this.valid = false;
        this.headerLength = 0;
        this.paddingLength = 0;
        this.extensionForm = NO_EXTENSIONS;
        this.extensionStart = 0;
        this.extensionEnd = 0;
        if (!fitsInArray(buf, off, len)) {
            return this;
        }
        hasFixedHeader = len >= FIXED_HEADER_LENGTH;
        int header = validHeaderLength(buf, off, len);
        if (header < 0) {
            return this;
        }
        if ((buf[off] & 0x10) != 0) {
            int block = off + FIXED_HEADER_LENGTH + 4 * (buf[off] & 0x0F);
            int profile = readUint16(buf, block);
            extensionStart = block + 4;
            extensionEnd = extensionStart + 4 * readUint16(buf, block + 2);
            if (profile == 0xBEDE) {
                extensionForm = ONE_BYTE_FORM;
            } else if ((profile & 0xFFF0) == 0x1000) {
                extensionForm = TWO_BYTE_FORM;
            }
        }
        headerLength = header;
        paddingLength = paddingLengthOf(buf, off, len);
        valid = true;
        return this;
    }

    /**
     * Header length of a well-formed RTP packet, or -1: version 2, CSRCs and the extension block
     * inside the packet, and if P is set a padding count of 1..(bytes after the header)
     * (RFC 3550 5.1: the count includes itself, so 0 is malformed).
     */
    static int validHeaderLength(byte[] buf, int off, int len) {
        if (!fitsInArray(buf, off, len) || len < FIXED_HEADER_LENGTH) {
            return -1;
        }
        int first = buf[off];
        if ((first & 0xC0) != 0x80) {
            return -1;
        }
        int header = FIXED_HEADER_LENGTH + 4 * (first & 0x0F);
        if (header > len) {
            return -1;
        }
        if ((first & 0x10) != 0) {
            if (header + 4 > len) {
                return -1;
            }
            header += 4 + 4 * readUint16(buf, off + header + 2);
            if (header > len) {
                return -1;
            }
        }
        if ((first & 0x20) != 0) {
            int padding = buf[off + len - 1] & 0xFF;
            if (header == len || padding == 0 || padding > len - header) {
                return -1;
            }
        }
        return header;
    }

    /** Padding count of a packet that passed {@link #validHeaderLength}. */
    static int paddingLengthOf(byte[] buf, int off, int len) {
        return (buf[off] & 0x20) != 0 ? buf[off + len - 1] & 0xFF : 0;
    }

    private static boolean fitsInArray(byte[] buf, int off, int len) {
        return buf != null && off >= 0 && len >= 0 && off <= buf.length - len;
    }

    /** RFC 7983 7: a first byte of 128..191 demultiplexes to RTP or RTCP. */
    public static boolean looksLikeRtpOrRtcp(byte[] buf, int off, int len) {
        if (!fitsInArray(buf, off, len) || len < 1) {
            return false;
        }
        int first = buf[off] & 0xFF;
        return first >= 128 && first <= 191;
    }

    /**
     * RFC 5761 4: with RTP and RTCP on one port, a second byte of 192..223 is an RTCP packet type
     * (SR 200, RR 201, SDES 202, BYE 203, APP 204, RTPFB 205, PSFB 206, XR 207); RTP would read it
     * as marker set plus payload type 64..95, which RFC 5761 forbids for that reason.
     */
    public static boolean isRtcp(byte[] buf, int off, int len) {
        if (len < 4 || !looksLikeRtpOrRtcp(buf, off, len)) {
            return false;
        }
        int second = buf[off + 1] & 0xFF;
        return second >= 192 && second <= 223;
    }

    public boolean isValid() {
        return valid;
    }

    public byte[] buffer() {
        return buffer;
    }

    public int offset() {
        return offset;
    }

    public int length() {
        return length;
    }

    public int version() {
        return hasFixedHeader ? (buffer[offset] & 0xFF) >>> 6 : 0;
    }

    public boolean hasPadding() {
        return hasFixedHeader && (buffer[offset] & 0x20) != 0;
    }

    public boolean hasExtension() {
        return hasFixedHeader && (buffer[offset] & 0x10) != 0;
    }

    public int csrcCount() {
        return hasFixedHeader ? buffer[offset] & 0x0F : 0;
    }

    /** The {@code index}-th contributing source, 0 if there is none. */
    public int csrc(int index) {
        if (!valid || index < 0 || index >= csrcCount()) {
            return 0;
        }
        return readInt32(buffer, offset + FIXED_HEADER_LENGTH + 4 * index);
    }

    public boolean marker() {
        return hasFixedHeader && (buffer[offset + 1] & 0x80) != 0;
    }

    public void setMarker(boolean m) {
        if (hasFixedHeader) {
            buffer[offset + 1] = (byte) (m ? buffer[offset + 1] | 0x80 : buffer[offset + 1] & 0x7F);
        }
    }

    public int payloadType() {
        return hasFixedHeader ? buffer[offset + 1] & 0x7F : 0;
    }

    /** Writes the low 7 bits of {@code pt}, keeping the marker bit. */
    public void setPayloadType(int pt) {
        if (hasFixedHeader) {
            buffer[offset + 1] = (byte) ((buffer[offset + 1] & 0x80) | (pt & 0x7F));
        }
    }

    /** 0..65535. */
    public int sequenceNumber() {
        return hasFixedHeader ? readUint16(buffer, offset + 2) : 0;
    }

    /** Writes the low 16 bits of {@code seq}. */
    public void setSequenceNumber(int seq) {
        if (hasFixedHeader) {
            writeUint16(buffer, offset + 2, seq);
        }
    }

    /** Unsigned 32-bit media timestamp. */
    public long timestamp() {
        return hasFixedHeader ? readInt32(buffer, offset + 4) & 0xFFFF_FFFFL : 0;
    }

    /** Writes the low 32 bits of {@code ts}. */
    public void setTimestamp(long ts) {
        if (hasFixedHeader) {
            writeInt32(buffer, offset + 4, (int) ts);
        }
    }

    public int ssrc() {
        return hasFixedHeader ? readInt32(buffer, offset + 8) : 0;
    }

    public void setSsrc(int ssrc) {
        if (hasFixedHeader) {
            writeInt32(buffer, offset + 8, ssrc);
        }
    }

    /** Fixed header + CSRCs + extension block, 0 when not valid. */
    public int headerLength() {
        return headerLength;
    }

    /** Absolute offset of the payload in {@link #buffer()}. */
    public int payloadOffset() {
        return offset + headerLength;
    }

    /** Payload bytes without the padding, 0 when not valid. */
    public int payloadLength() {
        return valid ? length - headerLength - paddingLength : 0;
    }

    /** Padding bytes including the count byte itself (RFC 3550 5.1), 0 when not valid or none. */
    public int paddingLength() {
        return paddingLength;
    }

    // ---- RFC 8285 header extensions ----

    /** Absolute offset of the data of element {@code id}, -1 if absent. */
    public int extensionOffset(int id) {
        return findElement(id) ? elementData : -1;
    }

    /** Data length of element {@code id}, -1 if absent. */
    public int extensionLength(int id) {
        return findElement(id) ? elementLength : -1;
    }

    /** Whether element {@code id} is present and its data equals {@code value}. */
    public boolean extensionEquals(int id, byte[] value) {
        return findElement(id)
                && elementLength == value.length
                && Arrays.equals(buffer, elementData, elementData + elementLength, value, 0, value.length);
    }

    /**
     * The data of element {@code id} as UTF-8 text (mid, rid: RFC 8852 3), null if absent.
     * Allocates: only for learning a value not seen before; match known ones with
     * {@link #extensionEquals}.
     */
    public String extensionString(int id) {
        return findElement(id) ? new String(buffer, elementData, elementLength, StandardCharsets.UTF_8) : null;
    }

    /**
     * Rewrites element ids in place: {@code idMap[oldId]} is the new id. A new id of 0, an old id
     * beyond the map, or a new id the form cannot carry (above 14 in the one-byte form) removes the
     * element: all its bytes become 0, the padding of RFC 8285 4.2/4.3 that receivers skip, so the
     * other elements and the packet length stay as they are. Removing rather than passing on
     * unmapped ids keeps a receiver from reading an element under an id it negotiated for another.
     */
    public void remapExtensionIds(byte[] idMap) {
        int maxId = extensionForm == ONE_BYTE_FORM ? ONE_BYTE_MAX_ID : TWO_BYTE_MAX_ID;
        cursor = extensionStart;
        while (nextElement()) {
            int newId = elementId < idMap.length ? idMap[elementId] & 0xFF : 0;
            if (newId == elementId) {
                continue;
            }
            if (newId == 0 || newId > maxId) {
                Arrays.fill(buffer, elementStart, elementData + elementLength, (byte) 0);
            } else if (extensionForm == ONE_BYTE_FORM) {
                buffer[elementStart] = (byte) ((newId << 4) | (elementLength - 1));
            } else {
                buffer[elementStart] = (byte) newId;
            }
        }
    }

    /** RFC 6464 3: audio level 0..127 in -dBov (127 = silence), -1 if absent. */
    public int audioLevel(int id) {
        return findElement(id) && elementLength >= 1 ? buffer[elementData] & 0x7F : -1;
    }

    /** RFC 6464 3: the V flag; false also when the element is absent. */
    public boolean voiceActivity(int id) {
        return findElement(id) && elementLength >= 1 && (buffer[elementData] & 0x80) != 0;
    }

    /** The transport-wide sequence number (draft-holmer-rmcat-transport-wide-cc 2), -1 if absent. */
    public int transportSequenceNumber(int id) {
        return findElement(id) && elementLength >= 2 ? readUint16(buffer, elementData) : -1;
    }

    /** Overwrites the transport-wide sequence number; false if the packet carries no such element. */
    public boolean setTransportSequenceNumber(int id, int seq) {
        if (!findElement(id) || elementLength < 2) {
            return false;
        }
        writeUint16(buffer, elementData, seq);
        return true;
    }

    /** The 24-bit abs-send-time value, -1 if absent. */
    public int absSendTime(int id) {
        return findElement(id) && elementLength >= 3 ? readUint24(buffer, elementData) : -1;
    }

    /**
     * Overwrites abs-send-time with {@code nowNanos} (any monotonic clock) as 6.18 fixed-point
     * seconds, wrapping every 64 s; false if the packet carries no such element.
     */
    public boolean setAbsSendTime(int id, long nowNanos) {
        return setAbsSendTimeValue(id, absSendTimeOf(nowNanos));
    }

    /** Writes a 24-bit abs-send-time value as is (a resend repeats the first send's); false if absent. */
    public boolean setAbsSendTimeValue(int id, int value) {
        if (!findElement(id) || elementLength < 3) {
            return false;
        }
        buffer[elementData] = (byte) (value >>> 16);
        buffer[elementData + 1] = (byte) (value >>> 8);
        buffer[elementData + 2] = (byte) value;
        return true;
    }

    /** {@code nanos} as 24-bit 6.18 fixed-point seconds (negative clocks too: floor, then wrap). */
    public static int absSendTimeOf(long nanos) {
        long seconds = Math.floorDiv(nanos, 1_000_000_000L);
        long fraction = Math.floorMod(nanos, 1_000_000_000L);
        return (int) (((seconds << 18) + (fraction << 18) / 1_000_000_000L) & 0xFF_FFFF);
    }

    private boolean findElement(int id) {
        if (id <= 0) {
            return false;
        }
        cursor = extensionStart;
        while (nextElement()) {
            if (elementId == id) {
                return true;
            }
        }
        return false;
    }

    /**
     * Moves the cursor to the next element, skipping padding bytes. Stops, as RFC 8285 asks, at
     * id 15 in the one-byte form and at an element that would run past the block.
     */
    private boolean nextElement() {
        while (cursor < extensionEnd) {
            int first = buffer[cursor] & 0xFF;
            if (first == 0) {
                cursor++;
                continue;
            }
            int id;
            int data;
            int len;
            if (extensionForm == ONE_BYTE_FORM) {
                id = first >>> 4;
                if (id == ONE_BYTE_STOP_ID) {
                    break;
                }
                len = (first & 0x0F) + 1;
                data = cursor + 1;
            } else if (extensionForm == TWO_BYTE_FORM) {
                if (cursor + 1 >= extensionEnd) {
                    break;
                }
                id = first;
                len = buffer[cursor + 1] & 0xFF;
                data = cursor + 2;
            } else {
                break;
            }
            if (data + len > extensionEnd) {
                break;
            }
            elementId = id;
            elementStart = cursor;
            elementData = data;
            elementLength = len;
            cursor = data + len;
            return true;
        }
        cursor = extensionEnd;
        return false;
    }

    // ---- big-endian access ----

    static int readUint16(byte[] b, int i) {
        return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
    }

    static int readUint24(byte[] b, int i) {
        return ((b[i] & 0xFF) << 16) | ((b[i + 1] & 0xFF) << 8) | (b[i + 2] & 0xFF);
    }

    static int readInt32(byte[] b, int i) {
        return (b[i] << 24) | ((b[i + 1] & 0xFF) << 16) | ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF);
    }

    static void writeUint16(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 8);
        b[i + 1] = (byte) v;
    }

    static void writeInt32(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 24);
        b[i + 1] = (byte) (v >>> 16);
        b[i + 2] = (byte) (v >>> 8);
        b[i + 3] = (byte) v;
    }
}
