package io.stagecast.sfu.srtp;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Field;
import org.slf4j.LoggerFactory;

/**
 * The JDK's GHASH block function, {@code com.sun.crypto.provider.GHASH.processBlocks}, which HotSpot
 * replaces by its carry-less multiply (PCLMULQDQ) stub: about 5x faster than the table GHASH in
 * {@link Ghash} for a 1200-byte packet. It is private to {@code java.base}, so it is reachable only
 * when the JVM opens the package: {@code --add-opens java.base/com.sun.crypto.provider=ALL-UNNAMED},
 * or the {@code Add-Opens: java.base/com.sun.crypto.provider} manifest entry of the node's jar.
 * Otherwise, or if the JDK's class is not shaped as expected (checked against a NIST test vector
 * when this class loads), {@link #AVAILABLE} is false and Ghash keeps its own tables.
 *
 * <p>The key table comes from a real {@code GHASH} object built once per key, so its size is the
 * one the JDK's stub expects; this class checks the block range itself because the stub does not.
 */
final class JdkGhash {
    static final boolean AVAILABLE;
    private static final MethodHandle PROCESS_BLOCKS;
    private static final MethodHandle NEW_GHASH;
    private static final VarHandle KEY_TABLE;

    static {
        MethodHandle process = null;
        MethodHandle create = null;
        VarHandle table = null;
        boolean ok = false;
        try {
            Class<?> ghash = Class.forName("com.sun.crypto.provider.GHASH");
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(ghash, MethodHandles.lookup());
            process = lookup.findStatic(ghash, "processBlocks", MethodType.methodType(void.class,
                    byte[].class, int.class, int.class, long[].class, long[].class));
            create = lookup.findConstructor(ghash, MethodType.methodType(void.class, byte[].class))
                    .asType(MethodType.methodType(Object.class, byte[].class));
            Field field = ghash.getDeclaredField("subkeyHtbl");
            table = lookup.unreflectVarHandle(field);
            ok = true;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // Not opened to us (the usual case without the JVM option) or another JDK layout.
        }
        PROCESS_BLOCKS = process;
        NEW_GHASH = create;
        KEY_TABLE = table;
        AVAILABLE = ok && selfTest();
        if (!AVAILABLE) {
            LoggerFactory.getLogger(JdkGhash.class).warn("AES-GCM SRTP runs on a table GHASH, 3-5x the CPU of the"
                    + " JDK's intrinsic: start the JVM with --add-opens java.base/com.sun.crypto.provider=ALL-UNNAMED");
        }
    }

    private JdkGhash() {
    }

    /** The JDK's key table for hash key {@code h}. Call only if {@link #AVAILABLE}. */
    static long[] keyTable(byte[] h) {
        try {
            return (long[]) KEY_TABLE.get(NEW_GHASH.invokeExact(h.clone()));
        } catch (Throwable e) {
            throw new IllegalStateException("JDK GHASH unavailable", e);
        }
    }

    /**
     * For each of {@code blocks} 16-byte blocks from {@code off}: state = (state XOR block) * H, state
     * being {high, low} 64 bits of the big-endian block.
     */
    static void processBlocks(byte[] data, int off, int blocks, long[] state, long[] keyTable) {
        if (blocks <= 0) {
            return;
        }
        if (off < 0 || off > data.length || blocks > (data.length - off) >>> 4 || state.length < 2) {
            throw new ArrayIndexOutOfBoundsException(off);
        }
        try {
            PROCESS_BLOCKS.invokeExact(data, off, blocks, state, keyTable);
        } catch (Throwable e) {
            throw new IllegalStateException("JDK GHASH failed", e);
        }
    }

    /** The GCM spec's test case 2 (McGrew-Viega, also in SP 800-38D's test set): H, C, GHASH(H, {}, C). */
    private static boolean selfTest() {
        try {
            byte[] h = hex("66e94bd4ef8a2c3b884cfa59ca342b2e");
            byte[] blocks = hex("0388dace60b6a392f328c2b971b2fe78" + "00000000000000000000000000000080");
            long[] state = new long[2];
            processBlocks(blocks, 0, 2, state, keyTable(h));
            return state[0] == 0xf38cbb1ad69223dcL && state[1] == 0xc3457ae5b6b0f885L;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static byte[] hex(String s) {
        byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }
}
