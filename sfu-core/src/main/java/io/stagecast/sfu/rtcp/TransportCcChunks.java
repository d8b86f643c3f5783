package io.stagecast.sfu.rtcp;

/**
 * Packet status chunks of transport-cc feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01
 * 3.1.1-3.1.4). A symbol is the status of one packet and, conveniently, also the byte size of its
 * receive delta: 0 not received, 1 small delta, 2 large or negative delta.
 *
 * <p>An instance is a reusable encoder: symbols go in one at a time and chunks come out as soon as
 * they are decided. It keeps up to 14 undecided symbols and picks the densest chunk for them: a run
 * length chunk while they are all the same, a 14-symbol one-bit vector when none needs a large
 * delta, otherwise 7-symbol two-bit vectors.
 */
final class TransportCcChunks {
    static final int NOT_RECEIVED = 0;
    static final int SMALL_DELTA = 1;
    static final int LARGE_DELTA = 2;
    static final int RESERVED = 3;

    static final int MAX_RUN_LENGTH = 0x1FFF;
    private static final int ONE_BIT_CAPACITY = 14;
    private static final int TWO_BIT_CAPACITY = 7;

    private final int[] pending = new int[ONE_BIT_CAPACITY];
    private int size;
    private boolean allSame;
    private boolean hasLarge;
    private byte[] dst;
    private int at;

    /** Symbol {@code k} (from the first) of an encoded chunk; a run repeats one symbol. */
    static int symbol(int chunk, int k) {
        if ((chunk & 0x8000) == 0) {
            return (chunk >>> 13) & 3;
        }
        if ((chunk & 0x4000) == 0) {
            return (chunk >>> (13 - k)) & 1;
        }
        return (chunk >>> (12 - 2 * k)) & 3;
    }

    void start(byte[] dst, int at) {
        this.dst = dst;
        this.at = at;
        this.size = 0;
        this.allSame = true;
        this.hasLarge = false;
    }

    /** Where the next chunk will be written. */
    int position() {
        return at;
    }

    void add(int symbol) {
        if (!canAdd(symbol)) {
            emitSome();
        }
        if (size < ONE_BIT_CAPACITY) {
            pending[size] = symbol;
        }
        allSame = allSame && (size == 0 || pending[0] == symbol);
        hasLarge |= symbol == LARGE_DELTA;
        size++;
    }

    /** Writes what is still pending; afterwards {@link #position()} is the end of the chunks. */
    void finish() {
        if (size == 0) {
            return;
        }
        if (allSame) {
            writeRun(pending[0], size);
        } else if (size <= TWO_BIT_CAPACITY) {
            writeTwoBitVector(size);
        } else {
            writeOneBitVector();
        }
        size = 0;
        allSame = true;
        hasLarge = false;
    }

    private boolean canAdd(int symbol) {
        if (size < TWO_BIT_CAPACITY) {
            return true;
        }
        if (size < ONE_BIT_CAPACITY && !hasLarge && symbol != LARGE_DELTA) {
            return true;
        }
        return allSame && size < MAX_RUN_LENGTH && pending[0] == symbol;
    }

    /** Emits a chunk so that at least one more symbol fits, keeping any tail undecided. */
    private void emitSome() {
        if (allSame) {
            writeRun(pending[0], size);
            size = 0;
        } else if (size == ONE_BIT_CAPACITY) {
            writeOneBitVector();
            size = 0;
        } else {
            // 7..13 mixed symbols, some large: seven go out, the rest stay for the next chunk.
            writeTwoBitVector(TWO_BIT_CAPACITY);
            int rest = size - TWO_BIT_CAPACITY;
            System.arraycopy(pending, TWO_BIT_CAPACITY, pending, 0, rest);
            size = rest;
        }
        allSame = true;
        hasLarge = false;
        for (int i = 0; i < size; i++) {
            allSame &= pending[i] == pending[0];
            hasLarge |= pending[i] == LARGE_DELTA;
        }
    }

    private void writeRun(int symbol, int length) {
        put(symbol << 13 | length);
    }

    private void writeOneBitVector() {
        int chunk = 0x8000;
        for (int i = 0; i < size; i++) {
            chunk |= pending[i] << (13 - i);
        }
        put(chunk);
    }

    private void writeTwoBitVector(int count) {
        int chunk = 0xC000;
        for (int i = 0; i < count; i++) {
            chunk |= pending[i] << (12 - 2 * i);
        }
        put(chunk);
    }

    private void put(int chunk) {
        BigEndian.put16(dst, at, chunk);
        at += 2;
    }
}
