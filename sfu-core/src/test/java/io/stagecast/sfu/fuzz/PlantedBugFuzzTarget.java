package io.stagecast.sfu.fuzz;

/**
 * A copy of an RTP header-extension walk (RFC 8285 4.2, one-byte form) with a bug planted: an
 * element of id 13 whose length runs past the packet is read anyway. Random bytes almost never
 * reach it (the 0xBEDE profile, then that element at the right place); coverage guidance does in
 * seconds. {@code FuzzSetupTest} checks that the fuzzing setup finds it, so a setup that silently
 * stopped instrumenting or mutating would fail.
 */
public final class PlantedBugFuzzTarget {
    private static int sink;

    private PlantedBugFuzzTarget() {
    }

    public static void fuzzerTestOneInput(byte[] data) {
        if (data.length < 16 || (data[0] & 0xC0) != 0x80 || (data[0] & 0x10) == 0) {
            return;
        }
        int ext = 12 + 4 * (data[0] & 0x0F);
        if (ext + 4 > data.length) {
            return;
        }
        int profile = ((data[ext] & 0xFF) << 8) | (data[ext + 1] & 0xFF);
        if (profile != 0xBEDE) {
            return;
        }
        int words = ((data[ext + 2] & 0xFF) << 8) | (data[ext + 3] & 0xFF);
        int end = Math.min(data.length, ext + 4 + 4 * words);
        int at = ext + 4;
        while (at < end) {
            int id = (data[at] & 0xFF) >> 4;
            int len = (data[at] & 0x0F) + 1;
            if (id == 0) {
                at++;
                continue;
            }
            if (id != 13 && at + 1 + len > end) {
                return; // the check the planted bug leaves out for id 13
            }
            for (int i = 0; i < len; i++) {
                sink += data[at + 1 + i];
            }
            at += 1 + len;
        }
    }
}
